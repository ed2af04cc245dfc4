using BenchmarkDotNet.Attributes;
using Mlobs.Config.Drift;
using Mlobs.Drift.Monitors;
using Mlobs.Drift.Pinning;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Storage.Tsdb;

namespace Mlobs.Bench;

/// <summary>
/// One drift monitor evaluation over 100 features × 20 buckets (2,000 bucket series scraped every 15 s for two hours):
/// current window 1h against the hour before it, methods PSI, Jensen-Shannon, KS and Wasserstein. "Steady" is a round
/// between baseline refreshes (the current window is read, the baseline is cached); "WithBaseline" reads both.
/// The issue's target: ≤ 50 ms per evaluation.
/// </summary>
[MemoryDiagnoser]
public class DriftMonitorBench
{
    private const int Features = 100, Buckets = 20;
    private string _dir = "";
    private TsdbDatabase _tsdb = null!;
    private DriftMonitorEvaluator _evaluator = null!;
    private DriftMonitor _monitor = null!;
    private QueryEngine _engine = null!;
    private long _now;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "mlobs-bench-drift-" + Guid.NewGuid().ToString("N"));
        _tsdb = TsdbDatabase.Open(new TsdbOptions { Directory = _dir });
        _engine = new QueryEngine(_tsdb);
        _now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 15_000 * 15_000;
        long start = _now - 2 * 3_600_000;
        var labels = new LabelSet[Features, Buckets];
        for (int f = 0; f < Features; f++)
            for (int b = 0; b < Buckets; b++)
                labels[f, b] = LabelSet.From(("__name__", "feature_input_distribution_bucket"), ("job", "model"), ("feature", $"f{f:D3}"),
                    ("le", b == Buckets - 1 ? "+Inf" : (0.05 * (b + 1)).ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        var refs = new ulong[Features, Buckets];
        var counts = new double[Features, Buckets];
        var rng = new Random(7);
        for (long t = start; t <= _now; t += 15_000)
        {
            var appender = _tsdb.Appender();
            bool secondHour = t > _now - 3_600_000;
            for (int f = 0; f < Features; f++)
            {
                double cumulative = 0;
                for (int b = 0; b < Buckets; b++)
                {
                    // a bell around the middle bucket; every tenth feature moves in the second hour
                    double centre = secondHour && f % 10 == 0 ? 13 : 10;
                    counts[f, b] += Math.Round(30 * Math.Exp(-(b - centre) * (b - centre) / 18) + rng.NextDouble());
                    cumulative += counts[f, b];
                    appender.Append(ref refs[f, b], labels[f, b], t, cumulative);
                }
            }
            appender.Commit();
        }
        _monitor = DriftMonitor.Compile(new DriftMonitorConfig
        {
            Name = "bench", Kind = DriftSeriesKind.Histogram, Selector = "feature_input_distribution{job=\"model\"}", By = ["feature"],
            Current = TimeSpan.FromHours(1), Baseline = new DriftBaselineConfig { Window = TimeSpan.FromHours(1), Offset = TimeSpan.FromHours(1) },
            Methods = ["psi", "jensenshannon", "ks", "wasserstein"],
        });
        _evaluator = new DriftMonitorEvaluator(_monitor, _engine, new PinnedBaselineStore(Path.Combine(_dir, "drift")), TimeSpan.FromMinutes(1));
        var first = _evaluator.Evaluate(_now);
        if (first.Groups.Count != Features || first.DriftedGroups != Features / 10)
            throw new InvalidOperationException($"bench data: {first.Groups.Count} groups, {first.DriftedGroups} drifted; {first.Error}");
    }

    /// <summary>The groups of the last evaluation (for profiling one method at a time).</summary>
    public IReadOnlyList<DriftGroupResult> Groups() => _evaluator.Last!.Groups;

    [GlobalCleanup]
    public void Cleanup()
    {
        _tsdb.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    /// <summary>A round between baseline refreshes: the current hour read and every group scored four ways.</summary>
    [Benchmark]
    public DriftEvaluation EvaluateSteady() => _evaluator.Evaluate(_now);

    /// <summary>The current window's read alone (the PromQL instant query and its split into groups).</summary>
    [Benchmark]
    public int ReadCurrentWindow() => WindowDistributions.Read(_monitor, _engine, _now, TimeSpan.FromHours(1), TimeSpan.Zero).Count;

    /// <summary>Scoring alone: the four methods over the 100 groups of the last evaluation.</summary>
    [Benchmark]
    public double ScoreGroups()
    {
        double sum = 0;
        foreach (var g in _evaluator.Last!.Groups)
            foreach (var (m, _) in _monitor.Methods)
                sum += Mlobs.Drift.Distributions.BinnedDriftScorer.Score(m, g.Baseline!, g.Current!).Score;
        return sum;
    }

    /// <summary>A round that also re-reads the baseline hour (once per refresh period).</summary>
    [Benchmark]
    public DriftEvaluation EvaluateWithBaseline()
    {
        _evaluator.InvalidateBaseline();
        return _evaluator.Evaluate(_now);
    }
}
