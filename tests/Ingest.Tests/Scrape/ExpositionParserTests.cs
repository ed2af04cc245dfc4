using System.Text;
using Mlobs.Ingest.Scrape;
using Mlobs.Model.Labels;
using Mlobs.Tests.Support;

namespace Mlobs.Ingest.Tests.Scrape;

public class ExpositionParserTests
{
    private sealed record Parsed(int Help, int Type, int Unit, List<(LabelSet Labels, double Value, long? Ts)> Series);

    private static Parsed Parse(string text, bool openMetrics)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var p = new ExpositionParser().Reset(bytes, bytes.Length, openMetrics);
        var lb = new LabelSetBuilder();
        int help = 0, type = 0, unit = 0;
        var series = new List<(LabelSet, double, long?)>();
        EntryKind k;
        while ((k = p.Next()) != EntryKind.None)
        {
            switch (k)
            {
                case EntryKind.Help: help++; break;
                case EntryKind.Type: type++; break;
                case EntryKind.Unit: unit++; break;
                case EntryKind.Series:
                    p.ParseLabels(lb);
                    series.Add((lb.Build(), p.Value, p.TimestampMs));
                    break;
            }
        }
        return new Parsed(help, type, unit, series);
    }

    [Fact]
    public void ConformanceBody237FamiliesParsesCompletely()
    {
        var parsed = Parse(File.ReadAllText(Paths.Conformance("textparse", "alltypes.237mfs.prom.txt")), openMetrics: false);
        Assert.Equal(237, parsed.Type);
        Assert.Equal(237, parsed.Help);
        Assert.Equal(1857, parsed.Series.Count);
        Assert.Equal(237, parsed.Series.Select(s => s.Labels.MetricNameOrEmpty).Select(BaseFamily).Distinct().Count());
        var first = parsed.Series[0];
        Assert.Equal("go_gc_cycles_automatic_gc_cycles_total", first.Labels.MetricNameOrEmpty);
        Assert.Equal(190932, first.Value);
        var inf = parsed.Series.Single(s => s.Labels.MetricNameOrEmpty == "go_gc_heap_allocs_by_size_bytes_bucket" && s.Labels.Get("le") == "+Inf");
        Assert.Equal(4.4046288803e+10, inf.Value);
        Assert.All(parsed.Series, s => Assert.Null(s.Ts));
    }

    private static string BaseFamily(string name)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
            if (name.EndsWith(suffix, StringComparison.Ordinal)) return name[..^suffix.Length];
        return name;
    }

    [Fact]
    public void OpenMetricsConformanceBodiesParseWithExemplarsAndEof()
    {
        var five = Parse(File.ReadAllText(Paths.Conformance("textparse", "alltypes.5mfs.om.txt")), openMetrics: true);
        Assert.Equal(5, five.Type);
        Assert.Equal(53, five.Series.Count);
        var created = five.Series.First(s => s.Labels.MetricNameOrEmpty == "promhttp_metric_handler_errors_created");
        Assert.Equal(1.726839813016397e+09, created.Value);
        var withExemplar = five.Series.First(s => s.Labels.Get("le") == "-0.0002899999999999998");
        Assert.Equal(3, withExemplar.Value);

        var hist = Parse(File.ReadAllText(Paths.Conformance("textparse", "1histogram.om.txt")), openMetrics: true);
        Assert.Equal(42, hist.Series.Count);
        var sum = hist.Series.First(s => s.Labels.MetricNameOrEmpty == "golang_manual_histogram_seconds_sum");
        Assert.Equal(10.0, sum.Value);
        Assert.Equal("5001", sum.Labels.Get("port"));
    }

    [Fact]
    public void ValuesTimestampsEscapesAndSpecials()
    {
        var parsed = Parse("""
            # a plain comment
            a{x="q\"uote",y="back\\slash",z="new\nline"} 1.5 1700000000000
            b NaN
            c +Inf
            d -Inf
            e{} 1e-3
            f{a="b",} -2 -5
            {"utf8.name", a="1"} 7
            """, openMetrics: false);
        Assert.Equal(7, parsed.Series.Count);
        var a = parsed.Series[0];
        Assert.Equal("q\"uote", a.Labels.Get("x"));
        Assert.Equal("back\\slash", a.Labels.Get("y"));
        Assert.Equal("new\nline", a.Labels.Get("z"));
        Assert.Equal(1700000000000, a.Ts);
        Assert.True(double.IsNaN(parsed.Series[1].Value));
        Assert.Equal(double.PositiveInfinity, parsed.Series[2].Value);
        Assert.Equal(double.NegativeInfinity, parsed.Series[3].Value);
        Assert.Equal(0.001, parsed.Series[4].Value);
        Assert.Equal(-5, parsed.Series[5].Ts);
        Assert.Equal("utf8.name", parsed.Series[6].Labels.MetricNameOrEmpty);
    }

    [Theory]
    [InlineData("a 1\nb{x=\"1\" 2\n", false, 2)]
    [InlineData("a 1\nb x\n", false, 2)]
    [InlineData("a\n", false, 1)]
    [InlineData("a 1 notatime\n", false, 1)]
    [InlineData("# TYPE a bogus\na 1\n", false, 1)]
    [InlineData("a{x=\"1\",x=\"2\"} 1\n", false, 1)]
    [InlineData("a 1\n", true, 0)] // OpenMetrics without # EOF
    [InlineData("a 1\n# EOF\nb 2\n", true, 3)]
    public void MalformedInputReportsTheLine(string body, bool openMetrics, int line)
    {
        var ex = Assert.Throws<ExpositionParseException>(() => Parse(body, openMetrics));
        if (line > 0) Assert.Equal(line, ex.Line);
        Assert.StartsWith("line ", ex.Message);
    }
}
