using Mlobs.Alertmanager;
using Mlobs.Appliance.Alerting;
using Mlobs.Appliance.Telemetry;
using Mlobs.Config;
using Mlobs.Config.Yaml;
using Mlobs.Ingest.Scrape;
using Mlobs.Query.LogQl;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Rules.Evaluation;
using Mlobs.Rules.Notifier;
using Mlobs.Storage;
using Mlobs.Storage.Tsdb;
using Mlobs.WebUi.Dashboards;
using Serilog;

namespace Mlobs.Appliance;

/// <summary>
/// The running appliance: the current config, the TSDB and the scrape manager, plus reload. The HTTP layer
/// and CLI verbs reach the subsystems through this one object.
/// </summary>
public sealed class ApplianceRuntime : IAsyncDisposable
{
    private readonly SemaphoreSlim _reloadLock = new(1, 1);
    private volatile PrometheusConfig _config;

    private ApplianceRuntime(PrometheusConfig config, string? configPath, TsdbDatabase tsdb, ScrapeManager scrape)
    {
        _config = config;
        ConfigPath = configPath;
        Tsdb = tsdb;
        Scrape = scrape;
    }

    public PrometheusConfig Config => _config;
    public string? ConfigPath { get; }
    public TsdbDatabase Tsdb { get; }
    public IStorage Storage => Tsdb;
    public ScrapeManager Scrape { get; }
    public DateTimeOffset StartTime { get; } = DateTimeOffset.UtcNow;
    private readonly HeapTrimmer _heapTrimmer = new(TimeSpan.FromSeconds(30));
    public Query.PromQl.Engine.QueryEngine Engine { get; private init; } = null!;
    public MetadataStore Metadata { get; private init; } = null!;
    public RuleManager Rules { get; private init; } = null!;
    public AlertNotifier Notifier { get; private init; } = null!;

    /// <summary>Log lines tailed from files and pushed to the Loki API (<c>logstore.sqlite</c> in the data dir).</summary>
    public Mlobs.Storage.Logs.LogStore Logs { get; private init; } = null!;

    /// <summary>Answers LogQL over <see cref="Logs"/> for the Loki API, the dashboards and the rules.</summary>
    public LogQlEngine LogQl { get; private init; } = null!;

    /// <summary>The built-in Pushgateway's groups (<c>pushgateway.sqlite</c> in the data dir).</summary>
    public Mlobs.Ingest.Push.PushGroupStore Push { get; private init; } = null!;

    /// <summary>Writes the pushed groups into the TSDB each push interval.</summary>
    public Mlobs.Ingest.Push.PushAppendLoop PushLoop { get; private set; } = null!;

    /// <summary>What the StatsD receiver has made of the events (kept across reloads; the mapping is swapped).</summary>
    public Mlobs.Ingest.StatsD.StatsdRegistry Statsd { get; } = new(new Mlobs.Ingest.StatsD.StatsdMapper(new Mlobs.Config.Statsd.StatsdMappingConfig()));

    /// <summary>The StatsD sockets and their write round, while the config has a <c>statsd</c> listener.</summary>
    public Mlobs.Ingest.StatsD.StatsdReceiver? StatsdReceiver => _statsdReceiver;
    private Mlobs.Ingest.StatsD.StatsdReceiver? _statsdReceiver;
    private Mlobs.Config.Statsd.StatsdConfig _statsdConfig = new();

    /// <summary>The config's <c>freshness_probes</c>, running.</summary>
    public Mlobs.Ingest.Freshness.FreshnessProber Freshness { get; private init; } = null!;

    /// <summary>The config's <c>drift_monitors</c>, running, and the pinned baselines (<c>drift/</c> in the data dir).</summary>
    public Mlobs.Drift.Monitors.DriftMonitorRunner Drift { get; private init; } = null!;

    /// <summary>Follows the config's <c>log_sources</c> into <see cref="Logs"/>.</summary>
    public Mlobs.Ingest.Tail.LogTailer Tailer { get; private init; } = null!;

    /// <summary>The built-in router, while the config has one (<c>mlobs.alertmanager_config</c>).</summary>
    public AlertRouter? Router => _router;
    private AlertRouter? _router;
    private NotificationLog? _notificationLog;
    private string _dataDir = "";
    private List<IDisposable> _collectHooks = [];
    private string _externalUrl = "";
    public bool LastReloadSucceeded { get; private set; } = true;

    /// <summary>Set by <c>mlobs demo</c>: the data comes from the synthetic estate, and the UI says so.</summary>
    public bool IsDemo { get; set; }
    public DateTimeOffset LastConfigTime { get; private set; } = DateTimeOffset.UtcNow;

    public static ApplianceRuntime Open(PrometheusConfig config, string? configPath, string dataDir, string externalUrl = "")
    {
        var tsdb = TsdbDatabase.Open(new TsdbOptions
        {
            Directory = dataDir,
            RetentionTime = config.Mlobs.RetentionTime,
            RetentionBytes = config.Mlobs.RetentionBytes,
            IdleSeriesMs = (long)config.Mlobs.HeadSeriesIdle.TotalMilliseconds,
            StaleSeriesIdleMs = (long)config.Mlobs.HeadStaleSeriesIdle.TotalMilliseconds,
        });
        tsdb.MaintenanceError += ex => Log.Error(ex, "TSDB maintenance failed");
        tsdb.StartMaintenance();
        var hooks = new List<IDisposable>();
        hooks.Add(CollectHooks.Add(() =>
        {
            ApplianceMetrics.StorageBytes.Set(tsdb.DiskBytes());
            ApplianceMetrics.UpdateDataDir(dataDir);
            ApplianceMetrics.HeadSeries.Set(tsdb.SeriesCount);
            ApplianceMetrics.SeriesToCold.IncTo(tsdb.Stats.SeriesToColdTotal);
            ApplianceMetrics.SeriesRestored.IncTo(tsdb.Stats.SeriesRestoredTotal);
            ApplianceMetrics.GroupMerges.IncTo(tsdb.Stats.GroupMergesTotal);
            ApplianceMetrics.UpdateGcStats();
        }));
        // A seed from the data dir's path keeps target offsets stable across restarts (string.GetHashCode is
        // randomised per process, so FNV-1a).
        ulong seed = 14695981039346656037UL;
        foreach (char c in Path.GetFullPath(dataDir)) { seed ^= c; seed *= 1099511628211UL; }
        var metadata = new MetadataStore();
        var engine = new Query.PromQl.Engine.QueryEngine(tsdb, new Query.PromQl.Engine.EngineOptions
        {
            DefaultSubqueryStepMs = (long)config.Global.EvaluationInterval.TotalMilliseconds,
        });
        var notifier = new AlertNotifier
        {
            OnError = (url, count, error) => Log.Error("Error sending {Count} alerts to Alertmanager {Alertmanager}: {Error}", count, url, error),
        };
        hooks.Add(CollectHooks.Add(() => AlertingMetrics.Update(notifier)));
        var logs = Mlobs.Storage.Logs.LogStore.Open(Path.Combine(dataDir, "logstore.sqlite"), new Mlobs.Storage.Logs.LogStoreOptions
        {
            RetentionTime = config.Mlobs.LogRetentionTime ?? config.Mlobs.RetentionTime,
            RetentionBytes = config.Mlobs.LogRetentionBytes,
        });
        logs.MaintenanceError += ex => Log.Error(ex, "Log store maintenance failed");
        logs.StartMaintenance();
        var logQl = new LogQlEngine(logs, engine);
        var rules = new RuleManager(tsdb, EngineQueryFunc.Create(engine),
            (group, rule, ex) => Log.Warning("Evaluating rule failed: group {Group} in {File}, rule {Rule}: {Error}",
                group.Name, group.File, rule?.Name, ex.Message))
        {
            ExternalUrl = externalUrl,
            LogQuery = LogQlQueryFunc.Create(logQl),
            Notify = notifier.Send,
            OnTemplateError = (alert, error) => Log.Warning("Expanding alert template failed: alert {Alert}: {Error}", alert, error),
        };
        hooks.Add(CollectHooks.Add(() => RuleMetrics.Update(rules)));
        var tailer = new Mlobs.Ingest.Tail.LogTailer(logs);
        hooks.Add(CollectHooks.Add(() =>
        {
            ApplianceMetrics.LogLinesRead.IncTo(Interlocked.Read(ref tailer.LinesRead));
            ApplianceMetrics.LogParseErrors.IncTo(Interlocked.Read(ref tailer.ParseErrors));
            ApplianceMetrics.LogLinesTruncated.IncTo(Interlocked.Read(ref tailer.TruncatedLines));
            ApplianceMetrics.LogStoreBytes.Set(logs.DiskBytes());
            ApplianceMetrics.LogPushDuplicates.IncTo(logs.DuplicatesDropped);
        }));
        var ownTypes = new OwnMetricTypes();
        var push = new Mlobs.Ingest.Push.PushGroupStore(Mlobs.Ingest.Push.PushDatabase.Open(Path.Combine(dataDir, "pushgateway.sqlite")),
            ownTypes.Current, (key, ex) => Log.Error("Pushed group {Group} could not be read back and is skipped: {Error}", key, ex.Message));
        var runtimeRef = new ApplianceRuntime(config, configPath, tsdb, new ScrapeManager(tsdb, seed, metadata) { UserAgent = "mlobs/" + BuildInfo.Version })
        {
            Engine = engine, Metadata = metadata, Rules = rules, Notifier = notifier,
            Logs = logs, LogQl = logQl, Tailer = tailer, Push = push, Freshness = new Mlobs.Ingest.Freshness.FreshnessProber(tsdb),
            Drift = new Mlobs.Drift.Monitors.DriftMonitorRunner(engine, tsdb, new Mlobs.Drift.Pinning.PinnedBaselineStore(Path.Combine(dataDir, "drift")),
                (monitor, ex) => Log.Warning("Evaluating drift monitor {Monitor} failed: {Error}", monitor, ex.Message)),
        };
        runtimeRef.PushLoop = new Mlobs.Ingest.Push.PushAppendLoop(push, new Mlobs.Ingest.Push.PushedSeriesWriter(tsdb, metadata),
            () => new Mlobs.Ingest.Push.PushJobSettings(runtimeRef._config.Push.Interval ?? runtimeRef._config.Global.ScrapeInterval,
                runtimeRef._config.Push.TtlFor),
            ex => Log.Error(ex, "Writing pushed groups to the TSDB failed"));
        runtimeRef._dataDir = dataDir;
        // Thousands of series leaving memory at once (a big target gone, a label that changed on every series):
        // give the memory back soon rather than whenever a collection happens to run.
        tsdb.SeriesLeftHead += count => { if (count >= 1000) runtimeRef._heapTrimmer.Request(); };
        runtimeRef._externalUrl = externalUrl;
        notifier.Forward = alerts => runtimeRef._router?.Receive(
            [.. alerts.Select(a => new PostableAlert(a.Labels, a.Annotations, a.StartsAt, a.EndsAt, a.GeneratorUrl))]);
        hooks.Add(CollectHooks.Add(() => RouterMetrics.Update(runtimeRef._router)));
        hooks.Add(CollectHooks.Add(() => StatsdTelemetry.Update(runtimeRef.Statsd)));
        runtimeRef._collectHooks = hooks;
        return runtimeRef;
    }

    /// <summary>
    /// The Grafana dashboards served: built-in ones, the config's <c>dashboards_dir</c> (default: <c>dashboards</c> beside
    /// the config file, or <c>config/dashboards</c> under the working directory for the built-in config) and imports
    /// kept in the data dir. Follows a reload that changes the folder.
    /// </summary>
    public DashboardLibrary Dashboards
    {
        get
        {
            var folder = _config.Mlobs.DashboardsDir
                         ?? (ConfigPath is null ? Path.GetFullPath(Path.Combine("config", "dashboards"))
                             : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(ConfigPath)) ?? ".", "dashboards"));
            var library = _dashboards;
            if (library is null || library.Folder != folder)
            {
                library = new DashboardLibrary(folder, Path.Combine(_dataDir, "dashboards"));
                _dashboards = library;
            }
            return library;
        }
    }

    private volatile DashboardLibrary? _dashboards;

    /// <summary>Starts scraping and rule evaluation; a broken rule file fails the start with every problem listed.</summary>
    public async Task StartAsync()
    {
        await CommitAsync(Prepare(_config)).ConfigureAwait(false);
        ApplianceMetrics.LastReloadSuccessful.Set(1);
        ApplianceMetrics.LastReloadSuccessTimestamp.Set(LastConfigTime.ToUnixTimeMilliseconds() / 1000.0);
    }

    private string ConfigDirectory => ConfigPath is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(ConfigPath)) ?? ".";

    /// <summary>Everything a config needs, built and checked before any of it replaces what runs.</summary>
    private sealed record ConfigPlan(
        PrometheusConfig Config,
        IReadOnlyList<RuleGroup> RuleGroups,
        ScrapeManager.Plan Scrape,
        IReadOnlyList<AlertmanagerEndpoint> Alertmanagers,
        Func<Mlobs.Model.Labels.LabelSet, Mlobs.Model.Labels.LabelSet?>? AlertRelabeling,
        IReadOnlyList<Mlobs.Drift.Monitors.DriftMonitor> DriftMonitors,
        AlertRouter.PreparedConfig? Router,
        AlertRouter? NewRouter);

    /// <summary>
    /// Builds every part of a config (rule groups, scrape pools, Alertmanager endpoints, the router) without
    /// touching the running ones; throws with the first problem, and then nothing has changed.
    /// </summary>
    private ConfigPlan Prepare(PrometheusConfig config)
    {
        var dir = ConfigDirectory;
        var files = config.RuleFiles.SelectMany(pattern => FilePatterns.Expand(dir, pattern)).ToList();
        var groups = Rules.LoadGroups(files, config.Global.EvaluationInterval, config.Global.ExternalLabels);
        var scrape = Scrape.Prepare(config);
        var endpoints = AlertmanagerDiscovery.Endpoints(config.Alerting, dir);
        var relabeling = AlertmanagerDiscovery.AlertRelabeling(config.Alerting);
        var drift = Mlobs.Drift.Monitors.DriftMonitorRunner.Compile(config.DriftMonitors);
        AlertRouter.PreparedConfig? prepared = null;
        AlertRouter? created = null;
        if (config.Mlobs.Router is { } routerConfig)
        {
            // Last: a new router opens its notification log, so it is made only once everything else is known good.
            if (_router is { } running) prepared = running.Prepare(routerConfig);
            else created = CreateRouter(routerConfig);
        }
        return new ConfigPlan(config, groups, scrape, endpoints, relabeling, drift, prepared, created);
    }

    /// <summary>
    /// Swaps a prepared config in. Where alerts go is set up before the rule groups start, so their first alerts
    /// are not sent nowhere.
    /// </summary>
    private async Task CommitAsync(ConfigPlan plan)
    {
        Notifier.ApplyConfig(plan.Alertmanagers, plan.Config.Global.ExternalLabels, plan.AlertRelabeling);
        if (plan.NewRouter is not null) _router = plan.NewRouter;
        else if (plan.Router is not null) _router!.ApplyConfig(plan.Router);
        else Interlocked.Exchange(ref _router, null)?.Dispose();
        Rules.Apply(plan.RuleGroups);
        await Scrape.CommitAsync(plan.Scrape).ConfigureAwait(false);
        Tailer.Apply(plan.Config.LogSources, ConfigDirectory);
        _config = plan.Config;
        await ApplyStatsdAsync(plan.Config.Statsd).ConfigureAwait(false);
        await Freshness.ApplyAsync(plan.Config.FreshnessProbes, plan.Config.Global.ScrapeInterval).ConfigureAwait(false);
        await Drift.ApplyAsync(plan.DriftMonitors, plan.Config.Global.EvaluationInterval).ConfigureAwait(false);
    }

    /// <summary>
    /// Follows the config's <c>statsd</c> section: a new mapping replaces the old for new events; the sockets are
    /// (re)bound only when the addresses change, so a reload keeps packets flowing.
    /// </summary>
    private async Task ApplyStatsdAsync(Mlobs.Config.Statsd.StatsdConfig statsd)
    {
        if (!ReferenceEquals(statsd.Mapping, _statsdConfig.Mapping)) Statsd.SetMapper(new Mlobs.Ingest.StatsD.StatsdMapper(statsd.Mapping));
        bool sameSockets = statsd.ListenUdp == _statsdConfig.ListenUdp && statsd.ListenTcp == _statsdConfig.ListenTcp;
        _statsdConfig = statsd;
        if (sameSockets && (_statsdReceiver is not null || !statsd.Enabled)) return;
        if (Interlocked.Exchange(ref _statsdReceiver, null) is { } old) await old.DisposeAsync().ConfigureAwait(false);
        if (!statsd.Enabled) return;
        _statsdReceiver = new Mlobs.Ingest.StatsD.StatsdReceiver(Endpoint(statsd.ListenUdp), Endpoint(statsd.ListenTcp), Statsd, Tsdb,
            () => _config.Statsd.Interval ?? _config.Global.ScrapeInterval, Metadata,
            ex => Log.Error(ex, "Writing StatsD metrics to the TSDB failed"));
        Log.Information("StatsD receiver listening on {Udp} (UDP) {Tcp} (TCP)", statsd.ListenUdp ?? "-", statsd.ListenTcp ?? "-");

        static System.Net.IPEndPoint? Endpoint(string? listen) =>
            listen is null ? null : Http.WebServer.TryParseListen(listen, out var ep) ? ep
                : throw new ArgumentException($"statsd: \"{listen}\" is not HOST:PORT");
    }

    /// <summary>Starts the built-in router; its notification log lives in the data dir.</summary>
    private AlertRouter CreateRouter(Mlobs.Config.Alertmanager.AlertmanagerConfig routerConfig)
    {
        _notificationLog ??= NotificationLog.Open(Path.Combine(_dataDir, "alertmanager.sqlite"));
        return new AlertRouter(routerConfig, _notificationLog, _externalUrl)
        {
            OnAttempt = (receiver, integration, attempt, error) =>
            {
                if (error is null) Log.Information("Notify success: receiver {Receiver}, integration {Integration}, attempt {Attempt}", receiver, integration, attempt);
                else Log.Warning("Notify attempt failed: receiver {Receiver}, integration {Integration}, attempt {Attempt}: {Error}", receiver, integration, attempt, error);
            },
        };
    }

    /// <summary>
    /// Re-reads the config file and applies it whole or not at all: every part is built and checked first (rules,
    /// scrape pools and their credentials, Alertmanagers, the router), then swapped in; on error the running config
    /// stays untouched and the error is returned.
    /// </summary>
    public async Task<string?> ReloadAsync()
    {
        if (ConfigPath is null) return null; // the embedded default never changes
        await _reloadLock.WaitAsync().ConfigureAwait(false);
        try
        {
            ConfigPlan plan;
            try
            {
                plan = Prepare(ConfigLoader.LoadFile(ConfigPath));
            }
            catch (Exception ex) when (ex is ConfigException or RuleLoadException or IOException or UnauthorizedAccessException or
                                           System.Security.Cryptography.CryptographicException or
                                           Templates.TemplateException or ArgumentException or FormatException)
            {
                LastReloadSucceeded = false;
                ApplianceMetrics.ConfigReloads.WithLabels("failure").Inc();
                ApplianceMetrics.LastReloadSuccessful.Set(0);
                Log.Error("Reloading configuration failed, keeping the previous one: {Error}", ex.Message);
                return ex.Message;
            }
            await CommitAsync(plan).ConfigureAwait(false);
            foreach (var warning in plan.Config.Warnings) Log.Warning("Config: {Warning}", warning.ToString());
            LastReloadSucceeded = true;
            LastConfigTime = DateTimeOffset.UtcNow;
            ApplianceMetrics.ConfigReloads.WithLabels("success").Inc();
            ApplianceMetrics.LastReloadSuccessful.Set(1);
            ApplianceMetrics.LastReloadSuccessTimestamp.Set(LastConfigTime.ToUnixTimeMilliseconds() / 1000.0);
            Log.Information("Configuration reloaded from {Path}", ConfigPath);
            return null;
        }
        finally
        {
            _reloadLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hook in _collectHooks) hook.Dispose(); // first: /metrics must not read stores being closed
        _heapTrimmer.Dispose();
        Rules.Dispose();
        Notifier.Dispose(); // after the rules: alerts they queued last still go out
        _router?.Dispose();
        _notificationLog?.Dispose();
        await Scrape.DisposeAsync().ConfigureAwait(false);
        await PushLoop.DisposeAsync().ConfigureAwait(false);
        if (_statsdReceiver is { } statsd) await statsd.DisposeAsync().ConfigureAwait(false);
        await Freshness.DisposeAsync().ConfigureAwait(false);
        await Drift.DisposeAsync().ConfigureAwait(false);
        Push.Dispose();
        await Tailer.DisposeAsync().ConfigureAwait(false);
        Tsdb.Dispose();
        Logs.Dispose();
    }
}
