using Mlobs.Config.Drift;
using Mlobs.Drift.Columns;
using Mlobs.Drift.Distributions;
using Mlobs.Drift.Observations;
using Mlobs.Drift.Pinning;
using Mlobs.Ingest;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Storage;

namespace Mlobs.Drift.Monitors;

/// <summary>
/// Runs the config's <c>drift_monitors</c>, each at its interval (aligned to multiples of it, as rule groups are),
/// writing <see cref="DriftSeries"/> at the evaluation time; a monitor that stops producing a group's series marks
/// them stale. A reload replaces the monitors whose config changed.
/// </summary>
public sealed class DriftMonitorRunner(IQueryEngine engine, IAppendable storage, PinnedBaselineStore pins, Action<string, Exception>? onError = null) : IAsyncDisposable
{
    private sealed record Running(DriftMonitorConfig Config, TimeSpan Interval, DriftMonitorEvaluator Evaluator, AlignedIntervalLoop Loop);

    private static readonly string[] NoLabels = [];
    private static readonly Dictionary<string, double> NoThresholds = [];
    private readonly Lock _lock = new();
    private List<Running> _running = [];
    /// <summary>Observations monitors' running counts, by monitor (kept across reloads while the reference is the same).</summary>
    private readonly Dictionary<string, ObservationCounter> _counters = new(StringComparer.Ordinal);

    public PinnedBaselineStore Pins { get; } = pins;

    /// <summary>Compiles every monitor (throwing the first problem, file:line:col) without touching the running ones.</summary>
    public static IReadOnlyList<DriftMonitor> Compile(IReadOnlyList<DriftMonitorConfig> configs) => [.. configs.Select(DriftMonitor.Compile)];

    public IReadOnlyList<DriftMonitorEvaluator> Monitors { get { lock (_lock) return [.. _running.Select(r => r.Evaluator)]; } }

    public DriftMonitorEvaluator? Find(string name) => Monitors.FirstOrDefault(m => m.Monitor.Name == name);

    /// <summary>Swaps in compiled monitors; unchanged ones keep running with their baseline cache and last result.</summary>
    public async Task ApplyAsync(IReadOnlyList<DriftMonitor> monitors, TimeSpan defaultInterval)
    {
        List<Running> stop;
        lock (_lock)
        {
            var next = new List<Running>();
            foreach (var m in monitors)
            {
                var interval = m.Config.Interval ?? defaultInterval;
                var same = _running.FirstOrDefault(r => ConfigEquals(r.Config, m.Config) && r.Interval == interval);
                next.Add(same ?? Start(m, interval));
            }
            stop = [.. _running.Where(r => !next.Contains(r))];
            _running = next;
        }
        foreach (var r in stop) await r.Loop.DisposeAsync().ConfigureAwait(false);
    }

    private Running Start(DriftMonitor monitor, TimeSpan interval)
    {
        var evaluator = new DriftMonitorEvaluator(monitor, engine, Pins, interval);
        var writer = new SeriesSnapshotWriter(storage);
        var observationWriter = new SeriesSnapshotWriter(storage);
        if (monitor.IsObservations) LoadCounter(monitor);
        var loop = new AlignedIntervalLoop(() => interval, () =>
        {
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            now -= now % (long)interval.TotalMilliseconds; // the round's own time, so restarts keep the spacing
            // Posted rows become counters in the store first, so this round's window reads them.
            if (Counter(monitor.Name) is { } counter)
            {
                var series = counter.Series();
                if (!counter.ZeroWritten)
                {
                    observationWriter.Write(series.Select(x => (x.Labels, 0.0)), now - 1);
                    counter.ZeroWritten = true;
                }
                observationWriter.Write(series, now);
            }
            var evaluation = evaluator.Evaluate(now);
            if (evaluation.Error is not null) onError?.Invoke(monitor.Name, new InvalidOperationException(evaluation.Error));
            writer.Write(DriftSeries.Of(evaluation), now);
        }, ex => onError?.Invoke(monitor.Name, ex));
        return new Running(monitor.Config, interval, evaluator, loop);
    }

    /// <summary>
    /// Pins a monitor's baseline: the distribution over [from, to] (default: the monitor's baseline window as of now)
    /// stored in the data dir, and used by a monitor whose baseline is <c>pinned: true</c> from its next round.
    /// </summary>
    public PinnedBaseline Pin(string name, DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset now)
    {
        var evaluator = Find(name) ?? throw new DriftMonitorNotFoundException(name);
        var monitor = evaluator.Monitor;
        var b = monitor.Config.Baseline;
        var end = to ?? (b.IsFixedRange ? b.To!.Value : now - b.Offset);
        var start = from ?? (b.IsFixedRange && to is null ? b.From!.Value : end - b.Window);
        if (start >= end) throw new ArgumentException($"pin range start {start:O} is not before its end {end:O}");
        var groups = WindowDistributions.Read(monitor, engine, end.ToUnixTimeMilliseconds(), end - start, TimeSpan.Zero);
        if (groups.Count == 0 || groups.Values.All(g => g.Total <= 0))
            throw new ArgumentException($"no samples of {monitor.Config.Selector} between {start:yyyy-MM-ddTHH:mm:ssZ} and {end:yyyy-MM-ddTHH:mm:ssZ}; nothing pinned");
        if (monitor.IsObservations) throw new ArgumentException($"drift monitor \"{name}\" compares observations with an uploaded reference: POST the reference rows to /api/v1/drift/{name}/reference");
        var pinned = PinnedBaselineStore.Create(name, start, end, groups);
        Pins.Save(pinned);
        evaluator.InvalidateBaseline();
        return pinned;
    }

    private ObservationCounter? Counter(string name) { lock (_lock) return _counters.GetValueOrDefault(name); }

    /// <summary>An observations monitor's counts start from its stored reference's bins (none until one is uploaded).</summary>
    private void LoadCounter(DriftMonitor monitor)
    {
        PinnedBaseline? reference;
        try { reference = Pins.Load(monitor.Name); }
        catch (PinnedBaselineException ex) { onError?.Invoke(monitor.Name, ex); return; }
        lock (_lock)
        {
            if (reference?.Binning is not { } binning) { _counters.Remove(monitor.Name); return; }
            if (_counters.TryGetValue(monitor.Name, out var running) && running.Binning.SequenceEqual(binning)) return;
            _counters[monitor.Name] = new ObservationCounter(monitor.Name, binning, monitor.Config.MaxCategories);
        }
    }

    /// <summary>
    /// An observations monitor's reference: the rows are read, each column's bins fitted (Evidently's rule), their
    /// counts stored as the monitor's pinned baseline with the bins, and counting starts afresh on those bins.
    /// </summary>
    public PinnedBaseline UploadReference(string name, TextReader body, bool jsonLines, DateTimeOffset now)
    {
        var evaluator = Find(name) ?? throw new DriftMonitorNotFoundException(name);
        var monitor = evaluator.Monitor;
        if (!monitor.IsObservations) throw new ArgumentException($"drift monitor \"{name}\" reads {monitor.Config.Kind.ToString().ToLowerInvariant()} series; only observations monitors take a reference upload");
        var table = TabularFile.Read(body, "reference", jsonLines);
        if (table.Rows == 0) throw new ArgumentException("the reference has no rows" + (table.Problems.Count > 0 ? ": " + string.Join("; ", table.Problems) : ""));
        var columns = monitor.Config.Columns.Count > 0 ? monitor.Config.Columns : [.. table.Columns.Select(c => c.Name)];
        var binning = new List<ColumnBinning>();
        var groups = new Dictionary<LabelSet, BinnedDistribution>();
        foreach (var name2 in columns)
        {
            var column = table.Columns.FirstOrDefault(c => c.Name == name2) ?? throw new ArgumentException($"column \"{name2}\" (in the monitor's columns) is not in the reference");
            if (column.Count == 0) throw new ArgumentException($"column \"{name2}\" has no values in the reference");
            var b = ColumnBinning.Fit(column, monitor.Config.MaxCategories);
            binning.Add(b);
            groups[LabelSet.From(("feature", b.Column))] = ReferenceDistribution(b, column);
        }
        var pinned = PinnedBaselineStore.Create(name, now, now, groups, table.Rows, binning);
        Pins.Save(pinned);
        lock (_lock) _counters[name] = new ObservationCounter(name, binning, monitor.Config.MaxCategories);
        evaluator.InvalidateBaseline();
        return pinned;
    }

    private static BinnedDistribution ReferenceDistribution(ColumnBinning b, ColumnValues column)
    {
        if (b.IsNumeric)
        {
            var counts = new double[b.Bounds.Length];
            foreach (double v in column.Numbers) counts[b.Bucket(v)]++;
            return BinnedDistribution.FromBins(b.NumericBounds, counts);
        }
        var kept = b.Categories.ToHashSet(StringComparer.Ordinal);
        return BinnedDistribution.FromCategories(column.Categories.Select(c => (kept.Contains(c.Key) ? c.Key : ObservationSeries.Other, (double)c.Value)));
    }

    /// <summary>Counts posted rows into an observations monitor's bins.</summary>
    public ObservationResult Observe(string name, TextReader body, bool jsonLines)
    {
        var evaluator = Find(name) ?? throw new DriftMonitorNotFoundException(name);
        if (!evaluator.Monitor.IsObservations) throw new ArgumentException($"drift monitor \"{name}\" reads {evaluator.Monitor.Config.Kind.ToString().ToLowerInvariant()} series, not posted observations");
        var counter = Counter(name) ?? throw new InvalidOperationException($"drift monitor \"{name}\" has no reference yet: POST the reference rows to /api/v1/drift/{name}/reference first");
        return counter.Add(ObservationRows.Read(body, jsonLines));
    }

    public bool Unpin(string name)
    {
        var evaluator = Find(name) ?? throw new DriftMonitorNotFoundException(name);
        bool removed = Pins.Delete(name);
        evaluator.InvalidateBaseline();
        return removed;
    }

    /// <summary>Records compare lists by reference; a reload re-reads them, so compare what they hold.</summary>
    private static bool ConfigEquals(DriftMonitorConfig a, DriftMonitorConfig b) =>
        a with { By = NoLabels, Methods = NoLabels, Thresholds = NoThresholds, Position = b.Position } == b with { By = NoLabels, Methods = NoLabels, Thresholds = NoThresholds }
        && a.By.SequenceEqual(b.By) && a.Methods.SequenceEqual(b.Methods)
        && a.Thresholds.Count == b.Thresholds.Count && a.Thresholds.All(kv => b.Thresholds.TryGetValue(kv.Key, out var v) && v == kv.Value);

    public async ValueTask DisposeAsync()
    {
        List<Running> running;
        lock (_lock) { running = _running; _running = []; }
        foreach (var r in running) await r.Loop.DisposeAsync().ConfigureAwait(false);
    }
}
