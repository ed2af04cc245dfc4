using System.Text;
using Mlobs.Ingest.Import;
using Mlobs.Ingest.Scrape;
using Mlobs.Model.Labels;
using Mlobs.Storage.Tsdb;
using Mlobs.Tests.Support;

namespace Mlobs.Ingest.Tests.Import;

public class OpenMetricsImporterTests
{
    private static readonly long Base = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds();

    [Fact]
    public void ImportsTimestampedSamples()
    {
        using var dir = new TempDir();
        var text = new StringBuilder("# TYPE accuracy gauge\n");
        for (int i = 0; i < 300; i++) text.Append($"accuracy{{model=\"m1\"}} {0.9 + i * 0.0001} {Base + i * 15}\n");
        text.Append("# EOF\n");
        using var db = TsdbDatabase.Open(new TsdbOptions { Directory = dir.Path });
        var r = OpenMetricsImporter.Import(Encoding.UTF8.GetBytes(text.ToString()), db);
        Assert.Equal(300, r.Samples);
        Assert.Equal(1, r.Series);
        using var q = db.Querier(long.MinValue, long.MaxValue);
        var set = q.Select(false, LabelMatcher.Equal("model", "m1"));
        Assert.True(set.Next());
        var it = set.Current.Iterator();
        int n = 0;
        while (it.Next()) n++;
        Assert.Equal(300, n);
    }

    [Fact]
    public void SamplesOutsideTheRetentionAreCountedAsRejectedNotImported()
    {
        using var dir = new TempDir();
        long old = DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeSeconds();
        var body = Encoding.UTF8.GetBytes($"# TYPE a gauge\na 1 {old}\na 2 {old + 60}\na 3 {Base}\na 4 {Base}\n# EOF\n");
        using var db = TsdbDatabase.Open(new TsdbOptions { Directory = dir.Path });
        var r = OpenMetricsImporter.Import(body, db);
        Assert.Equal(1, r.Samples);   // the 15d default retention drops the two old ones; the duplicate timestamp is rejected
        Assert.Equal(3, r.Rejected);
    }

    [Fact]
    public void BadLineStoresNothing()
    {
        using var dir = new TempDir();
        var body = Encoding.UTF8.GetBytes($"a 1 {Base}\nb 2 {Base}\nc 3\n# EOF\n");
        using var db = TsdbDatabase.Open(new TsdbOptions { Directory = dir.Path });
        var ex = Assert.Throws<ExpositionParseException>(() => OpenMetricsImporter.Import(body, db));
        Assert.Equal(3, ex.Line);
        Assert.Equal(0, db.SeriesCount);
    }

    [Fact]
    public void InvalidUtf8InALabelValueIsRejectedWithItsPositionLikePromtool()
    {
        using var dir = new TempDir();
        var head = Encoding.UTF8.GetBytes($"# TYPE a gauge\na{{x=\"ok\"}} 1 {Base}\na{{x=\"b");
        var tail = Encoding.UTF8.GetBytes($"d\"}} 2 {Base}\n# EOF\n");
        var body = head.Concat(new byte[] { 0xff }).Concat(tail).ToArray();
        using var db = TsdbDatabase.Open(new TsdbOptions { Directory = dir.Path });
        var ex = Assert.Throws<ExpositionParseException>(() => OpenMetricsImporter.Import(body, db));
        Assert.Equal(3, ex.Line);
        Assert.Equal(5, ex.Column);
        // Prometheus's openmetrics parser: invalid UTF-8 label value: "\"b\xffd\""
        Assert.EndsWith("invalid UTF-8 label value: \"\\\"b\\xffd\\\"\"", ex.Message);
        Assert.Equal(0, db.SeriesCount);
    }

    [Fact]
    public void ASecondImportOverlappingTheFirstIsMergedAndReported()
    {
        using var dir = new TempDir();
        static byte[] File(IEnumerable<(long T, double V)> samples) =>
            Encoding.UTF8.GetBytes("# TYPE m gauge\n" + string.Concat(samples.Select(s => $"m {s.V} {s.T}\n")) + "# EOF\n");
        static IEnumerable<(long T, double V)> Minutes(long from, long to, double offset)
        {
            for (long t = from; t <= to; t += 60) yield return (t, (t - from) / 60 + offset);
        }
        using var db = TsdbDatabase.Open(new TsdbOptions { Directory = dir.Path });
        var first = OpenMetricsImporter.Import(File(Minutes(Base - 3600, Base, 0)), db);
        Assert.Equal(61, first.Samples);
        // an hour before the first, then the first's hour again: its first half the same, its second half other values
        var second = OpenMetricsImporter.Import(File(Minutes(Base - 7200, Base - 3660, 0)
            .Concat(Minutes(Base - 3600, Base - 1800, 0)).Concat(Minutes(Base - 1740, Base, 1000))), db);
        Assert.Equal(60, second.Samples);
        Assert.Equal(31, second.AlreadyStored);
        Assert.Equal(30, second.Duplicates);
        using var q = db.Querier(long.MinValue, long.MaxValue);
        var set = q.Select(false, LabelMatcher.Equal("__name__", "m"));
        Assert.True(set.Next());
        var it = set.Current.Iterator();
        var got = new List<(long, double)>();
        while (it.Next()) got.Add((it.Timestamp, it.Value));
        Assert.Equal(121, got.Count);
        Assert.Equal(got.OrderBy(x => x.Item1), got);
        Assert.Equal(60.0, got[^1].Item2); // the first import's value stays where the second disagrees
    }
}
