using System.Text;
using Mlobs.Config;
using Mlobs.Ingest.Scrape.Relabel;
using Mlobs.Storage;

namespace Mlobs.Ingest.Scrape;

/// <summary>
/// All targets of one scrape config (scrape/scrape.go's scrapePool): discovers targets from static and file
/// configs, relabels them, and keeps exactly one <see cref="ScrapeLoop"/> per active target.
/// </summary>
public sealed class ScrapePool : IAsyncDisposable
{
    private readonly IAppendable _storage;
    private readonly EndOfRunStaleness _staleness;
    private readonly ulong _seed;
    private readonly MetadataStore? _metadata;
    private readonly ScrapeHttpOptions _http;
    private readonly Relabeler _targetRelabeler, _metricRelabeler;
    private readonly List<FileSdDiscoverer> _fileSd;
    private readonly Dictionary<string, ScrapeLoop> _loops = new();
    private readonly SemaphoreSlim _sync = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private List<DroppedTarget> _dropped = [];
    private Task? _discovery;

    public ScrapePool(ScrapeConfig config, string configDirectory, IAppendable storage, ulong seed, EndOfRunStaleness staleness, MetadataStore? metadata = null, string userAgent = ScrapeManager.DefaultUserAgent)
    {
        Config = config;
        _storage = storage;
        _staleness = staleness;
        _seed = seed;
        _metadata = metadata;
        _targetRelabeler = new Relabeler(config.RelabelConfigs);
        _metricRelabeler = new Relabeler(config.MetricRelabelConfigs);
        _fileSd = config.FileSdConfigs.Select(c => new FileSdDiscoverer(c, configDirectory)).ToList();
        _http = CreateHttpOptions(config, configDirectory, userAgent);
    }

    public ScrapeConfig Config { get; }

    public IReadOnlyList<ScrapeTarget> ActiveTargets
    {
        get { lock (_loops) return _loops.Values.Select(l => l.Target).ToList(); }
    }

    public IReadOnlyList<DroppedTarget> DroppedTargets => _dropped;

    public async Task StartAsync()
    {
        foreach (var sd in _fileSd) sd.Refresh();
        await SyncAsync().ConfigureAwait(false);
        if (_fileSd.Count > 0) _discovery = Task.Run(() => WatchFilesAsync(_stop.Token));
    }

    private async Task WatchFilesAsync(CancellationToken ct)
    {
        var poll = Config.FileSdConfigs.Min(FileSdDiscoverer.PollInterval);
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(poll, ct).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
            bool changed = false;
            foreach (var sd in _fileSd) changed |= sd.Refresh();
            if (changed) await SyncAsync().ConfigureAwait(false);
        }
    }

    private IEnumerable<(string, IReadOnlyDictionary<string, string>)> Discovered()
    {
        foreach (var sc in Config.StaticConfigs)
            foreach (var t in sc.Targets) yield return (t, sc.Labels);
        foreach (var sd in _fileSd)
            foreach (var t in sd.Targets) yield return t;
    }

    /// <summary>Starts loops for new targets and stops (marking stale) loops whose target disappeared.</summary>
    public async Task SyncAsync()
    {
        await _sync.WaitAsync().ConfigureAwait(false);
        try
        {
            var (active, dropped) = TargetBuilder.Build(Config, _targetRelabeler, Discovered());
            _dropped = dropped;
            var wanted = active.ToDictionary(t => t.Key);
            // As Prometheus: over target_limit, every target of the pool keeps its loop but reports this error instead of scraping.
            string? overLimit = Config.Limits.TargetLimit > 0 && wanted.Count > Config.Limits.TargetLimit
                ? $"target_limit exceeded (number of targets: {wanted.Count}, limit: {Config.Limits.TargetLimit})"
                : null;
            if (overLimit is not null) ScrapeMetrics.ExceededLimit.WithLabels("target_limit").Inc();
            List<ScrapeLoop> removed;
            lock (_loops)
            {
                removed = _loops.Where(kv => !wanted.ContainsKey(kv.Key)).Select(kv => kv.Value).ToList();
                foreach (var l in removed) _loops.Remove(l.Target.Key);
                foreach (var (key, target) in wanted)
                {
                    if (_loops.ContainsKey(key)) continue;
                    var loop = new ScrapeLoop(target, _http, _storage, _metricRelabeler, Config.HonorLabels, Config.HonorTimestamps, Config.Limits, _metadata);
                    _loops[key] = loop;
                    loop.SetForcedError(overLimit);
                    loop.Start(_seed);
                }
                foreach (var loop in _loops.Values) loop.SetForcedError(overLimit);
            }
            foreach (var l in removed)
            {
                await l.DisposeAsync().ConfigureAwait(false);
                _staleness.Schedule(l);
            }
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>The request headers every target of this config sends: user agent, Accept, and basic_auth or authorization.</summary>
    internal static ScrapeHttpOptions CreateHttpOptions(ScrapeConfig cfg, string configDirectory, string userAgent = ScrapeManager.DefaultUserAgent) =>
        new(userAgent, ScrapeLoop.AcceptHeader, HttpCredentials.AuthorizationHeader(cfg.BasicAuth, cfg.Authorization, configDirectory))
        { Tls = cfg.Tls is null ? null : new ScrapeTls(cfg.Tls), BodySizeLimit = cfg.Limits.BodySizeLimit };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_discovery is not null) await _discovery.ConfigureAwait(false);
        List<ScrapeLoop> loops;
        lock (_loops) { loops = _loops.Values.ToList(); _loops.Clear(); }
        await Task.WhenAll(loops.Select(l => l.DisposeAsync().AsTask())).ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>
    /// Stops the pool because its job was removed or changed: every target's series is marked stale at the end of
    /// its run (<see cref="EndOfRunStaleness"/>), unless the pool replacing it scrapes the series first.
    /// </summary>
    public async Task RemoveAsync()
    {
        List<ScrapeLoop> loops;
        lock (_loops) loops = _loops.Values.ToList();
        await DisposeAsync().ConfigureAwait(false);
        foreach (var l in loops) _staleness.Schedule(l);
    }
}
