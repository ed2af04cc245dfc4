using System.Diagnostics;
using Mlobs.Drift.Distributions;
using Mlobs.Drift.Pinning;
using Mlobs.Drift.Statistics;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Engine;

namespace Mlobs.Drift.Monitors;

/// <summary>
/// Evaluates one monitor: reads the current window, the baseline (kept between rounds: a rolling baseline is re-read
/// every refresh period, a fixed range once, a pinned one from its file), scores each group with each method, and
/// remembers the last evaluation for the Drift page and <c>mlobs drift list</c>.
/// </summary>
public sealed class DriftMonitorEvaluator(DriftMonitor monitor, IQueryEngine engine, PinnedBaselineStore pins, TimeSpan interval)
{
    private Dictionary<LabelSet, BinnedDistribution>? _baseline;
    private long _baselineAtMs = long.MinValue;
    private string _baselineDescription = "";

    public DriftMonitor Monitor { get; } = monitor;
    public TimeSpan Interval { get; } = interval;

    /// <summary>The last evaluation, null before the first.</summary>
    public DriftEvaluation? Last { get; private set; }

    /// <summary>A pin, re-pin or unpin changed the stored baseline: read it again next round.</summary>
    public void InvalidateBaseline() => _baselineAtMs = long.MinValue;

    public TimeSpan BaselineRefresh
    {
        get
        {
            var b = Monitor.Config.Baseline;
            var refresh = b.Refresh ?? TimeSpan.FromTicks(b.Window.Ticks / 168);
            return refresh < Interval ? Interval : refresh;
        }
    }

    public DriftEvaluation Evaluate(long nowMs, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var at = DateTimeOffset.FromUnixTimeMilliseconds(nowMs);
        try
        {
            var current = WindowDistributions.Read(Monitor, engine, nowMs, Monitor.Config.Current, TimeSpan.Zero, ct);
            var baseline = Baseline(nowMs, ct);
            var groups = new List<DriftGroupResult>();
            if (baseline is null)
            {
                // Pinned but never pinned: every group is reported, none scored.
                foreach (var (key, cur) in current.OrderBy(g => g.Key))
                    groups.Add(new DriftGroupResult(key, null, cur, 0, cur.Total, [], Monitor.IsObservations
                        ? $"no reference yet: POST the reference rows to /api/v1/drift/{Monitor.Name}/reference"
                        : $"no pinned baseline yet: run `mlobs drift pin {Monitor.Name}`", []));
            }
            else
            {
                foreach (var key in baseline.Keys.Union(current.Keys).Order())
                    groups.Add(Compare(key, baseline.GetValueOrDefault(key), current.GetValueOrDefault(key)));
            }
            int scored = groups.Count(g => g.Skipped is null);
            double? share = scored == 0 ? null : (double)groups.Count(g => g.Drifted) / scored;
            var evaluation = new DriftEvaluation(Monitor.Name, at, clock.Elapsed, _baselineDescription,
                _baselineAtMs == long.MinValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(_baselineAtMs),
                groups, share, share >= Monitor.Config.DriftShare, null);
            Last = evaluation;
            return evaluation;
        }
        catch (Exception ex) when (ex is QueryException or PinnedBaselineException or IOException)
        {
            var failed = new DriftEvaluation(Monitor.Name, at, clock.Elapsed, _baselineDescription, null, [], null, false, ex.Message);
            Last = failed;
            return failed;
        }
    }

    private DriftGroupResult Compare(LabelSet key, BinnedDistribution? reference, BinnedDistribution? current)
    {
        double nRef = reference?.Total ?? 0, nCur = current?.Total ?? 0;
        double min = Monitor.Config.MinSamples;
        string? skipped = null;
        if (nRef < min || nCur < min || nRef <= 0 || nCur <= 0)
        {
            var which = nRef < min || nRef <= 0 ? $"baseline window has {Format(nRef)} samples" : $"current window has {Format(nCur)} samples";
            skipped = $"{which}, fewer than min_samples {Format(Math.Max(min, 1))}";
        }
        if (skipped is not null || reference is null || current is null)
            return new DriftGroupResult(key, reference, current, nRef, nCur, [], skipped ?? "no data", []);

        if (reference.IsHistogram != current.IsHistogram)
            return new DriftGroupResult(key, reference, current, nRef, nCur, [], "the baseline and the current window have different kinds of bins", []);
        (reference, current) = BinnedDistribution.Align(reference, current);
        var scores = new List<DriftScore>();
        var problems = new List<string>();
        foreach (var (method, threshold) in Monitor.Methods)
        {
            try { scores.Add(BinnedDriftScorer.Score(method, reference, current, threshold)); }
            catch (ArgumentException ex) { problems.Add($"{method.Name()}: {ex.Message}"); }
        }
        // The share counts the first method; when it could not apply, the group is not scored at all.
        if (scores.Count == 0 || scores[0].Method != Monitor.Methods[0].Method)
            return new DriftGroupResult(key, reference, current, nRef, nCur, scores, $"{Monitor.Methods[0].Method.Name()} does not apply: {string.Join("; ", problems)}", problems);
        return new DriftGroupResult(key, reference, current, nRef, nCur, scores, null, problems);
    }

    private static string Format(double v) => v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    private Dictionary<LabelSet, BinnedDistribution>? Baseline(long nowMs, CancellationToken ct)
    {
        var b = Monitor.Config.Baseline;
        if (b.Pinned)
        {
            if (_baselineAtMs != long.MinValue) return _baseline;
            var pinned = pins.Load(Monitor.Name);
            _baseline = pinned is null ? null : PinnedBaselineStore.Distributions(pinned);
            _baselineDescription = pinned is null ? (Monitor.IsObservations ? "reference (none uploaded yet)" : "pinned (nothing pinned yet)")
                : pinned.Binning is not null ? $"reference of {pinned.Rows} rows uploaded {pinned.PinnedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"
                : $"pinned {Range(pinned.From, pinned.To)}";
            _baselineAtMs = nowMs;
            return _baseline;
        }
        if (b.IsFixedRange)
        {
            if (_baselineAtMs != long.MinValue && _baseline is not null) return _baseline;
            var from = b.From!.Value;
            var to = b.To!.Value;
            _baseline = WindowDistributions.Read(Monitor, engine, to.ToUnixTimeMilliseconds(), to - from, TimeSpan.Zero, ct);
            _baselineDescription = Range(from, to);
            _baselineAtMs = nowMs;
            return _baseline;
        }
        if (_baseline is null || _baselineAtMs == long.MinValue || nowMs - _baselineAtMs >= (long)BaselineRefresh.TotalMilliseconds)
        {
            _baseline = WindowDistributions.Read(Monitor, engine, nowMs, b.Window, b.Offset, ct);
            _baselineAtMs = nowMs;
            _baselineDescription = $"rolling {Model.PromDuration.Format(b.Window)}" + (b.Offset > TimeSpan.Zero ? $" offset {Model.PromDuration.Format(b.Offset)}" : "");
        }
        return _baseline;
    }

    private static string Range(DateTimeOffset from, DateTimeOffset to) =>
        $"{from.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} to {to.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}";
}
