using Mlobs.Config;
using Mlobs.Storage;

namespace Mlobs.Ingest.Scrape;

/// <summary>Owns one <see cref="ScrapePool"/> per scrape config and swaps them on config reload (scrape/manager.go).</summary>
public sealed class ScrapeManager(IAppendable storage, ulong offsetSeed, MetadataStore? metadata = null) : IAsyncDisposable
{
    public const string DefaultUserAgent = "mlobs";

    /// <summary>Sent with every scrape, as Prometheus sends <c>Prometheus/VERSION</c>.</summary>
    public string UserAgent { get; init; } = DefaultUserAgent;

    private readonly Dictionary<string, ScrapePool> _pools = new(StringComparer.Ordinal);
    private readonly EndOfRunStaleness _staleness = new();
    private readonly SemaphoreSlim _lock = new(1, 1);

    public IReadOnlyList<ScrapePool> Pools
    {
        get { lock (_pools) return _pools.Values.OrderBy(p => p.Config.JobName, StringComparer.Ordinal).ToList(); }
    }

    /// <summary>
    /// Starts pools for new jobs, replaces changed ones, removes dropped ones. The series of a removed job, and those
    /// a changed job's targets no longer expose (a changed label, a target taken out), are marked stale at the end of
    /// the old loops' run, as Prometheus does on reload; the rest carry on in the new pool without a gap.
    /// </summary>
    public async Task ApplyConfigAsync(PrometheusConfig config) => await CommitAsync(Prepare(config)).ConfigureAwait(false);

    /// <summary>What a config changes: pools to build (already constructed, not started) and jobs to drop.</summary>
    public sealed record Plan(IReadOnlyDictionary<string, ScrapeConfig> Wanted, IReadOnlyList<ScrapePool> NewPools);

    /// <summary>
    /// Builds the pools a config adds or changes without starting them or touching the running ones (credentials
    /// files are read here, so a missing one fails the reload before anything changed).
    /// </summary>
    public Plan Prepare(PrometheusConfig config)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(config.SourcePath.StartsWith('<') ? "." : config.SourcePath)) ?? ".";
        var wanted = config.ScrapeConfigs.ToDictionary(c => c.JobName);
        var fresh = new List<ScrapePool>();
        foreach (var (job, sc) in wanted)
        {
            ScrapePool? existing;
            lock (_pools) _pools.TryGetValue(job, out existing);
            if (existing is not null && ScrapeConfigsEqual(existing.Config, sc)) continue;
            fresh.Add(new ScrapePool(sc, dir, storage, offsetSeed, _staleness, metadata, UserAgent));
        }
        return new Plan(wanted, fresh);
    }

    /// <summary>Stops removed and changed pools and starts the prepared ones.</summary>
    public async Task CommitAsync(Plan plan)
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            List<ScrapePool> toRemove;
            lock (_pools)
            {
                toRemove = _pools.Where(p => !plan.Wanted.ContainsKey(p.Key) || plan.NewPools.Any(n => n.Config.JobName == p.Key))
                    .Select(p => p.Value).ToList();
                foreach (var p in toRemove) _pools.Remove(p.Config.JobName);
            }
            foreach (var p in toRemove) await p.RemoveAsync().ConfigureAwait(false);
            foreach (var pool in plan.NewPools)
            {
                lock (_pools) _pools[pool.Config.JobName] = pool;
                await pool.StartAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    private static bool ScrapeConfigsEqual(ScrapeConfig a, ScrapeConfig b) =>
        a.JobName == b.JobName && a.ScrapeInterval == b.ScrapeInterval && a.ScrapeTimeout == b.ScrapeTimeout
        && a.MetricsPath == b.MetricsPath && a.Scheme == b.Scheme && a.HonorLabels == b.HonorLabels
        && a.HonorTimestamps == b.HonorTimestamps && a.Limits == b.Limits
        && Equals(a.BasicAuth, b.BasicAuth) && Equals(a.Authorization, b.Authorization) && Equals(a.Tls, b.Tls)
        && a.StaticConfigs.SequenceEqual(b.StaticConfigs, StaticConfigComparer.Instance)
        && a.FileSdConfigs.Select(f => string.Join(",", f.Files) + f.RefreshInterval).SequenceEqual(b.FileSdConfigs.Select(f => string.Join(",", f.Files) + f.RefreshInterval))
        && a.RelabelConfigs.SequenceEqual(b.RelabelConfigs, RelabelComparer.Instance)
        && a.MetricRelabelConfigs.SequenceEqual(b.MetricRelabelConfigs, RelabelComparer.Instance)
        && a.Params.Count == b.Params.Count && a.Params.All(p => b.Params.TryGetValue(p.Key, out var v) && v.SequenceEqual(p.Value));

    private sealed class StaticConfigComparer : IEqualityComparer<StaticConfig>
    {
        public static readonly StaticConfigComparer Instance = new();
        public bool Equals(StaticConfig? x, StaticConfig? y) =>
            x!.Targets.SequenceEqual(y!.Targets) && x.Labels.Count == y.Labels.Count && x.Labels.All(l => y.Labels.TryGetValue(l.Key, out var v) && v == l.Value);
        public int GetHashCode(StaticConfig obj) => obj.Targets.Count;
    }

    private sealed class RelabelComparer : IEqualityComparer<RelabelConfig>
    {
        public static readonly RelabelComparer Instance = new();
        public bool Equals(RelabelConfig? x, RelabelConfig? y) =>
            x! with { SourceLabels = [] } == y! with { SourceLabels = [] } && x.SourceLabels.SequenceEqual(y.SourceLabels);
        public int GetHashCode(RelabelConfig obj) => obj.Action.GetHashCode();
    }

    public async ValueTask DisposeAsync()
    {
        List<ScrapePool> pools;
        lock (_pools) { pools = _pools.Values.ToList(); _pools.Clear(); }
        foreach (var p in pools) await p.DisposeAsync().ConfigureAwait(false);
        await _staleness.DisposeAsync().ConfigureAwait(false);
    }
}
