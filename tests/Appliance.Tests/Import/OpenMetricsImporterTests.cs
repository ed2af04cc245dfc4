using System.Text;
using Mlobs.Appliance.Import;
using Mlobs.Appliance.Scrape;
using Mlobs.Tests.Support;
using Mlobs.Storage.Labels;
using Mlobs.Storage.Tsdb;

namespace Mlobs.Appliance.Tests.Import;

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
}
