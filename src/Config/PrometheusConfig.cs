namespace Mlobs.Config;

/// <summary>The prometheus.yml subset mlobs reads, plus its own <c>mlobs:</c> section.</summary>
public sealed record PrometheusConfig
{
    public GlobalConfig Global { get; init; } = new();
    public IReadOnlyList<string> RuleFiles { get; init; } = [];
    public IReadOnlyList<ScrapeConfig> ScrapeConfigs { get; init; } = [];
    public AlertingConfig Alerting { get; init; } = new();
    public MlobsSettings Mlobs { get; init; } = new();

    /// <summary>Log files to tail (<c>log_sources</c>, mlobs's own top-level section).</summary>
    public IReadOnlyList<LogSourceConfig> LogSources { get; init; } = [];

    /// <summary>The built-in Pushgateway's settings (<c>push</c>, mlobs's own top-level section).</summary>
    public PushConfig Push { get; init; } = new();

    /// <summary>The StatsD receiver (<c>statsd</c>, mlobs's own top-level section); off unless a listener is set.</summary>
    public Statsd.StatsdConfig Statsd { get; init; } = new();

    /// <summary>Sources no job reports on, probed for their last change (<c>freshness_probes</c>, mlobs's own section).</summary>
    public IReadOnlyList<FreshnessProbeConfig> FreshnessProbes { get; init; } = [];
    /// <summary>Distributions compared between a baseline and a current window (<c>drift_monitors</c>, mlobs's own section).</summary>
    public IReadOnlyList<Drift.DriftMonitorConfig> DriftMonitors { get; init; } = [];

    /// <summary>Prometheus sections that are accepted but not acted on yet (reported by <c>check config</c>).</summary>
    public IReadOnlyList<string> IgnoredSections { get; init; } = [];

    /// <summary>Every key read but not acted on, with its place (<c>check config</c> prints them, <c>serve</c> logs them).</summary>
    public IReadOnlyList<Yaml.ConfigWarning> Warnings { get; init; } = [];

    /// <summary>The file it was read from ("&lt;embedded&gt;" for the default), for resolving relative paths.</summary>
    public string SourcePath { get; init; } = "";

    /// <summary>The YAML text as loaded (after env expansion), served by /api/v1/status/config.</summary>
    public string OriginalYaml { get; init; } = "";
}

public sealed record GlobalConfig
{
    public TimeSpan ScrapeInterval { get; init; } = TimeSpan.FromMinutes(1);
    public TimeSpan ScrapeTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan EvaluationInterval { get; init; } = TimeSpan.FromMinutes(1);
    public IReadOnlyDictionary<string, string> ExternalLabels { get; init; } = new Dictionary<string, string>();

    /// <summary>The limits a scrape config inherits where it sets none of its own (0: no limit).</summary>
    public ScrapeLimits Limits { get; init; } = new();
}

/// <summary>
/// What one scrape may bring in (Prometheus's sample_limit, label_limit, label_name_length_limit,
/// label_value_length_limit, target_limit, body_size_limit); 0 means no limit. A scrape over a limit fails as a
/// whole (up = 0, nothing of it stored, the limit named in the target's error), as in Prometheus.
/// </summary>
public sealed record ScrapeLimits
{
    public int SampleLimit { get; init; }
    public int LabelLimit { get; init; }
    public int LabelNameLengthLimit { get; init; }
    public int LabelValueLengthLimit { get; init; }
    public int TargetLimit { get; init; }
    public long BodySizeLimit { get; init; }

    /// <summary>Each limit this record leaves at 0 taken from <paramref name="defaults"/> (the global section).</summary>
    public ScrapeLimits Or(ScrapeLimits defaults) => new()
    {
        SampleLimit = SampleLimit != 0 ? SampleLimit : defaults.SampleLimit,
        LabelLimit = LabelLimit != 0 ? LabelLimit : defaults.LabelLimit,
        LabelNameLengthLimit = LabelNameLengthLimit != 0 ? LabelNameLengthLimit : defaults.LabelNameLengthLimit,
        LabelValueLengthLimit = LabelValueLengthLimit != 0 ? LabelValueLengthLimit : defaults.LabelValueLengthLimit,
        TargetLimit = TargetLimit != 0 ? TargetLimit : defaults.TargetLimit,
        BodySizeLimit = BodySizeLimit != 0 ? BodySizeLimit : defaults.BodySizeLimit,
    };
}

public sealed record ScrapeConfig
{
    public required string JobName { get; init; }
    public TimeSpan ScrapeInterval { get; init; }
    public TimeSpan ScrapeTimeout { get; init; }
    public string MetricsPath { get; init; } = "/metrics";
    public string Scheme { get; init; } = "http";
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Params { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    public bool HonorLabels { get; init; }
    public bool HonorTimestamps { get; init; } = true;
    public ScrapeLimits Limits { get; init; } = new();
    public BasicAuth? BasicAuth { get; init; }
    public Authorization? Authorization { get; init; }

    /// <summary>How an https target is verified and what client certificate is shown (<c>tls_config</c>).</summary>
    public TlsConfig? Tls { get; init; }
    public IReadOnlyList<StaticConfig> StaticConfigs { get; init; } = [];
    public IReadOnlyList<FileSdConfig> FileSdConfigs { get; init; } = [];
    public IReadOnlyList<RelabelConfig> RelabelConfigs { get; init; } = [];
    public IReadOnlyList<RelabelConfig> MetricRelabelConfigs { get; init; } = [];
}

/// <summary>
/// Prometheus's <c>tls_config</c> (common/config.TLSConfig): a CA to verify the target with, a client certificate and
/// key, the name to verify instead of the target's host, no verification at all, and the lowest TLS version.
/// File paths are absolute (resolved against the config file's directory when read).
/// </summary>
public sealed record TlsConfig(string? CaFile, string? CertFile, string? KeyFile, string? ServerName, bool InsecureSkipVerify, string? MinVersion);

public sealed record BasicAuth(string Username, string? Password, string? PasswordFile);

public sealed record Authorization(string Type, string? Credentials, string? CredentialsFile);

public sealed record StaticConfig(IReadOnlyList<string> Targets, IReadOnlyDictionary<string, string> Labels);

public sealed record FileSdConfig(IReadOnlyList<string> Files, TimeSpan RefreshInterval);

public enum RelabelAction { Replace, Keep, Drop, KeepEqual, DropEqual, HashMod, LabelMap, LabelDrop, LabelKeep, Lowercase, Uppercase }

public sealed record RelabelConfig
{
    public IReadOnlyList<string> SourceLabels { get; init; } = [];
    public string Separator { get; init; } = ";";
    public string Regex { get; init; } = "(.*)";
    public ulong Modulus { get; init; }
    public string TargetLabel { get; init; } = "";
    public string Replacement { get; init; } = "$1";
    public RelabelAction Action { get; init; } = RelabelAction.Replace;
}

public sealed record AlertingConfig
{
    public IReadOnlyList<AlertmanagerConfig> Alertmanagers { get; init; } = [];

    /// <summary>Applied to every alert's labels (after external labels) before it is sent.</summary>
    public IReadOnlyList<RelabelConfig> AlertRelabelConfigs { get; init; } = [];
}

public sealed record AlertmanagerConfig
{
    public string Scheme { get; init; } = "http";
    public string PathPrefix { get; init; } = "/";
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
    public string ApiVersion { get; init; } = "v2";
    public IReadOnlyList<StaticConfig> StaticConfigs { get; init; } = [];
    public BasicAuth? BasicAuth { get; init; }
    public Authorization? Authorization { get; init; }

    /// <summary>Applied to each Alertmanager target (<c>__address__</c>, <c>__scheme__</c>, <c>__alerts_path__</c>); a dropped target gets no alerts.</summary>
    public IReadOnlyList<RelabelConfig> RelabelConfigs { get; init; } = [];
}

/// <summary>mlobs's own settings.</summary>
public sealed record MlobsSettings
{
    public string? DataDir { get; init; }
    public TimeSpan RetentionTime { get; init; } = TimeSpan.FromDays(15);
    public long RetentionBytes { get; init; }

    /// <summary>How long log lines are kept (<c>log_retention_time</c>); null: as long as samples (<see cref="RetentionTime"/>).</summary>
    public TimeSpan? LogRetentionTime { get; init; }

    /// <summary>
    /// A series without samples this long leaves memory (<c>head_series_idle</c>): its chunks are written out and it is
    /// answered from disk from then on, until it gets samples again.
    /// </summary>
    public TimeSpan HeadSeriesIdle { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>As <see cref="HeadSeriesIdle"/> for a series a staleness marker ended (<c>head_stale_series_idle</c>).</summary>
    public TimeSpan HeadStaleSeriesIdle { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>When above zero, the log store's size limit (<c>log_retention_size</c>), apart from the TSDB's.</summary>
    public long LogRetentionBytes { get; init; }

    /// <summary>Grafana dashboard JSON files to serve (<c>dashboards_dir</c>, relative to the config file); null for the default.</summary>
    public string? DashboardsDir { get; init; }

    /// <summary>
    /// The built-in router's alertmanager.yml (from <c>alertmanager_config_file</c> or inline <c>alertmanager_config</c>);
    /// null when mlobs only sends to external Alertmanagers.
    /// </summary>
    public Alertmanager.AlertmanagerConfig? Router { get; init; }
}
