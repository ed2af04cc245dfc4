using Mlobs.Config.Drift;
using Mlobs.Drift.Monitors;
using Mlobs.Drift.Pinning;
using Mlobs.Drift.Statistics;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Storage.Tsdb;
using Mlobs.Tests.Support;

namespace Mlobs.Drift.Tests.Monitors;

/// <summary>Monitors over a real TSDB in a temp dir, read through the real query engine.</summary>
public sealed class DriftMonitorEvaluatorTests : IDisposable
{
    private const long Minute = 60_000;
    /// <summary>Two hours ago on a whole minute: recent enough for the head (old samples would be out of bounds).</summary>
    private static readonly long T0 = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 2 * 3_600_000) / Minute * Minute;
    private static readonly string[] Bounds = ["1", "2", "4", "+Inf"];
    private readonly TempDir _dir = new();
    private readonly TsdbDatabase _tsdb;
    private readonly QueryEngine _engine;
    private readonly PinnedBaselineStore _pins;

    public DriftMonitorEvaluatorTests()
    {
        _tsdb = TsdbDatabase.Open(new TsdbOptions { Directory = Path.Combine(_dir.Path, "tsdb") });
        _engine = new QueryEngine(_tsdb);
        _pins = new PinnedBaselineStore(Path.Combine(_dir.Path, "drift"));
    }

    public void Dispose()
    {
        _tsdb.Dispose();
        _dir.Dispose();
    }

    /// <summary>
    /// Writes cumulative bucket counters every 15 s from <paramref name="fromMs"/>; each scrape adds
    /// <paramref name="perScrape"/> (per bucket, not cumulative). <paramref name="resetAtMs"/> restarts the counters
    /// there, as a restarted model server does.
    /// </summary>
    private void WriteHistogram(string feature, long fromMs, long toMs, int[] perScrape, long? resetAtMs = null, long[]? start = null)
    {
        var counts = start is null ? new long[Bounds.Length] : (long[])start.Clone();
        var appender = _tsdb.Appender();
        for (long t = fromMs; t <= toMs; t += 15_000)
        {
            if (resetAtMs is { } reset && t == reset) Array.Clear(counts);
            long cumulative = 0;
            for (int i = 0; i < Bounds.Length; i++)
            {
                counts[i] += perScrape[i];
                cumulative += counts[i];
                ulong r = 0;
                appender.Append(ref r, LabelSet.From(("__name__", "feature_input_distribution_bucket"), ("job", "model"), ("feature", feature), ("le", Bounds[i])), t, cumulative);
            }
        }
        appender.Commit();
    }

    private DriftMonitorEvaluator Evaluator(DriftMonitorConfig config) =>
        new(DriftMonitor.Compile(config), _engine, _pins, TimeSpan.FromMinutes(1));

    private static DriftMonitorConfig Config(string name = "features") => new()
    {
        Name = name,
        Kind = DriftSeriesKind.Histogram,
        Selector = "feature_input_distribution{job=\"model\"}",
        By = ["feature"],
        Current = TimeSpan.FromMinutes(10),
        Baseline = new DriftBaselineConfig { Window = TimeSpan.FromMinutes(10), Offset = TimeSpan.FromMinutes(10) },
        Methods = ["psi", "ks", "wasserstein", "chisquare"],
        MinSamples = 50,
    };

    [Fact]
    public void SharesAreTheBucketIncreasesAcrossACounterReset()
    {
        long t0 = T0;
        // baseline window: 1,2,3,4 per scrape; current: 4,3,2,1 per scrape with a restart in the middle
        WriteHistogram("age", t0, t0 + 10 * Minute, [1, 2, 3, 4]);
        WriteHistogram("age", t0 + 10 * Minute + 15_000, t0 + 20 * Minute, [4, 3, 2, 1], resetAtMs: t0 + 15 * Minute, start: [41, 82, 123, 164]);
        var e = Evaluator(Config()).Evaluate(t0 + 20 * Minute);
        Assert.Null(e.Error);
        var g = Assert.Single(e.Groups);
        Assert.Equal("age", g.Group.Get("feature"));
        Assert.Null(g.Skipped);
        double[] expectedCurrent = [0.4, 0.3, 0.2, 0.1];
        double[] expectedBaseline = [0.1, 0.2, 0.3, 0.4];
        var cur = g.Current!.Shares();
        var bas = g.Baseline!.Shares();
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(expectedCurrent[i], cur[i], 9);
            Assert.Equal(expectedBaseline[i], bas[i], 9);
        }
        var psi = g.Scores.Single(s => s.Method == DriftMethod.Psi);
        Assert.Equal(PopulationStabilityIndex.Compute(expectedBaseline, expectedCurrent), psi.Score, 9);
        Assert.True(psi.Drifted);
        Assert.True(e.DatasetDrift);
        Assert.Equal(1.0, e.Share);
    }

    [Fact]
    public void AThinWindowIsReportedNotScored()
    {
        long t0 = T0;
        WriteHistogram("age", t0, t0 + 20 * Minute, [1, 2, 3, 4]);
        WriteHistogram("tenure", t0 + 19 * Minute, t0 + 20 * Minute, [1, 0, 0, 1]); // only the current window, 2 per scrape
        var e = Evaluator(Config()).Evaluate(t0 + 20 * Minute);
        var tenure = e.Groups.Single(g => g.Group.Get("feature") == "tenure");
        Assert.StartsWith("baseline window has 0 samples, fewer than min_samples 50", tenure.Skipped);
        Assert.Empty(tenure.Scores);
        var series = DriftSeries.Of(e).ToList();
        Assert.Contains(series, s => s.Labels.Get("__name__") == DriftSeries.WindowSamples && s.Labels.Get("feature") == "tenure" && s.Labels.Get("window") == "baseline" && s.Value == 0);
        Assert.DoesNotContain(series, s => s.Labels.Get("__name__") == DriftSeries.Score && s.Labels.Get("feature") == "tenure");
        // The share counts scored groups only: age did not drift.
        Assert.Equal(0.0, e.Share);
        Assert.Equal(4, series.Count(s => s.Labels.Get("__name__") == DriftSeries.Score));
        Assert.All(series.Where(s => s.Labels.Get("__name__") == DriftSeries.Score), s => Assert.Equal("features", s.Labels.Get("monitor")));
    }

    [Fact]
    public async Task APinnedBaselineOutlivesTheDataItCameFrom()
    {
        long t0 = T0;
        WriteHistogram("age", t0, t0 + 20 * Minute, [1, 2, 3, 4]);
        var runner = new DriftMonitorRunner(_engine, _tsdb, _pins);
        var pinnedConfig = Config("pinned") with { Baseline = new DriftBaselineConfig { Pinned = true } };
        await runner.ApplyAsync([DriftMonitor.Compile(pinnedConfig)], TimeSpan.FromHours(1));
        var before = runner.Find("pinned")!.Evaluate(t0 + 20 * Minute);
        Assert.StartsWith("no pinned baseline yet", before.Groups.Single().Skipped);

        var pinned = runner.Pin("pinned", DateTimeOffset.FromUnixTimeMilliseconds(t0), DateTimeOffset.FromUnixTimeMilliseconds(t0 + 10 * Minute), DateTimeOffset.UtcNow);
        Assert.Single(pinned.Groups);
        await runner.DisposeAsync();

        // A new store without that history (retention took it) and the same pins directory.
        using var emptyDir = new TempDir();
        using var fresh = TsdbDatabase.Open(new TsdbOptions { Directory = emptyDir.Path });
        var appender = fresh.Appender();
        long now = t0 + 100 * Minute;
        for (long t = now - 10 * Minute; t <= now; t += 15_000)
        {
            long n = (t - (now - 10 * Minute)) / 15_000 + 1;
            long[] cumulative = [n * 1, n * 3, n * 6, n * 10]; // 1,2,3,4 per scrape: the pinned shape
            for (int i = 0; i < 4; i++)
            {
                ulong r = 0;
                appender.Append(ref r, LabelSet.From(("__name__", "feature_input_distribution_bucket"), ("job", "model"), ("feature", "age"), ("le", Bounds[i])), t, cumulative[i]);
            }
        }
        appender.Commit();
        var evaluator = new DriftMonitorEvaluator(DriftMonitor.Compile(pinnedConfig), new QueryEngine(fresh), new PinnedBaselineStore(_pins.Directory), TimeSpan.FromMinutes(1));
        var e = evaluator.Evaluate(now);
        var g = Assert.Single(e.Groups);
        Assert.Null(g.Skipped);
        Assert.StartsWith("pinned ", e.BaselineDescription);
        Assert.Equal(0, g.Scores.Single(s => s.Method == DriftMethod.Psi).Score, 9);
    }

    [Fact]
    public void CategoryCountersAreComparedByLabelValue()
    {
        long t0 = T0;
        var appender = _tsdb.Appender();
        string[] values = ["de", "fr", "it"];
        var counts = new long[3];
        for (long t = t0; t <= t0 + 20 * Minute; t += 15_000)
        {
            int[] add = t > t0 + 10 * Minute ? [2, 3, 6] : [5, 3, 2];
            for (int i = 0; i < 3; i++)
            {
                counts[i] += add[i];
                ulong r = 0;
                appender.Append(ref r, LabelSet.From(("__name__", "feature_value_total"), ("feature", "country"), ("value", values[i])), t, counts[i]);
            }
        }
        appender.Commit();
        var config = new DriftMonitorConfig
        {
            Name = "countries", Kind = DriftSeriesKind.Counter, Selector = "feature_value_total", CategoryLabel = "value", By = ["feature"],
            Current = TimeSpan.FromMinutes(10), Baseline = new DriftBaselineConfig { Window = TimeSpan.FromMinutes(10), Offset = TimeSpan.FromMinutes(10) },
            Methods = ["chisquare", "jensenshannon", "psi"], MinSamples = 10,
        };
        var e = Evaluator(config).Evaluate(t0 + 20 * Minute);
        var g = Assert.Single(e.Groups);
        Assert.Equal(["de", "fr", "it"], g.Baseline!.Bins);
        Assert.True(g.Scores[0].Drifted, $"chi-square p {g.Scores[0].Score}");
        Assert.Throws<Mlobs.Config.Yaml.ConfigException>(() => DriftMonitor.Compile(config with { Methods = ["ks"] }));
    }

    [Fact]
    public async Task AnUnchangedMonitorKeepsRunningAcrossAReload()
    {
        var runner = new DriftMonitorRunner(_engine, _tsdb, _pins);
        await runner.ApplyAsync([DriftMonitor.Compile(Config())], TimeSpan.FromHours(1));
        var first = runner.Find("features");
        // a reload re-reads the file: equal content in new lists
        await runner.ApplyAsync([DriftMonitor.Compile(Config() with { By = ["feature"], Methods = ["psi", "ks", "wasserstein", "chisquare"] })], TimeSpan.FromHours(1));
        Assert.Same(first, runner.Find("features"));
        await runner.ApplyAsync([DriftMonitor.Compile(Config() with { Methods = ["psi"] })], TimeSpan.FromHours(1));
        Assert.NotSame(first, runner.Find("features"));
        await runner.DisposeAsync();
    }
}
