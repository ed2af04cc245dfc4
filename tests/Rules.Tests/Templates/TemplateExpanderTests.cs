using Mlobs.Rules.Templates;
using Mlobs.Templates;

namespace Mlobs.Rules.Tests.Templates;

/// <summary>Alert templates as Prometheus expands them (cases from Prometheus's template_test.go).</summary>
public class TemplateExpanderTests
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    private static string Expand(string text, double value = 0, IReadOnlyDictionary<string, string>? labels = null, TemplateQuery? query = null) =>
        TemplateExpander.ExpandAlert("Test", text,
            new AlertTemplateData(labels ?? new Dictionary<string, string> { ["instance"] = "a:9090", ["job"] = "api" },
                new Dictionary<string, string> { ["cluster"] = "edge" }, "http://mlobs:9090", value),
            query, 1_000_000);

    [Theory]
    [InlineData("{{ range . }}{{ humanize . }}:{{ end }}", new[] { 0.0, 1.0, 1234567.0, .12 }, "0:1:1.235M:120m:")]
    [InlineData("{{ range . }}{{ humanize1024 . }}:{{ end }}", new[] { 0.0, 1.0, 1048576.0, .12 }, "0:1:1Mi:0.12:")]
    [InlineData("{{ range . }}{{ humanizeDuration . }}:{{ end }}", new[] { 0, 1, 60, 3600, 86400, 86400 + 3600, -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), 899.99 },
        "0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:")]
    [InlineData("{{ range . }}{{ humanizeDuration . }}:{{ end }}", new[] { .1, .0001, .12345, 60.1, 60.5, 1.2345, 12.345 },
        "100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:")]
    [InlineData("{{ range . }}{{ humanizePercentage . }}:{{ end }}", new[] { 0, 0.1234567, 1.23456, 12.3456 }, "0%:12.35%:123.5%:1235%:")]
    [InlineData("{{ range . }}{{ humanizeTimestamp . }}:{{ end }}", new[] { 0, 1, 1234567890, 1234567890.123456 },
        "1970-01-01 00:00:00 +0000 UTC:1970-01-01 00:00:01 +0000 UTC:2009-02-13 23:31:30 +0000 UTC:2009-02-13 23:31:30.123 +0000 UTC:")]
    public void HumanizeFunctionsMatchPrometheus(string text, double[] input, string expected)
    {
        var t = GoTemplate.Parse("t", text, PrometheusTemplateFunctions.Create(null, 0, ""), missingKeyZero: true);
        Assert.Equal(expected, t.Execute(input.Select(v => (object?)v).ToList()));
    }

    [Theory]
    [InlineData("{{ \"aa bb CC\" | title }}", "Aa Bb CC")]
    [InlineData("{{ \"aa bb CC\" | toUpper }}", "AA BB CC")]
    [InlineData("{{ \"aa bb CC\" | toLower }}", "aa bb cc")]
    [InlineData("{{ match \"a+\" \"aaa\" }} {{ match \"^a+$\" \"b\" }}", "true false")]
    [InlineData("{{ reReplaceAll \"(a)b\" \"x$1\" \"ab\" }}", "xa")]
    [InlineData("{{ reReplaceAll \"(?P<h>[^:]+):.*\" \"$h\" $labels.instance }}", "a")]
    [InlineData("{{ \"a:9090\" | stripPort }} {{ \"[::1]:9090\" | stripPort }}", "a ::1")]
    [InlineData("{{ \"host.example.com:9090\" | stripDomain }}", "host:9090")]
    [InlineData("{{ graphLink \"up == 0\" }}", "/graph?g0.expr=up+%3D%3D+0&g0.tab=0")]
    [InlineData("{{ parseDuration \"1h30m\" }}", "5400")]
    [InlineData("{{ humanize \"1234.5\" }}", "1.234k")]
    [InlineData("{{ toTime 1.5 }}", "1970-01-01 00:00:01.5 +0000 UTC")]
    [InlineData("{{ toDuration 3723.5 }}", "1h2m3.5s")]
    [InlineData("{{ args 1 \"x\" }}", "map[arg0:1 arg1:x]")]
    [InlineData("{{ $labels.instance }} of {{ $labels.job }} in {{ $externalLabels.cluster }} ({{ $externalURL }})", "a:9090 of api in edge (http://mlobs:9090)")]
    [InlineData("[{{ $labels.missing }}]", "[]")]
    [InlineData("{{ .Labels.job }}", "api")]
    [InlineData("no templates here", "no templates here")]
    public void PrometheusFunctionsAndVariables(string text, string expected) => Assert.Equal(expected, Expand(text));

    [Theory]
    [InlineData("{{ $value }}", 0.5, "0.5")]
    [InlineData("{{ $value }}", 1e6, "1e+06")]
    [InlineData("{{ $value | printf \"%.2f\" }}", 0.12345, "0.12")]
    [InlineData("{{ $value | humanizePercentage }}", 0.9512, "95.12%")]
    [InlineData("{{ if gt $value 10.0 }}high{{ else }}low{{ end }}", 12, "high")]
    [InlineData("{{ $value }}", double.NaN, "NaN")]
    [InlineData("{{ $value }}", double.PositiveInfinity, "+Inf")]
    public void ValueIsTheSamplesFloat(string text, double value, string expected) => Assert.Equal(expected, Expand(text, value));

    [Fact]
    public void QueriesRunThroughTheGivenQueryFunction()
    {
        var queried = new List<string>();
        TemplateQuery query = expr =>
        {
            queried.Add(expr);
            return expr == "none" ? [] :
            [
                new TemplateSample(new Dictionary<string, string> { ["instance"] = "b" }, 2),
                new TemplateSample(new Dictionary<string, string> { ["instance"] = "a" }, 11),
            ];
        };
        Assert.Equal("2", Expand("{{ query \"m\" | first | value }}", query: query));
        Assert.Equal("b", Expand("{{ query \"m\" | first | label \"instance\" }}", query: query));
        Assert.Equal("b:2 a:11 ", Expand("{{ range query \"m\" }}{{ .Labels.instance }}:{{ .Value }} {{ end }}", query: query));
        Assert.Equal("a b ", Expand("{{ range query \"m\" | sortByLabel \"instance\" }}{{ .Labels.instance }} {{ end }}", query: query));
        Assert.Equal("", Expand("{{ with query \"none\" }}{{ . | first | label \"instance\" }}{{ end }}", query: query));
        Assert.Equal(["m", "m", "m", "m", "none"], queried);
        var e = Assert.Throws<TemplateException>(() => Expand("{{ query \"none\" | first | value }}", query: query));
        Assert.EndsWith("error calling first: first() called on vector with no elements", e.Message);
    }

    [Fact]
    public void ErrorsCarryPrometheusPrefixes()
    {
        var parse = Assert.Throws<TemplateException>(() => Expand("Instance {{ $label.foo }} down"));
        Assert.Equal("error parsing template __alert_Test: template: __alert_Test:1: undefined variable \"$label\"", parse.Message);

        var exec = Assert.Throws<TemplateException>(() => Expand("{{ humanize \"one\" }}"));
        int col = TemplateExpander.AlertDefinitions.Length + 3;
        Assert.Equal($"error executing template __alert_Test: template: __alert_Test:1:{col}: executing \"__alert_Test\" at <humanize \"one\">: " +
            "error calling humanize: strconv.ParseFloat: parsing \"one\": invalid syntax", exec.Message);

        var compare = Assert.Throws<TemplateException>(() => Expand("{{ if gt $value 10 }}x{{ end }}", 12));
        Assert.EndsWith("error calling gt: incompatible types for comparison", compare.Message);

        Assert.Equal("template: __alert_Test:1: undefined variable \"$label\"", TemplateExpander.ParseTestAlert("Test", "{{ $label.x }}"));
        Assert.Null(TemplateExpander.ParseTestAlert("Test", "{{ $labels.x }}"));
    }
}
