using System.Diagnostics;
using Mlobs.Config;
using Mlobs.Ingest.Scrape;
using Mlobs.Model.Labels;
using Mlobs.Storage;

namespace Mlobs.Ingest.Freshness;

/// <summary>
/// Runs the config's <c>freshness_probes</c>, each at its interval, writing
/// <c>mlobs_source_last_update_timestamp_seconds{source}</c>; a failed probe marks the series stale (so "no data" is
/// not mistaken for fresh data) and shows as a down target of the <c>freshness_probes</c> pool on the Targets page.
/// </summary>
public sealed class FreshnessProber(IAppendable storage) : IAsyncDisposable
{
    public const string Job = "freshness_probes";
    public const string MetricName = "mlobs_source_last_update_timestamp_seconds";

    private sealed record Running(FreshnessProbeConfig Config, ScrapeTarget Target, AlignedIntervalLoop Loop);

    private readonly Lock _lock = new();
    private List<Running> _running = [];
    private IReadOnlyList<FreshnessProbeConfig> _configs = [];
    private TimeSpan _defaultInterval;

    /// <summary>The probes as targets (health, last error, last probe, duration).</summary>
    public IReadOnlyList<ScrapeTarget> Targets { get { lock (_lock) return [.. _running.Select(r => r.Target)]; } }

    /// <summary>Replaces the running probes when the config changed (probes keep running otherwise).</summary>
    public async Task ApplyAsync(IReadOnlyList<FreshnessProbeConfig> probes, TimeSpan defaultInterval)
    {
        List<Running> old;
        lock (_lock)
        {
            if (probes.SequenceEqual(_configs) && defaultInterval == _defaultInterval) return;
            old = _running;
            _configs = probes;
            _defaultInterval = defaultInterval;
            _running = [.. probes.Select(p => Start(p, p.Interval ?? defaultInterval))];
        }
        foreach (var r in old) await r.Loop.DisposeAsync().ConfigureAwait(false);
    }

    private Running Start(FreshnessProbeConfig probe, TimeSpan interval)
    {
        var labels = LabelSet.From(("job", Job), ("instance", probe.Source), ("source", probe.Source));
        var url = Uri.TryCreate(probe.Describe(), UriKind.Absolute, out var u) ? u : new Uri("file:///" + Uri.EscapeDataString(probe.Describe()));
        var timeout = interval < TimeSpan.FromSeconds(10) ? interval : TimeSpan.FromSeconds(10);
        var target = new ScrapeTarget(Job, labels, labels, url, interval, timeout);
        var writer = new SeriesSnapshotWriter(storage);
        var series = LabelSet.From((LabelSet.MetricName, MetricName), ("source", probe.Source));
        var loop = new AlignedIntervalLoop(() => interval, () => ProbeOnce(probe, target, writer, series, timeout));
        return new Running(probe, target, loop);
    }

    /// <summary>One probe: the time it found, or the error (the series then goes stale).</summary>
    internal static void ProbeOnce(FreshnessProbeConfig probe, ScrapeTarget target, SeriesSnapshotWriter writer, LabelSet series, TimeSpan timeout)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        try
        {
            double at = FreshnessProbe.Run(probe, timeout);
            writer.Write([(series, at)], started.ToUnixTimeMilliseconds());
            target.Report(TargetHealth.Up, "", started, clock.Elapsed);
        }
        catch (FreshnessProbeException ex)
        {
            writer.Write([], started.ToUnixTimeMilliseconds());
            target.Report(TargetHealth.Down, ex.Message, started, clock.Elapsed);
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<Running> running;
        lock (_lock) { running = _running; _running = []; }
        foreach (var r in running) await r.Loop.DisposeAsync().ConfigureAwait(false);
    }
}
