using Mlobs.Alertmanager;
using Mlobs.Appliance.Http;
using Mlobs.Config;
using Mlobs.Ingest.Scrape;
using Mlobs.Model.Labels;
using Mlobs.Query.LogQl;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Rules.Evaluation;
using Mlobs.Storage;
using Mlobs.Storage.Logs;
using Mlobs.WebUi.Dashboards;

namespace Mlobs.Appliance;

/// <summary>
/// The running components as the HTTP layer's narrow interfaces. The listener opens before the data dir is (so
/// <c>/-/healthy</c> answers during a long start), hence each call goes through the <see cref="ReadinessGate"/>,
/// which answers 503 "mlobs is starting" until the runtime is there.
/// </summary>
public sealed class RuntimeApiSources(ReadinessGate gate) :
    ILifecycle, IStatusRetriever, ITargetRetriever, IRulesRetriever, IMetadataRetriever, IQueryableStorage, IQueryEngine,
    ILogSource, IAlertmanagerSource, IDashboardSource, IPushSource, IDriftSource
{
    public ApiSources All => new(this, this, this, this, this, this, this, this, this, this, this, this);

    public bool IsReady => gate.IsReady;
    public Task<string?> ReloadAsync() => gate.Runtime.ReloadAsync();

    public PrometheusConfig Config => gate.Runtime.Config;
    public string? ConfigPath => gate.Runtime.ConfigPath;
    public string DataDirectory => gate.Runtime.Tsdb.Options.Directory;
    public DateTimeOffset StartTime => gate.Runtime.StartTime;
    public bool LastReloadSucceeded => gate.Runtime.LastReloadSucceeded;
    public DateTimeOffset LastConfigTime => gate.Runtime.LastConfigTime;
    public bool IsDemo => gate.Runtime.IsDemo;

    /// <summary>The scrape pools, then the freshness probes as a pool of their own (their errors show with the targets').</summary>
    public IReadOnlyList<TargetPool> TargetPools()
    {
        var pools = gate.Runtime.Scrape.Pools.Select(p => new TargetPool(p.Config.JobName, p.ActiveTargets, p.DroppedTargets)).ToList();
        var probes = gate.Runtime.Freshness.Targets;
        if (probes.Count > 0) pools.Add(new TargetPool(Mlobs.Ingest.Freshness.FreshnessProber.Job, probes, []));
        return pools;
    }

    public IReadOnlyList<RuleGroup> RuleGroups() => gate.Runtime.Rules.Groups;

    public IEnumerable<(string Name, IReadOnlyList<MetricMetadata> Entries)> Metadata() => gate.Runtime.Metadata.Snapshot();

    public IQuerier Querier(long minT, long maxT) => gate.Runtime.Storage.Querier(minT, maxT);

    public EngineOptions Options => gate.Runtime.Engine.Options;

    public QueryResult Instant(string query, long timeMs, TimeSpan? timeout = null, CancellationToken ct = default) =>
        gate.Runtime.Engine.Instant(query, timeMs, timeout, ct);

    public QueryResult Range(string query, long startMs, long endMs, long stepMs, TimeSpan? timeout = null, CancellationToken ct = default) =>
        gate.Runtime.Engine.Range(query, startMs, endMs, stepMs, timeout, ct);

    public LogQlEngine LogQl => gate.Runtime.LogQl;

    public IReadOnlyList<LabelSet> StreamsWithData(LabelMatcher[] matchers, long startNs, long endNs) =>
        gate.Runtime.Logs.StreamsWithData(matchers, startNs, endNs);

    public void Push(IReadOnlyList<LogEntry> entries) => gate.Runtime.Logs.Append(entries, dropDuplicates: true);

    public event Action<IReadOnlyList<LogEntry>>? Appended
    {
        add => gate.Runtime.Logs.Appended += value;
        remove => gate.Runtime.Logs.Appended -= value;
    }

    public AlertRouter? Router => gate.Runtime.Router;

    public DashboardLibrary Dashboards => gate.Runtime.Dashboards;

    public IReadOnlyCollection<Mlobs.Ingest.Push.PushGroup> PushGroups => gate.Runtime.Push.Groups;

    public void ApplyPush(Mlobs.Ingest.Push.PushRequest request) => gate.Runtime.Push.Apply(request);

    public void WipePushGroups() => gate.Runtime.Push.Wipe(DateTimeOffset.UtcNow);

    public IReadOnlyList<Mlobs.Drift.Monitors.DriftMonitorEvaluator> DriftMonitors => gate.Runtime.Drift.Monitors;

    public Mlobs.Drift.Pinning.PinnedBaseline PinDriftBaseline(string monitor, DateTimeOffset? from, DateTimeOffset? to) =>
        gate.Runtime.Drift.Pin(monitor, from, to, DateTimeOffset.UtcNow);

    public bool UnpinDriftBaseline(string monitor) => gate.Runtime.Drift.Unpin(monitor);

    public Mlobs.Drift.Pinning.PinnedBaseline UploadDriftReference(string monitor, TextReader body, bool jsonLines) =>
        gate.Runtime.Drift.UploadReference(monitor, body, jsonLines, DateTimeOffset.UtcNow);

    public Mlobs.Drift.Observations.ObservationResult ObserveDrift(string monitor, TextReader body, bool jsonLines) =>
        gate.Runtime.Drift.Observe(monitor, body, jsonLines);

    public Mlobs.Drift.Pinning.PinnedBaseline? PinnedDriftBaseline(string monitor) => gate.Runtime.Drift.Pins.Load(monitor);
}
