using Mlobs.Config;
using Mlobs.Ingest.Scrape;
using Mlobs.Ingest.Scrape.Relabel;
using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Storage;
using Mlobs.Storage.Tsdb;
using Mlobs.Tests.Support;

namespace Mlobs.Ingest.Tests.Scrape;

/// <summary>One scrape loop against a real HTTP target on loopback and a real TSDB in a temp dir.</summary>
public sealed class ScrapeLoopTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTarget _target = new();
    private readonly TsdbDatabase _db;
    private readonly ScrapeHttpOptions _http = ScrapePool.CreateHttpOptions(new ScrapeConfig { JobName = "test" }, ".");

    public ScrapeLoopTests() => _db = TsdbDatabase.Open(new TsdbOptions { Directory = _dir.Path });

    public void Dispose()
    {
        _db.Dispose();
        _target.Dispose();
        _dir.Dispose();
    }

    private ScrapeLoop Loop(bool honorLabels = false, int sampleLimit = 0, params RelabelConfig[] metricRelabel)
    {
        var labels = LabelSet.From(("job", "test"), ("instance", _target.Address));
        var target = new ScrapeTarget("test", labels, labels, new Uri($"http://{_target.Address}/metrics"), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(5));
        return new ScrapeLoop(target, _http, _db, new Relabeler(metricRelabel), honorLabels, true, new ScrapeLimits { SampleLimit = sampleLimit });
    }

    private List<(long T, double V)> Samples(string metric, params (string, string)[] extra)
    {
        using var q = _db.Querier(long.MinValue, long.MaxValue);
        var matchers = new List<LabelMatcher> { LabelMatcher.Equal("__name__", metric) };
        matchers.AddRange(extra.Select(e => LabelMatcher.Equal(e.Item1, e.Item2)));
        var set = q.Select(true, matchers.ToArray());
        var result = new List<(long, double)>();
        while (set.Next())
        {
            var it = set.Current.Iterator();
            while (it.Next()) result.Add((it.Timestamp, it.Value));
        }
        return result;
    }

    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddMinutes(-10);

    [Fact]
    public void StoresSamplesAndReportSeries()
    {
        _target.Body = "# TYPE requests_total counter\nrequests_total{code=\"200\"} 5\nmodel_accuracy 0.93\n";
        var loop = Loop();
        loop.ScrapeOnce(T0, CancellationToken.None);
        Assert.Equal([(T0.ToUnixTimeMilliseconds(), 5.0)], Samples("requests_total", ("job", "test"), ("code", "200")));
        Assert.Equal(0.93, Samples("model_accuracy").Single().V);
        Assert.Equal(1, Samples("up").Single().V);
        Assert.Equal(2, Samples("scrape_samples_scraped").Single().V);
        Assert.Equal(2, Samples("scrape_series_added").Single().V);
        Assert.Equal(TargetHealth.Up, loop.Target.State.Health);
        Assert.Contains("openmetrics-text", _target.LastAccept);
    }

    [Fact]
    public void GzipBodiesAndOpenMetricsContentTypeAreHandled()
    {
        _target.Gzip = true;
        _target.ContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";
        long sec = T0.ToUnixTimeSeconds() - 5;
        _target.Body = $"# TYPE drift gauge\ndrift{{feature=\"age\"}} 0.31 {sec}.5\n# EOF\n";
        var loop = Loop();
        loop.ScrapeOnce(T0, CancellationToken.None);
        Assert.Contains("gzip", _target.LastAcceptEncoding);
        Assert.Equal(TargetHealth.Up, loop.Target.State.Health);
        // OpenMetrics timestamps are seconds; honored as exposed
        Assert.Equal([(sec * 1000 + 500, 0.31)], Samples("drift"));
    }

    [Fact]
    public void DisappearedSeriesAndFailedScrapesGetStalenessMarkers()
    {
        var loop = Loop();
        _target.Body = "a 1\nb 2\n";
        loop.ScrapeOnce(T0, CancellationToken.None);
        _target.Body = "a 1\n";
        loop.ScrapeOnce(T0.AddSeconds(15), CancellationToken.None);
        var b = Samples("b");
        Assert.Equal(2, b.Count);
        Assert.True(StaleNaN.Is(b[1].V));

        _target.Status = 500;
        loop.ScrapeOnce(T0.AddSeconds(30), CancellationToken.None);
        Assert.True(StaleNaN.Is(Samples("a")[^1].V));
        Assert.Equal(0, Samples("up")[^1].V);
        var (health, error, _, _) = loop.Target.State;
        Assert.Equal(TargetHealth.Down, health);
        Assert.Equal("server returned HTTP status 500 Internal Server Error", error);
    }

    [Fact]
    public void SteadyScrapesMatchKeysExactlyAndNoticeSwapsAndLookalikes()
    {
        var loop = Loop();
        _target.Body = "foo 1\nfoo{a=\"b\"} 2\nbar 3\n";
        loop.ScrapeOnce(T0, CancellationToken.None);
        // Same positions, but keys that extend the previous ones, and one series replaced by another.
        _target.Body = "foo_total 10\nfoo{a=\"b\",c=\"d\"} 20\nbaz 30\n";
        loop.ScrapeOnce(T0.AddSeconds(15), CancellationToken.None);
        _target.Body = "foo_total 11\nfoo{a=\"b\",c=\"d\"} 21\nbaz 31\n";
        loop.ScrapeOnce(T0.AddSeconds(30), CancellationToken.None);
        Assert.Equal([10, 11], Samples("foo_total").Select(s => s.V));
        Assert.Equal([30, 31], Samples("baz").Select(s => s.V));
        var foo = Samples("foo", ("a", ""));
        Assert.Equal(2, foo.Count); // 1, then a staleness marker
        Assert.True(StaleNaN.Is(foo[1].V));
        var fooB = Samples("foo", ("a", "b"), ("c", ""));
        Assert.Equal(2, fooB.Count);
        Assert.True(StaleNaN.Is(fooB[1].V));
        Assert.True(StaleNaN.Is(Samples("bar")[^1].V));
        Assert.Equal([20, 21], Samples("foo", ("a", "b"), ("c", "d")).Select(s => s.V));
    }

    [Fact]
    public void MalformedBodyStoresNothingFromTheScrape()
    {
        var loop = Loop();
        _target.Body = "good 1\n";
        loop.ScrapeOnce(T0, CancellationToken.None);
        _target.Body = "good 2\nnew_series 3\nbroken{ 4\n";
        loop.ScrapeOnce(T0.AddSeconds(15), CancellationToken.None);
        Assert.Empty(Samples("new_series"));
        var good = Samples("good");
        Assert.Equal(1, good[0].V);
        Assert.True(StaleNaN.Is(good[1].V)); // not the 2 from the rejected body
        Assert.Contains("line 3", loop.Target.State.LastError);
        Assert.Equal(0, Samples("up")[^1].V);
    }

    [Fact]
    public void ConflictingLabelsAreExportedUnlessHonored()
    {
        _target.Body = "m{job=\"inner\",instance=\"x\"} 1\n";
        Loop().ScrapeOnce(T0, CancellationToken.None);
        Assert.Single(Samples("m", ("job", "test"), ("exported_job", "inner"), ("exported_instance", "x")));

        using var dir2 = new TempDir();
        _target.Body = "h{job=\"inner\"} 1\n";
        Loop(honorLabels: true).ScrapeOnce(T0, CancellationToken.None);
        Assert.Single(Samples("h", ("job", "inner"), ("instance", _target.Address)));
    }

    [Fact]
    public void SampleLimitFailsTheScrapeAndMetricRelabelingApplies()
    {
        _target.Body = "a 1\nb 2\nc 3\n";
        var limited = Loop(sampleLimit: 2);
        limited.ScrapeOnce(T0, CancellationToken.None);
        Assert.Empty(Samples("a"));
        Assert.Equal("sample limit exceeded", limited.Target.State.LastError);

        using var dir2 = new TempDir();
        var relabeled = Loop(false, 2, new RelabelConfig { SourceLabels = ["__name__"], Regex = "c", Action = RelabelAction.Drop });
        relabeled.ScrapeOnce(T0.AddSeconds(15), CancellationToken.None);
        Assert.Single(Samples("a"));
        Assert.Empty(Samples("c"));
        Assert.Equal(2, Samples("scrape_samples_post_metric_relabeling")[^1].V);
        Assert.Equal(3, Samples("scrape_samples_scraped")[^1].V);
    }

    [Fact]
    public void UnreachableTargetIsDownWithGoStyleError()
    {
        var labels = LabelSet.From(("job", "test"), ("instance", "127.0.0.1:1"));
        var target = new ScrapeTarget("test", labels, labels, new Uri("http://127.0.0.1:1/metrics"), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(2));
        var loop = new ScrapeLoop(target, _http, _db, new Relabeler([]), false, true, new ScrapeLimits());
        loop.ScrapeOnce(T0, CancellationToken.None);
        Assert.Equal(TargetHealth.Down, target.State.Health);
        Assert.StartsWith("Get \"http://127.0.0.1:1/metrics\": ", target.State.LastError);
    }
}
