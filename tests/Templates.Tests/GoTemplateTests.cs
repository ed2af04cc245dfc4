using Mlobs.Templates;

namespace Mlobs.Templates.Tests;

/// <summary>The text/template language as Go runs it: output and error texts checked against Go's.</summary>
public class GoTemplateTests
{
    private static string Run(string text, object? data = null, bool missingKeyZero = false) =>
        GoTemplate.Parse("t", text, missingKeyZero: missingKeyZero).Execute(data);

    private static readonly IReadOnlyDictionary<string, string> Labels =
        new Dictionary<string, string> { ["job"] = "api", ["instance"] = "a:9090" };

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("{{ 1 }}", "1")]
    [InlineData("{{ 1.5 }}", "1.5")]
    [InlineData("{{ 1e6 }}", "1e+06")]
    [InlineData("{{ 123456.0 }}", "123456")]
    [InlineData("{{ 0x10 }}", "16")]
    [InlineData("{{ 'a' }}", "97")]
    [InlineData("{{ \"q\\\"s\" }}", "q\"s")]
    [InlineData("{{ `raw\\n` }}", "raw\\n")]
    [InlineData("{{ true }}", "true")]
    [InlineData("a  {{- 1 -}}  b", "a1b")]
    [InlineData("a {{/* a comment */}} b", "a  b")]
    [InlineData("a {{- /* trimmed */ -}} b", "ab")]
    [InlineData("{{ if true }}yes{{ else }}no{{ end }}", "yes")]
    [InlineData("{{ if 0 }}yes{{ else if \"\" }}mid{{ else }}no{{ end }}", "no")]
    [InlineData("{{ with \"x\" }}[{{ . }}]{{ else }}none{{ end }}", "[x]")]
    [InlineData("{{ with \"\" }}[{{ . }}]{{ else }}none{{ end }}", "none")]
    [InlineData("{{ $x := 1 }}{{ $x }}{{ $x = 2 }}{{ $x }}", "12")]
    [InlineData("{{ range $i := 3 }}{{ $i }}{{ end }}", "012")]
    [InlineData("{{ range $i, $e := 3 }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ $e }}{{ end }}", "02")]
    [InlineData("{{ range 5 }}{{ if eq . 2 }}{{ break }}{{ end }}{{ . }}{{ end }}", "01")]
    [InlineData("{{ range 0 }}x{{ else }}empty{{ end }}", "empty")]
    [InlineData("{{ printf \"%s=%d %.2f %5.1f|%-4s|%04d %q %x %t %v %%\" \"a\" 42 3.14159 2.25 \"ab\" 7 \"q\" 255 true 1e6 }}",
        "a=42 3.14   2.2|ab  |0007 \"q\" ff true 1e+06 %")]
    [InlineData("{{ printf \"%d\" \"x\" }}", "%!d(string=x)")]
    [InlineData("{{ printf \"%s %s\" \"x\" }}", "x %!s(MISSING)")]
    [InlineData("{{ printf \"%s\" \"x\" 1 }}", "x%!(EXTRA int=1)")]
    [InlineData("{{ printf \"%e %g %.3g %g\" 1234.5678 0.00001 1234.5678 100000.0 }}", "1.234568e+03 1e-05 1.23e+03 100000")]
    [InlineData("{{ print 1 2 \"a\" 3 \"b\" \"c\" }}", "1 2a3bc")]
    [InlineData("{{ \"a\" | printf \"%s-%s\" \"b\" }}", "b-a")]
    [InlineData("{{ len \"héllo\" }}", "6")]
    [InlineData("{{ and 1 0 2 }} {{ or 0 \"\" 3 }} {{ not 0 }}", "0 3 true")]
    [InlineData("{{ eq 1 2 3 1 }} {{ ne \"a\" \"b\" }} {{ lt 1.5 2.5 }} {{ ge \"b\" \"a\" }}", "true true true true")]
    [InlineData("{{ html \"<a href='x'>&\\\"\" }}", "&lt;a href=&#39;x&#39;&gt;&amp;&#34;")]
    [InlineData("{{ urlquery \"a b&c\" }}", "a+b%26c")]
    [InlineData("{{ define \"x\" }}[{{ . }}]{{ end }}{{ template \"x\" \"in\" }}", "[in]")]
    [InlineData("{{ (print \"a\" \"b\") }}", "ab")]
    [InlineData("{{ slice \"abcdef\" 1 3 }}", "bc")]
    public void RendersAsGoDoes(string text, string expected) => Assert.Equal(expected, Run(text));

    [Fact]
    public void MapsFieldsAndRangeFollowGo()
    {
        var data = new Dictionary<string, object?> { ["Labels"] = Labels, ["List"] = new List<object?> { "x", "y" } };
        Assert.Equal("api", Run("{{ .Labels.job }}", data));
        Assert.Equal("instance=a:9090,job=api,", Run("{{ range $k, $v := .Labels }}{{ $k }}={{ $v }},{{ end }}", data));
        Assert.Equal("0x1y", Run("{{ range $i, $e := .List }}{{ $i }}{{ $e }}{{ end }}", data));
        Assert.Equal("map[instance:a:9090 job:api]", Run("{{ .Labels }}", data));
        Assert.Equal("api", Run("{{ index .Labels \"job\" }}", data));
        Assert.Equal("y", Run("{{ index .List 1 }}", data));
        // A missing key: "<no value>" by default, "" with missingkey=zero (as Prometheus runs alert templates).
        Assert.Equal("<no value>", Run("{{ .Labels.nope }}", data));
        Assert.Equal("", Run("{{ .Labels.nope }}", data, missingKeyZero: true));
        Assert.Equal("2", Run("{{ len .List }}", data));
        // Variables declared inside a block end with it; $ is always the data.
        Assert.Equal("api", Run("{{ range .List }}{{ $.Labels.job }}{{ break }}{{ end }}", data));
    }

    [Theory]
    [InlineData("{{ $label.foo }}", "template: t:1: undefined variable \"$label\"")]
    [InlineData("{{ nosuch 1 }}", "template: t:1: function \"nosuch\" not defined")]
    [InlineData("{{ if true }}x", "template: t:1: unexpected EOF")]
    [InlineData("{{ 1 ", "template: t:1: unclosed action")]
    [InlineData("a\n{{ end }}", "template: t:2: unexpected {{end}}")]
    [InlineData("{{ }}", "template: t:1: missing value for command")]
    [InlineData("{{ \"abc }}", "template: t:1: unterminated quoted string")]
    [InlineData("{{ 1 | 2 }}", "template: t:1: non executable command in pipeline stage 2")]
    [InlineData("{{ break }}", "template: t:1: {{break}} outside {{range}}")]
    [InlineData("{{ (1 }}", "template: t:1: unclosed left paren")]
    [InlineData("{{ 1 ) }}", "template: t:1: unexpected right paren")]
    [InlineData("{{ \"x\".y }}", "template: t:1: unexpected . after term \"\\\"x\\\"\"")]
    public void ParseErrorsReadAsGos(string text, string expected)
    {
        var e = Assert.Throws<TemplateException>(() => GoTemplate.Parse("t", text));
        Assert.Equal(expected, e.Message);
    }

    [Theory]
    [InlineData("{{ .Foo }}", "template: t:1:3: executing \"t\" at <.Foo>: can't evaluate field Foo in type string")]
    [InlineData("x\n  {{ eq 1 1.5 }}", "template: t:2:5: executing \"t\" at <eq 1 1.5>: error calling eq: incompatible types for comparison")]
    [InlineData("{{ len 3 }}", "template: t:1:3: executing \"t\" at <len 3>: error calling len: len of type int")]
    [InlineData("{{ index \"ab\" 5 }}", "template: t:1:3: executing \"t\" at <index \"ab\" 5>: error calling index: index out of range: 5")]
    [InlineData("{{ printf }}", "template: t:1:3: executing \"t\" at <printf>: wrong number of args for printf: want at least 1 got 0")]
    [InlineData("{{ printf 1 }}", "template: t:1:10: executing \"t\" at <1>: expected string; found 1")]
    [InlineData("{{ template \"nope\" }}", "template: t:1:12: executing \"t\" at <{{template \"nope\"}}>: template \"nope\" not defined")]
    [InlineData("{{ range \"abc\" }}{{ end }}", "template: t:1:9: executing \"t\" at <\"abc\">: range can't iterate over abc")]
    public void ExecutionErrorsReadAsGos(string text, string expected)
    {
        var e = Assert.Throws<TemplateException>(() => Run(text, "data"));
        Assert.Equal(expected, e.Message);
    }
}
