using Mlobs.Config.Drift;
using Mlobs.Drift.Pinning;
using Mlobs.Ingest;
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
        var loop = new AlignedIntervalLoop(() => interval, () =>
        {
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            now -= now % (long)interval.TotalMilliseconds; // the round's own time, so restarts keep the spacing
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
        var pinned = PinnedBaselineStore.Create(name, monitor.Config.Kind == DriftSeriesKind.Histogram, start, end, groups);
        Pins.Save(pinned);
        evaluator.InvalidateBaseline();
        return pinned;
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
