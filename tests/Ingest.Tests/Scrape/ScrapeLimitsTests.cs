using Mlobs.Config;
using Mlobs.Ingest.Scrape;
using Mlobs.Ingest.Scrape.Relabel;
using Mlobs.Model.Labels;
using Mlobs.Storage.Tsdb;
using Mlobs.Tests.Support;

namespace Mlobs.Ingest.Tests.Scrape;

/// <summary>
/// The per-scrape limits against a real target on loopback and a real TSDB: a scrape over a limit fails as a whole
/// with Prometheus's wording (scrape/scrape.go verifyLabelLimits, errBodySizeLimit, the target_limit forced error).
/// </summary>
public sealed class ScrapeLimitsTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTarget _target = new();
    private readonly TsdbDatabase _db;
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddMinutes(-10);

    public ScrapeLimitsTests() => _db = TsdbDatabase.Open(new TsdbOptions { Directory = _dir.Path });

    public void Dispose()
    {
        _db.Dispose();
        _target.Dispose();
        _dir.Dispose();
    }

    private ScrapeLoop Loop(ScrapeLimits limits)
    {
        var config = new ScrapeConfig { JobName = "test", Limits = limits };
        var labels = LabelSet.From(("job", "test"), ("instance", _target.Address));
        var target = new ScrapeTarget("test", labels, labels, new Uri($"http://{_target.Address}/metrics"), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(5));
        return new ScrapeLoop(target, ScrapePool.CreateHttpOptions(config, "."), _db, new Relabeler([]), false, true, limits);
    }

    private int StoredSeries(string metric)
    {
        using var q = _db.Querier(long.MinValue, long.MaxValue);
        var set = q.Select(false, LabelMatcher.Equal("__name__", metric));
        int n = 0;
        while (set.Next()) n++;
        return n;
    }

    private static readonly string LongValue = new('v', 60);

    [Theory]
    [InlineData("label_limit", 4, "label_limit exceeded (metric: model_info, number of labels: 5, limit: 4)")]
    [InlineData("label_name_length_limit", 7, "label_name_length_limit exceeded (metric: ok, label name: __name__, length: 8, limit: 7)")]
    [InlineData("label_value_length_limit", 20, "label_value_length_limit exceeded (metric: model_info, label name: version, value: \"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\", length: 60, limit: 20)")]
    public void LabelLimitsFailEveryScrapeOfTheSeries(string limit, int value, string expected)
    {
        // Labels after the target's: __name__, job, instance (and model, version); as in Prometheus __name__ counts
        // for the label limit and the name length limit.
        _target.Body = $"ok 1\nmodel_info{{model=\"m\",version=\"{LongValue}\"}} 1\n";
        var limits = limit switch
        {
            "label_limit" => new ScrapeLimits { LabelLimit = value },
            "label_name_length_limit" => new ScrapeLimits { LabelNameLengthLimit = value },
            _ => new ScrapeLimits { LabelValueLengthLimit = value },
        };
        var loop = Loop(limits);
        loop.ScrapeOnce(T0, CancellationToken.None);
        Assert.Equal(TargetHealth.Down, loop.Target.State.Health);
        Assert.Equal(expected, loop.Target.State.LastError);
        // The series is not cached by the failed scrape: the next scrape fails the same way, and nothing of either is stored.
        loop.ScrapeOnce(T0.AddSeconds(15), CancellationToken.None);
        Assert.Equal(expected, loop.Target.State.LastError);
        Assert.Equal(0, StoredSeries("ok"));
        Assert.Equal(0, StoredSeries("model_info"));
    }

    [Fact]
    public void LabelLimitsAtTheirValuePass()
    {
        _target.Body = $"model_info{{model=\"m\",version=\"{LongValue}\"}} 1\n";
        var loop = Loop(new ScrapeLimits { LabelLimit = 5, LabelNameLengthLimit = 8, LabelValueLengthLimit = 60 });
        loop.ScrapeOnce(T0, CancellationToken.None);
        Assert.Equal("", loop.Target.State.LastError);
        Assert.Equal(1, StoredSeries("model_info"));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void BodySizeLimitCountsTheDecompressedBodyAndFailsAtTheLimit(bool chunked, bool gzip)
    {
        _target.Body = "requests_total 1\n" + string.Concat(Enumerable.Range(0, 50).Select(i => $"series_{i} {i}\n"));
        _target.Chunked = chunked;
        _target.Gzip = gzip;
        int size = System.Text.Encoding.UTF8.GetByteCount(_target.Body);

        var atLimit = Loop(new ScrapeLimits { BodySizeLimit = size });
        atLimit.ScrapeOnce(T0, CancellationToken.None);
        Assert.Equal("body size limit exceeded", atLimit.Target.State.LastError);
        Assert.Equal(0, StoredSeries("requests_total"));

        var above = Loop(new ScrapeLimits { BodySizeLimit = size + 1 });
        above.ScrapeOnce(T0.AddSeconds(15), CancellationToken.None);
        Assert.Equal("", above.Target.State.LastError);
        Assert.Equal(1, StoredSeries("requests_total"));

        // The connection the failed scrape abandoned is not reused half-read: the loop scrapes cleanly after it.
        atLimit.ScrapeOnce(T0.AddSeconds(30), CancellationToken.None);
        Assert.Equal("body size limit exceeded", atLimit.Target.State.LastError);
        _target.Body = "small 1\n";
        atLimit.ScrapeOnce(T0.AddSeconds(45), CancellationToken.None);
        Assert.Equal("", atLimit.Target.State.LastError);
    }

    [Fact]
    public async Task TargetLimitFailsEveryTargetOfThePoolWithoutScrapingIt()
    {
        using var second = new FakeTarget();
        _target.Body = "from_first 1\n";
        second.Body = "from_second 1\n";
        var staticConfig = new StaticConfig([_target.Address, second.Address], new Dictionary<string, string>());
        var config = new ScrapeConfig
        {
            JobName = "limited", ScrapeInterval = TimeSpan.FromSeconds(1), ScrapeTimeout = TimeSpan.FromSeconds(1),
            StaticConfigs = [staticConfig], Limits = new ScrapeLimits { TargetLimit = 1 },
        };
        await using var staleness = new EndOfRunStaleness();
        await using var pool = new ScrapePool(config, ".", _db, 1, staleness);
        await pool.StartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!pool.ActiveTargets.All(t => t.State.Health == TargetHealth.Down) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.All(pool.ActiveTargets, t => Assert.Equal("target_limit exceeded (number of targets: 2, limit: 1)", t.State.LastError));
        Assert.Equal(0, _target.Requests + second.Requests);
        Assert.Equal(0, StoredSeries("from_first"));
        Assert.Equal(2, pool.ActiveTargets.Count);
    }
}
