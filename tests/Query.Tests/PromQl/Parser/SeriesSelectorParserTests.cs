using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Parser;

namespace Mlobs.Query.Tests.PromQl.Parser;

public class SeriesSelectorParserTests
{
    [Fact]
    public void ParsesNameAndMatchers()
    {
        var m = SeriesSelectorParser.Parse("http_requests_total{job=\"api\", code!=\"500\", path=~\"/v1/.*\", env!~'dev|test',}");
        Assert.Equal(["__name__=\"http_requests_total\"", "job=\"api\"", "code!=\"500\"", "path=~\"/v1/.*\"", "env!~\"dev|test\""], m.Select(x => x.ToString()));
        Assert.True(m[3].Matches("/v1/predict"));
        Assert.False(m[3].Matches("x/v1/predict")); // anchored
    }

    [Fact]
    public void BracesOnlyAndQuotedMetricName()
    {
        Assert.Equal(LabelMatchType.Regex, SeriesSelectorParser.Parse("{__name__=~\"up|down\"}")[0].Type);
        var q = SeriesSelectorParser.Parse("{\"my.metric\", a=\"b\"}");
        Assert.Equal("my.metric", q[0].Value);
    }

    [Theory]
    [InlineData("up{", "1:4: parse error: unexpected end of input inside braces")]
    [InlineData("{job=~\".*\"}", "1:1: parse error: vector selector must contain at least one non-empty matcher")]
    [InlineData("up{job=5}", "1:8: parse error: unexpected number \"5\" in label matching, expected string")]
    [InlineData("up{job=\"a\"} + 1", "1:13: parse error: unexpected \"+\"")]
    [InlineData("up{job=~\"(\"}", "1:9: parse error: invalid regular expression in label matcher")]
    // Escapes: Prometheus 2.42's texts and positions, checked against it.
    [InlineData("up{a=\"\\q\"}", "1:6: parse error: unknown escape sequence U+0071 'q'")]
    [InlineData("up{a=\"\\xG1\"}", "1:6: parse error: illegal character U+0047 'G' in escape sequence")]
    [InlineData("up{a=\"\\400\"}", "1:6: parse error: escape sequence is an invalid Unicode code point")]
    public void BadSelectorsReportPosition(string input, string prefix)
    {
        var ex = Assert.Throws<ParseException>(() => SeriesSelectorParser.Parse(input));
        Assert.StartsWith(prefix, ex.Message);
    }
}
