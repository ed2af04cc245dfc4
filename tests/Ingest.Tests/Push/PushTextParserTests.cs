using System.Text;
using Mlobs.Ingest.Push;

namespace Mlobs.Ingest.Tests.Push;

/// <summary>Pushed text bodies read as client_golang's expfmt.TextParser reads them for the Pushgateway.</summary>
public sealed class PushTextParserTests
{
    private static IReadOnlyDictionary<string, PushedFamily> Parse(string body) => PushTextParser.Parse(Encoding.UTF8.GetBytes(body));

    [Fact]
    public void ReadsFamiliesWithTheirTypesHelpAndMetrics()
    {
        var families = Parse("""
            # HELP rows_total Rows written.
            # TYPE rows_total counter
            rows_total{table="a"} 10
            rows_total{table="b"} 2.5e3
            # TYPE loss gauge
            loss 0.27
            untyped_thing{x="1"} 3

            """);
        Assert.Equal(["rows_total", "loss", "untyped_thing"], families.Keys);
        var rows = families["rows_total"];
        Assert.Equal(("Rows written.", MetricKind.Counter), (rows.Help, rows.Kind));
        Assert.Equal([10, 2500], rows.Metrics.Select(m => m.Value));
        Assert.Equal("table=b", string.Join(",", rows.Metrics[1].Labels.Select(l => $"{l.Name}={l.Value}")));
        Assert.Equal(MetricKind.Untyped, families["untyped_thing"].Kind);
        Assert.Equal("", families["loss"].Help);
    }

    [Fact]
    public void GroupsSummaryAndHistogramLinesByTheirOtherLabels()
    {
        var families = Parse("""
            # TYPE latency histogram
            latency_bucket{route="/a",le="0.1"} 1
            latency_bucket{route="/a",le="1"} 3
            latency_bucket{route="/a",le="+Inf"} 4
            latency_sum{route="/a"} 2.5
            latency_count{route="/a"} 4
            latency_bucket{route="/b",le="+Inf"} 0
            latency_count{route="/b"} 0
            # TYPE rpc summary
            rpc{quantile="0.5"} 0.2
            rpc{quantile="0.9"} 0.7
            rpc_sum 12
            rpc_count 30

            """);
        var h = families["latency"];
        Assert.Equal(MetricKind.Histogram, h.Kind);
        Assert.Equal(2, h.Metrics.Count);
        Assert.Equal([(0.1, 1.0), (1, 3), (double.PositiveInfinity, 4)], h.Metrics[0].Buckets.Select(b => (b.UpperBound, b.CumulativeCount)));
        Assert.Equal((2.5, 4.0), (h.Metrics[0].Sum, h.Metrics[0].Count));
        var s = families["rpc"].Metrics.Single();
        Assert.Equal([(0.5, 0.2), (0.9, 0.7)], s.Quantiles.Select(q => (q.Quantile, q.Value)));
        Assert.Equal((12.0, 30.0), (s.Sum, s.Count));
        Assert.Empty(s.Labels);
    }

    [Fact]
    public void DropsFamiliesWithoutSamplesAndKeepsTimestampsForTheCheck()
    {
        var families = Parse("# HELP only_help nothing here\n# TYPE only_type gauge\nx 1 1700000000000\n");
        Assert.Equal(["x"], families.Keys);
        Assert.Equal(1700000000000, families["x"].Metrics[0].TimestampMs);
        Assert.Empty(Parse(""));
    }

    [Theory]
    [InlineData("# TYPE x gauge\n# TYPE x counter\nx 1\n", "text format parsing error in line 2: second TYPE line for metric name \"x\", or TYPE reported after samples")]
    [InlineData("x 1\n# TYPE x gauge\n", "text format parsing error in line 2: second TYPE line for metric name \"x\", or TYPE reported after samples")]
    [InlineData("# HELP x a\n# HELP x b\n", "text format parsing error in line 2: second HELP line for metric name \"x\"")]
    [InlineData("# TYPE x histogram\nx_bucket{le=\"abc\"} 1\n", "text format parsing error in line 2: expected float as value for 'le' label, got \"abc\"")]
    [InlineData("# TYPE x summary\nx{quantile=\"q\"} 1\n", "text format parsing error in line 2: expected float as value for 'quantile' label, got \"q\"")]
    [InlineData("# TYPE x histogram\nx_bucket{le=\"1\"} -1\n", "text format parsing error in line 2: negative bucket population for histogram \"x\"")]
    [InlineData("x 1", "text format parsing error in line 1: unexpected end of input stream")]
    public void RejectsWhatGosParserRejects(string body, string message) =>
        Assert.Equal(message, Assert.Throws<PushRequestException>(() => Parse(body)).Message);

    [Fact]
    public void MalformedLinesNameTheirLine()
    {
        var ex = Assert.Throws<PushRequestException>(() => Parse("a 1\nb{x=\"1\" 2\n"));
        Assert.StartsWith("text format parsing error in line 2: ", ex.Message);
    }

    [Fact]
    public void WritesWhatItReadsBack()
    {
        const string body = """
            # HELP latency Request latency, in "seconds" \\ with a\nnewline.
            # TYPE latency histogram
            latency_bucket{route="/a",le="0.1"} 1
            latency_bucket{route="/a",le="+Inf"} 4
            latency_sum{route="/a"} 2.5
            latency_count{route="/a"} 4
            # TYPE rpc summary
            rpc{quantile="0.5"} 0.2
            rpc_sum 12
            rpc_count 30
            # TYPE g gauge
            g{v="quote \" backslash \\ newline \n"} 1e+06

            """;
        var first = Parse(body);
        var text = PushTextWriter.Write(first.Values);
        Assert.Equal(body.Replace("\r\n", "\n"), text);
        var again = Parse(text);
        Assert.Equal(first.Keys, again.Keys);
    }
}
