using System.Text.RegularExpressions;
using Mlobs.Query.PromQl.Ast;
using Mlobs.Query.PromQl.Parser;
using Mlobs.Tests.Support;

namespace Mlobs.Query.Tests.PromQl.Ast;

public class PrinterTests
{
    [Theory]
    [InlineData("sum(rate(http_requests_total{job=\"api\",code=~\"5..\"}[5m])) by (job)", "sum by (job) (rate(http_requests_total{code=~\"5..\",job=\"api\"}[5m]))")]
    [InlineData("sum without () (foo)", "sum without () (foo)")]
    [InlineData("sum by () (foo)", "sum(foo)")]
    [InlineData("topk(5, foo)", "topk(5, foo)")]
    [InlineData("count_values(\"v\", foo)", "count_values(\"v\", foo)")]
    [InlineData("foo offset -5m", "foo offset -5m")]
    [InlineData("foo @ 1609746000", "foo @ 1609746000.000")]
    [InlineData("rate(foo[1h30m] @ start() offset 1d)", "rate(foo[1h30m] @ start() offset 1d)")]
    [InlineData("foo[90d]", "foo[90d]")]
    [InlineData("foo[14d]", "foo[2w]")]
    [InlineData("a + on(job) group_left(env) b", "a + on (job) group_left (env) b")]
    [InlineData("a * ignoring(x) group_right b", "a * ignoring (x) group_right () b")]
    [InlineData("a and on() b", "a and on () b")]
    [InlineData("a > bool 1", "a > bool 1")]
    [InlineData("a  atan2  b", "a atan2 b")]
    [InlineData("min_over_time(rate(foo[5m])[30m:1m])", "min_over_time(rate(foo[5m])[30m:1m])")]
    [InlineData("max_over_time(foo[1h:] offset 5m)", "max_over_time(foo[1h:] offset 5m)")]
    [InlineData("-foo", "-foo")]
    [InlineData("- 1", "-1")]
    [InlineData("1e3 + 0x10", "1000 + 16")]
    [InlineData("Inf", "+Inf")]
    [InlineData("(foo)", "(foo)")]
    [InlineData("{__name__=\"foo\",a=\"b\"}", "{__name__=\"foo\",a=\"b\"}")]
    [InlineData("foo{a=\"b\\nc\", b!~\"x\"}", "foo{a=\"b\\nc\",b!~\"x\"}")]
    [InlineData("{\"some.metric\", \"weird-label\"=\"1\"}", "{\"weird-label\"=\"1\",__name__=\"some.metric\"}")]
    [InlineData("label_replace(up, 'dst', \"$1\", \"src\", \"(.*)\")", "label_replace(up, \"dst\", \"$1\", \"src\", \"(.*)\")")]
    public void PrintsTheCanonicalFormAsPrometheus(string query, string expected)
    {
        Assert.Equal(expected, Printer.Format(PromQlParser.Parse(query)));
    }

    [Fact]
    public void ShortQueriesStayOnOneLineLongOnesSplitByNode()
    {
        Assert.Equal("sum by (job) (rate(foo[5m]))", Prettier.Format(PromQlParser.Parse("sum(rate(foo[5m])) by (job)")));

        string longLhs = "rate(http_requests_total{job=\"checkout-service\",handler=\"/api/v1/orders\",code=~\"5..\"}[5m])";
        string query = $"sum by (job) ({longLhs}) / on (job) group_left sum by (job) (rate(http_requests_total[5m]))";
        string expected =
            "  sum by (job) (\n" +
            "    rate(http_requests_total{code=~\"5..\",handler=\"/api/v1/orders\",job=\"checkout-service\"}[5m])\n" +
            "  )\n" +
            "/ on (job) group_left ()\n" +
            "  sum by (job) (rate(http_requests_total[5m]))";
        Assert.Equal(expected, Prettier.Format(PromQlParser.Parse(query)));

        string call = "histogram_quantile(0.99, sum by (le, service_name_label) (rate(model_inference_latency_seconds_bucket[5m])))";
        Assert.Equal(
            "histogram_quantile(\n" +
            "  0.99,\n" +
            "  sum by (le, service_name_label) (rate(model_inference_latency_seconds_bucket[5m]))\n" +
            ")",
            Prettier.Format(PromQlParser.Parse(call)));
    }

    /// <summary>
    /// Every query in Prometheus's PromQL test files that parses prints to a form that parses back to the same
    /// tree (printed identically), and its pretty form does too.
    /// </summary>
    [Fact]
    public void EveryConformanceQueryRoundTrips()
    {
        int checkedQueries = 0;
        foreach (var query in ConformanceQueries.All())
        {
            Expr expr;
            try { expr = PromQlParser.Parse(query); }
            catch (ParseException) { continue; }
            string printed = Printer.Format(expr);
            Assert.Equal(printed, Printer.Format(PromQlParser.Parse(printed)));
            Assert.Equal(printed, Printer.Format(PromQlParser.Parse(Prettier.Format(expr))));
            checkedQueries++;
        }
        Assert.True(checkedQueries > 500, $"only {checkedQueries} queries found");
    }
}
