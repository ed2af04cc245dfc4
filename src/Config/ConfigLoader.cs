using System.Text.RegularExpressions;
using Mlobs.Config.Alertmanager;
using Mlobs.Config.Yaml;
using Mlobs.Model;
using Mlobs.Model.Labels;
using YamlDotNet.RepresentationModel;

namespace Mlobs.Config;

/// <summary>
/// Loads prometheus.yml (the subset in <see cref="PrometheusConfig"/>) with Prometheus's defaults and checks,
/// reporting problems as <c>file:line:col: message</c>.
/// </summary>
public static class ConfigLoader
{
    /// <summary>Prometheus sections accepted for compatibility that mlobs does not act on yet.</summary>
    private static readonly string[] IgnoredTopLevel = ["remote_write", "remote_read", "storage", "tracing", "otlp", "runtime", "scrape_config_files"];

    public static PrometheusConfig LoadFile(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, 0, 0, ex.Message);
        }
        return Parse(text, path);
    }

    public static PrometheusConfig Parse(string yaml, string file)
    {
        var r = new YamlNodeReader(file);
        var doc = r.LoadDocument(yaml);
        if (doc is null) return new PrometheusConfig { SourcePath = file, OriginalYaml = yaml };
        var root = r.Mapping(doc, "config");

        var top = TopLevelKeys.Read(r, root, "config", new TopLevel());
        var global = top.Global;
        if (global.ScrapeTimeout > global.ScrapeInterval)
            throw r.Error(top.GlobalNode!, "global scrape timeout greater than scrape interval");
        var ignored = root.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!).Where(k => IgnoredTopLevel.Contains(k)).ToList();

        var scrapeConfigs = new List<ScrapeConfig>();
        foreach (var node in top.ScrapeNodes)
        {
            var sc = ReadScrapeConfig(r, node, global);
            if (scrapeConfigs.Any(x => x.JobName == sc.JobName))
                throw r.Error(node, $"found multiple scrape configs with job name \"{sc.JobName}\"");
            scrapeConfigs.Add(sc);
        }

        return new PrometheusConfig
        {
            Global = global, RuleFiles = top.RuleFiles, ScrapeConfigs = scrapeConfigs, Alerting = top.Alerting, Mlobs = top.Mlobs,
            LogSources = top.LogSources, Push = top.Push, Statsd = top.Statsd, FreshnessProbes = top.FreshnessProbes, DriftMonitors = top.DriftMonitors, IgnoredSections = ignored, SourcePath = file, OriginalYaml = yaml,
            Warnings = [.. r.Warnings.OrderBy(w => w.Line).ThenBy(w => w.Column)],
        };
    }

    /// <summary>The file's sections while they are read; scrape configs wait for the global section, wherever it stands.</summary>
    private sealed record TopLevel
    {
        public GlobalConfig Global { get; init; } = new();
        public YamlNode? GlobalNode { get; init; }
        public IReadOnlyList<string> RuleFiles { get; init; } = [];
        public IReadOnlyList<YamlNode> ScrapeNodes { get; init; } = [];
        public AlertingConfig Alerting { get; init; } = new();
        public MlobsSettings Mlobs { get; init; } = new();
        public IReadOnlyList<LogSourceConfig> LogSources { get; init; } = [];
        public PushConfig Push { get; init; } = new();
        public Statsd.StatsdConfig Statsd { get; init; } = new();
        public IReadOnlyList<FreshnessProbeConfig> FreshnessProbes { get; init; } = [];
        public IReadOnlyList<Drift.DriftMonitorConfig> DriftMonitors { get; init; } = [];
    }

    private static string ListenAddress(YamlNodeReader r, YamlNode v, string what)
    {
        var listen = r.String(v, what);
        int colon = listen.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(listen.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port) || port > 65535)
            throw r.Error(v, $"{what}: \"{listen}\" is not HOST:PORT");
        return listen;
    }

    private static readonly KeyTable<Statsd.StatsdConfig> StatsdKeys = new()
    {
        { "listen_udp", (r, v, s) => s with { ListenUdp = ListenAddress(r, v, "listen_udp") } },
        { "listen_tcp", (r, v, s) => s with { ListenTcp = ListenAddress(r, v, "listen_tcp") } },
        { "interval", (r, v, s) => s with { Interval = Positive(r, v, "interval") } },
        {
            "mapping_config", (r, v, s) =>
            {
                var file = r.String(v, "mapping_config");
                var path = BesideConfig(r, file);
                if (!File.Exists(path)) throw r.Error(v, $"statsd mapping config file \"{file}\" not found");
                return s with { MappingConfigFile = path, Mapping = Statsd.StatsdMappingParser.Load(path) };
            }
        },
    };

    private sealed record HttpProbeDraft(string? Url = null, string? JsonField = null);

    private sealed record SqliteProbeDraft(string? Path = null, string? Query = null);

    private static readonly KeyTable<HttpProbeDraft> HttpProbeKeys = new()
    {
        {
            "url", (r, v, h) =>
            {
                var url = r.String(v, "url");
                if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")) throw r.Error(v, $"url: \"{url}\" is not an http(s) URL");
                return h with { Url = url };
            }
        },
        { "json_field", (r, v, h) => h with { JsonField = r.String(v, "json_field") } },
    };

    private static readonly KeyTable<SqliteProbeDraft> SqliteProbeKeys = new()
    {
        { "path", (r, v, s) => s with { Path = BesideConfig(r, r.String(v, "path")) } },
        { "query", (r, v, s) => s with { Query = r.String(v, "query") } },
    };

    private static readonly KeyTable<FreshnessProbeConfig> FreshnessProbeKeys = new()
    {
        {
            "source", (r, v, p) =>
            {
                var source = r.String(v, "source");
                if (source.Length == 0) throw r.Error(v, "source must not be empty");
                return p with { Source = source };
            }
        },
        { "interval", (r, v, p) => p with { Interval = Positive(r, v, "interval") } },
        { "files", (r, v, p) => p with { Files = [.. r.StringList(v, "files").Select(f => BesideConfig(r, f))] } },
        {
            "http", (r, v, p) =>
            {
                var h = HttpProbeKeys.Read(r, v, "http probe", new HttpProbeDraft());
                if (h.Url is null) throw r.Error(v, "http probe needs a url");
                return p with { HttpUrl = h.Url, HttpJsonField = h.JsonField };
            }
        },
        {
            "sqlite", (r, v, p) =>
            {
                var s = SqliteProbeKeys.Read(r, v, "sqlite probe", new SqliteProbeDraft());
                if (s.Path is null || s.Query is null) throw r.Error(v, "sqlite probe needs a path and a query");
                return p with { SqlitePath = s.Path, SqliteQuery = s.Query };
            }
        },
    };

    private static IReadOnlyList<FreshnessProbeConfig> ReadFreshnessProbes(YamlNodeReader r, YamlNode node)
    {
        var probes = new List<FreshnessProbeConfig>();
        foreach (var item in r.Sequence(node, "freshness_probes").Children)
        {
            var probe = FreshnessProbeKeys.Read(r, item, "freshness probe", new FreshnessProbeConfig { Source = "" });
            if (probe.Source.Length == 0) throw r.Error(item, "freshness probe needs a source");
            int kinds = (probe.Files.Count > 0 ? 1 : 0) + (probe.HttpUrl is not null ? 1 : 0) + (probe.SqlitePath is not null ? 1 : 0);
            if (kinds != 1) throw r.Error(item, $"freshness probe \"{probe.Source}\" needs exactly one of files, http and sqlite");
            if (probes.Any(p => p.Source == probe.Source)) throw r.Error(item, $"found multiple freshness probes with source \"{probe.Source}\"");
            probes.Add(probe);
        }
        return probes;
    }

    private static readonly KeyTable<PushConfig> PushKeys = new()
    {
        { "listen", (r, v, p) => p with { Listen = ListenAddress(r, v, "listen") } },
        { "interval", (r, v, p) => p with { Interval = Positive(r, v, "interval") } },
        { "group_ttl", (r, v, p) => p with { GroupTtl = r.Duration(v, "group_ttl") } },
        {
            "job_group_ttl", (r, v, p) => p with
            {
                JobGroupTtl = r.Entries(r.Mapping(v, "job_group_ttl"), "job_group_ttl")
                    .ToDictionary(e => e.Key, e => r.Duration(e.Value, "job_group_ttl." + e.Key), StringComparer.Ordinal),
            }
        },
    };

    private static readonly KeyTable<TopLevel> TopLevelKeys = new()
    {
        { "global", (r, v, t) => t with { Global = ReadGlobal(r, v), GlobalNode = v } },
        { "rule_files", (r, v, t) => t with { RuleFiles = r.StringList(v, "rule_files") } },
        { "scrape_configs", (r, v, t) => t with { ScrapeNodes = [.. r.Sequence(v, "scrape_configs").Children] } },
        { "alerting", (r, v, t) => t with { Alerting = ReadAlerting(r, v) } },
        { "mlobs", (r, v, t) => t with { Mlobs = ReadMlobs(r, v) } },
        { "log_sources", (r, v, t) => t with { LogSources = r.Sequence(v, "log_sources").Children.Select(n => ReadLogSource(r, n)).ToList() } },
        { "push", (r, v, t) => t with { Push = PushKeys.Read(r, v, "push config", new PushConfig()) } },
        { "statsd", (r, v, t) => t with { Statsd = StatsdKeys.Read(r, v, "statsd config", new Statsd.StatsdConfig()) } },
        { "freshness_probes", (r, v, t) => t with { FreshnessProbes = ReadFreshnessProbes(r, v) } },
        { "drift_monitors", (r, v, t) => t with { DriftMonitors = Drift.DriftMonitorsReader.Read(r, v) } },
        { IgnoredTopLevel },
    };


    private static readonly KeyTable<LogSourceConfig> LogSourceKeys = new()
    {
        { "name", (r, v, s) => s with { Name = r.String(v, "name") } },
        { "paths", (r, v, s) => s with { Paths = r.StringList(v, "paths") } },
        { "labels", (r, v, s) => s with { Labels = LabelMap(r, v, "labels") } },
        {
            "parser", (r, v, s) => s with
            {
                Parser = r.String(v, "parser") switch
                {
                    "json" => LogParserKind.Json,
                    "logfmt" => LogParserKind.Logfmt,
                    "regex" => LogParserKind.Regex,
                    "raw" => LogParserKind.Raw,
                    var other => throw r.Error(v, $"unknown parser \"{other}\": use json, logfmt, regex or raw"),
                },
            }
        },
        {
            "pattern", (r, v, s) =>
            {
                var pattern = r.String(v, "pattern");
                try { _ = new Regex(pattern); }
                catch (ArgumentException ex) { throw r.Error(v, $"invalid pattern: {ex.Message}"); }
                return s with { Pattern = pattern };
            }
        },
        { "label_fields", (r, v, s) => s with { LabelFields = r.StringList(v, "label_fields") } },
        { "timestamp", (r, v, s) => s with { Timestamp = ReadLogTimestamp(r, v) } },
        { "max_line_size", (r, v, s) => s with { MaxLineBytes = (int)r.Long(v, "max_line_size", 1) } },
    };

    private static LogSourceConfig ReadLogSource(YamlNodeReader r, YamlNode node)
    {
        var source = LogSourceKeys.Read(r, node, "log source", new LogSourceConfig { Name = "" });
        if (source.Name.Length == 0) throw r.Error(node, "log source needs a name");
        if (source.Paths.Count == 0) throw r.Error(node, $"log source \"{source.Name}\" needs paths");
        if (source.Parser == LogParserKind.Regex && source.Pattern is null) throw r.Error(node, $"log source \"{source.Name}\": the regex parser needs a pattern");
        return source;
    }

    private static readonly KeyTable<LogTimestampConfig> LogTimestampKeys = new()
    {
        { "field", (r, v, t) => t with { Field = r.String(v, "field") } },
        { "format", (r, v, t) => t with { Format = r.String(v, "format") } },
    };

    private static LogTimestampConfig ReadLogTimestamp(YamlNodeReader r, YamlNode node)
    {
        var t = LogTimestampKeys.Read(r, node, "timestamp", new LogTimestampConfig("", "rfc3339"));
        if (t.Field.Length == 0) throw r.Error(node, "timestamp needs a field");
        if (t.Format is not ("rfc3339" or "unix" or "unix_ms" or "unix_us" or "unix_ns"))
            throw r.Error(node, $"unknown timestamp format \"{t.Format}\": use rfc3339, unix, unix_ms, unix_us or unix_ns");
        return t;
    }

    /// <summary>A map of label names to values, each name checked as Prometheus checks label names.</summary>
    private static IReadOnlyDictionary<string, string> LabelMap(YamlNodeReader r, YamlNode node, string what)
    {
        var labels = r.StringMap(node, what);
        foreach (var name in labels.Keys)
            if (!LegacyNames.IsLabelName(name)) throw r.Error(node, $"\"{name}\" is not a valid label name");
        return labels;
    }

    /// <summary>The global section while it is read: whether scrape_timeout was set decides its default.</summary>
    private sealed record GlobalDraft(GlobalConfig Config, bool TimeoutSet);

    private static readonly KeyTable<GlobalDraft> GlobalKeys = new KeyTable<GlobalDraft>("global.")
    {
        { "scrape_interval", (r, v, g) => g with { Config = g.Config with { ScrapeInterval = Positive(r, v, "scrape_interval") } } },
        { "scrape_timeout", (r, v, g) => new GlobalDraft(g.Config with { ScrapeTimeout = Positive(r, v, "scrape_timeout") }, true) },
        { "evaluation_interval", (r, v, g) => g with { Config = g.Config with { EvaluationInterval = Positive(r, v, "evaluation_interval") } } },
        { "external_labels", (r, v, g) => g with { Config = g.Config with { ExternalLabels = LabelMap(r, v, "external_labels") } } },
        {
            "query_log_file", "scrape_protocols", "rule_query_offset", "keep_dropped_targets", "metric_name_validation_scheme",
            "metric_name_escaping_scheme", "always_scrape_classic_histograms", "convert_classic_histograms_to_nhcb", "scrape_failure_log_file"
        },
    }.WithLimits(g => g.Config.Limits, (g, limits) => g with { Config = g.Config with { Limits = limits } });

    private static GlobalConfig ReadGlobal(YamlNodeReader r, YamlNode node)
    {
        var (g, timeoutSet) = GlobalKeys.Read(r, node, "global config", new GlobalDraft(new GlobalConfig(), false));
        // Prometheus: an unset global timeout defaults to 10s but never beyond the global interval.
        if (!timeoutSet && g.ScrapeTimeout > g.ScrapeInterval) g = g with { ScrapeTimeout = g.ScrapeInterval };
        return g;
    }

    private static TimeSpan Positive(YamlNodeReader r, YamlNode node, string what)
    {
        var d = r.Duration(node, what);
        if (d <= TimeSpan.Zero) throw r.Error(node, $"{what} must be greater than 0");
        return d;
    }

    private static readonly KeyTable<ScrapeConfig> ScrapeKeys = new KeyTable<ScrapeConfig>()
    {
        { "job_name", (r, v, sc) => sc with { JobName = r.String(v, "job_name") } },
        { "scrape_interval", (r, v, sc) => sc with { ScrapeInterval = Positive(r, v, "scrape_interval") } },
        { "scrape_timeout", (r, v, sc) => sc with { ScrapeTimeout = Positive(r, v, "scrape_timeout") } },
        { "metrics_path", (r, v, sc) => sc with { MetricsPath = r.String(v, "metrics_path") } },
        {
            "scheme", (r, v, sc) =>
            {
                var scheme = r.String(v, "scheme");
                if (scheme is not ("http" or "https")) throw r.Error(v, $"unsupported scheme \"{scheme}\"");
                return sc with { Scheme = scheme };
            }
        },
        {
            "params", (r, v, sc) =>
            {
                var ps = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
                foreach (var (pk, _, pv) in r.Entries(r.Mapping(v, "params"), "params")) ps[pk] = r.StringList(pv, "params." + pk);
                return sc with { Params = ps };
            }
        },
        { "honor_labels", (r, v, sc) => sc with { HonorLabels = r.Bool(v, "honor_labels") } },
        { "honor_timestamps", (r, v, sc) => sc with { HonorTimestamps = r.Bool(v, "honor_timestamps") } },
        { "basic_auth", (r, v, sc) => sc with { BasicAuth = ReadBasicAuth(r, v) } },
        { "authorization", (r, v, sc) => sc with { Authorization = ReadAuthorization(r, v) } },
        { "tls_config", (r, v, sc) => sc with { Tls = ReadTlsConfig(r, v) } },
        { "bearer_token", (r, v, sc) => sc with { Authorization = new Authorization("Bearer", r.String(v, "bearer_token"), null) } },
        { "bearer_token_file", (r, v, sc) => sc with { Authorization = new Authorization("Bearer", null, r.String(v, "bearer_token_file")) } },
        { "static_configs", (r, v, sc) => sc with { StaticConfigs = r.Sequence(v, "static_configs").Children.Select(n => ReadStaticConfig(r, n)).ToList() } },
        { "file_sd_configs", (r, v, sc) => sc with { FileSdConfigs = r.Sequence(v, "file_sd_configs").Children.Select(n => ReadFileSd(r, n)).ToList() } },
        { "relabel_configs", (r, v, sc) => sc with { RelabelConfigs = ReadRelabelConfigs(r, v) } },
        { "metric_relabel_configs", (r, v, sc) => sc with { MetricRelabelConfigs = ReadRelabelConfigs(r, v) } },
        { "follow_redirects", "enable_http2", "scrape_protocols", "track_timestamps_staleness", "enable_compression", "fallback_scrape_protocol" },
    }.WithLimits(sc => sc.Limits, (sc, limits) => sc with { Limits = limits });

    private static ScrapeConfig ReadScrapeConfig(YamlNodeReader r, YamlNode node, GlobalConfig global)
    {
        // Interval and timeout are zero until set (a set one is positive): unset ones come from the global section.
        var sc = ScrapeKeys.Read(r, node, "scrape config", new ScrapeConfig { JobName = "" });
        if (string.IsNullOrEmpty(sc.JobName)) throw r.Error(node, "job_name is empty");
        var iv = sc.ScrapeInterval > TimeSpan.Zero ? sc.ScrapeInterval : global.ScrapeInterval;
        var to = sc.ScrapeTimeout > TimeSpan.Zero ? sc.ScrapeTimeout : global.ScrapeTimeout > iv ? iv : global.ScrapeTimeout;
        if (to > iv) throw r.Error(node, $"scrape timeout greater than scrape interval for scrape config with job name \"{sc.JobName}\"");
        return sc with { ScrapeInterval = iv, ScrapeTimeout = to, Limits = sc.Limits.Or(global.Limits) };
    }

    /// <summary>The scrape limit keys, read into the record's limits: the global section and each scrape config take the same ones.</summary>
    private static KeyTable<T> WithLimits<T>(this KeyTable<T> table, Func<T, ScrapeLimits> get, Func<T, ScrapeLimits, T> set)
    {
        foreach (var key in (string[])["sample_limit", "label_limit", "label_name_length_limit", "label_value_length_limit", "target_limit", "body_size_limit"])
            table.Add(key, (r, v, record) => set(record, ReadLimit(r, get(record), key, v)));
        return table;
    }

    /// <summary>One of the scrape limits: a count (Go's uint) or, for body_size_limit, a byte size such as 10MB.</summary>
    private static ScrapeLimits ReadLimit(YamlNodeReader r, ScrapeLimits limits, string key, YamlNode value)
    {
        if (key == "body_size_limit")
        {
            var text = r.String(value, key);
            if (!ByteSize.TryParse(text, out long bytes, out string error)) throw r.Error(value, $"{key}: {error}");
            if (bytes < 0) throw r.Error(value, $"{key} must not be negative");
            return limits with { BodySizeLimit = bytes };
        }
        var count = r.Long(value, key, 0);
        if (count > int.MaxValue) throw r.Error(value, $"{key}: {count} is more than mlobs supports ({int.MaxValue})");
        int n = (int)count;
        return key switch
        {
            "sample_limit" => limits with { SampleLimit = n },
            "label_limit" => limits with { LabelLimit = n },
            "label_name_length_limit" => limits with { LabelNameLengthLimit = n },
            "label_value_length_limit" => limits with { LabelValueLengthLimit = n },
            _ => limits with { TargetLimit = n },
        };
    }

    private static readonly KeyTable<BasicAuth> BasicAuthKeys = new("basic_auth.")
    {
        { "username", (r, v, b) => b with { Username = r.String(v, "username") } },
        { "password", (r, v, b) => b with { Password = r.String(v, "password") } },
        { "password_file", (r, v, b) => b with { PasswordFile = r.String(v, "password_file") } },
        { "username_file" },
    };

    private static BasicAuth ReadBasicAuth(YamlNodeReader r, YamlNode node)
    {
        var auth = BasicAuthKeys.Read(r, node, "basic_auth", new BasicAuth("", null, null));
        if (auth.Password is not null && auth.PasswordFile is not null) throw r.Error(node, "at most one of basic_auth password & password_file must be configured");
        return auth;
    }

    /// <summary>A file named in tls_config: resolved from the config file's directory, and it must exist (as Prometheus checks).</summary>
    private static string TlsFile(YamlNodeReader r, YamlNode value, string what)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(r.File.StartsWith('<') ? "." : r.File)) ?? ".";
        var path = Path.Combine(dir, r.String(value, what));
        if (!File.Exists(path)) throw r.Error(value, $"error checking {what}: stat {path}: no such file or directory");
        return path;
    }

    private static readonly KeyTable<TlsConfig> TlsKeys = new("tls_config.")
    {
        { "ca_file", (r, v, t) => t with { CaFile = TlsFile(r, v, "ca_file") } },
        { "cert_file", (r, v, t) => t with { CertFile = TlsFile(r, v, "cert_file") } },
        { "key_file", (r, v, t) => t with { KeyFile = TlsFile(r, v, "key_file") } },
        { "server_name", (r, v, t) => t with { ServerName = r.String(v, "server_name") } },
        { "insecure_skip_verify", (r, v, t) => t with { InsecureSkipVerify = r.Bool(v, "insecure_skip_verify") } },
        {
            "min_version", (r, v, t) =>
            {
                var version = r.String(v, "min_version");
                if (version is not ("TLS10" or "TLS11" or "TLS12" or "TLS13")) throw r.Error(v, $"unknown TLS version: {version}");
                return t with { MinVersion = version };
            }
        },
        { "ca", "cert", "key", "max_version", "ca_ref", "cert_ref", "key_ref" },
    };

    /// <summary><c>tls_config</c>, validated as Prometheus validates it (files must exist, cert and key come together).</summary>
    private static TlsConfig ReadTlsConfig(YamlNodeReader r, YamlNode node)
    {
        var tls = TlsKeys.Read(r, node, "tls_config", new TlsConfig(null, null, null, null, false, null));
        if (tls.CertFile is not null && tls.KeyFile is null) throw r.Error(node, "exactly one of key or key_file must be configured when a client certificate is configured");
        if (tls.KeyFile is not null && tls.CertFile is null) throw r.Error(node, "exactly one of cert or cert_file must be configured when a client key is configured");
        return tls;
    }

    private static readonly KeyTable<Authorization> AuthorizationKeys = new()
    {
        { "type", (r, v, a) => a with { Type = r.String(v, "type") } },
        { "credentials", (r, v, a) => a with { Credentials = r.String(v, "credentials") } },
        { "credentials_file", (r, v, a) => a with { CredentialsFile = r.String(v, "credentials_file") } },
    };

    private static Authorization ReadAuthorization(YamlNodeReader r, YamlNode node)
    {
        var auth = AuthorizationKeys.Read(r, node, "authorization", new Authorization("Bearer", null, null));
        if (auth.Type.Equals("basic", StringComparison.OrdinalIgnoreCase))
            throw r.Error(node, "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
        if (auth.Credentials is not null && auth.CredentialsFile is not null) throw r.Error(node, "at most one of authorization credentials & credentials_file must be configured");
        return auth;
    }

    private static readonly KeyTable<StaticConfig> StaticKeys = new()
    {
        {
            "targets", (r, v, s) =>
            {
                var targets = r.StringList(v, "targets");
                foreach (var (t, n) in targets.Zip(r.Sequence(v, "targets").Children))
                    if (t.Length == 0 || t.Contains('/')) throw r.Error(n, $"\"{t}\" is not a valid hostname");
                return s with { Targets = targets };
            }
        },
        { "labels", (r, v, s) => s with { Labels = LabelMap(r, v, "labels") } },
    };

    public static StaticConfig ReadStaticConfig(YamlNodeReader r, YamlNode node) =>
        StaticKeys.Read(r, node, "static_config", new StaticConfig([], new Dictionary<string, string>()));

    private static readonly KeyTable<FileSdConfig> FileSdKeys = new()
    {
        {
            "files", (r, v, f) =>
            {
                var files = r.StringList(v, "files");
                foreach (var (file, n) in files.Zip(r.Sequence(v, "files").Children))
                    if (Path.GetExtension(file) is not (".json" or ".yml" or ".yaml"))
                        throw r.Error(n, $"invalid file extension for file \"{file}\": must be .json, .yml or .yaml");
                return f with { Files = files };
            }
        },
        { "refresh_interval", (r, v, f) => f with { RefreshInterval = Positive(r, v, "refresh_interval") } },
    };

    private static FileSdConfig ReadFileSd(YamlNodeReader r, YamlNode node) =>
        FileSdKeys.Read(r, node, "file_sd_config", new FileSdConfig([], TimeSpan.FromMinutes(5)));

    private static IReadOnlyList<RelabelConfig> ReadRelabelConfigs(YamlNodeReader r, YamlNode node) =>
        r.Sequence(node, "relabel_configs").Children.Select(n => ReadRelabelConfig(r, n)).ToList();

    /// <summary>A relabel config while it is read: whether regex and replacement were written decides what is valid.</summary>
    private sealed record RelabelDraft(RelabelConfig Config, bool HasRegex, bool HasReplacement);

    private static readonly KeyTable<RelabelDraft> RelabelKeys = new()
    {
        { "source_labels", (r, v, d) => d with { Config = d.Config with { SourceLabels = r.StringList(v, "source_labels") } } },
        { "separator", (r, v, d) => d with { Config = d.Config with { Separator = r.String(v, "separator") } } },
        {
            "regex", (r, v, d) =>
            {
                var re = r.String(v, "regex");
                try { _ = GoRegex.Anchored(re); }
                catch (ArgumentException ex) { throw r.Error(v, $"invalid regular expression \"{re}\": {ex.Message}"); }
                return d with { Config = d.Config with { Regex = re }, HasRegex = true };
            }
        },
        { "modulus", (r, v, d) => d with { Config = d.Config with { Modulus = (ulong)r.Long(v, "modulus", 0) } } },
        { "target_label", (r, v, d) => d with { Config = d.Config with { TargetLabel = r.String(v, "target_label") } } },
        { "replacement", (r, v, d) => d with { Config = d.Config with { Replacement = r.String(v, "replacement") }, HasReplacement = true } },
        { "action", (r, v, d) => d with { Config = d.Config with { Action = RelabelActionOf(r, v) } } },
    };

    private static RelabelAction RelabelActionOf(YamlNodeReader r, YamlNode v)
    {
        var a = r.String(v, "action").ToLowerInvariant();
        return a switch
        {
            "replace" => RelabelAction.Replace,
            "keep" => RelabelAction.Keep,
            "drop" => RelabelAction.Drop,
            "keepequal" => RelabelAction.KeepEqual,
            "dropequal" => RelabelAction.DropEqual,
            "hashmod" => RelabelAction.HashMod,
            "labelmap" => RelabelAction.LabelMap,
            "labeldrop" => RelabelAction.LabelDrop,
            "labelkeep" => RelabelAction.LabelKeep,
            "lowercase" => RelabelAction.Lowercase,
            "uppercase" => RelabelAction.Uppercase,
            _ => throw r.Error(v, $"unknown relabel action \"{a}\""),
        };
    }

    private static RelabelConfig ReadRelabelConfig(YamlNodeReader r, YamlNode node)
    {
        var (rc, hasRegex, hasReplacement) = RelabelKeys.Read(r, node, "relabel_config", new RelabelDraft(new RelabelConfig(), false, false));
        // The same validations as Prometheus's relabel.Config.Validate.
        if (rc.Action is RelabelAction.Replace or RelabelAction.HashMod or RelabelAction.Lowercase or RelabelAction.Uppercase
            or RelabelAction.KeepEqual or RelabelAction.DropEqual && rc.TargetLabel.Length == 0)
        {
            if (rc.TargetLabel.Length == 0) throw r.Error(node, $"relabel configuration for {rc.Action.ToString().ToLowerInvariant()} action requires 'target_label' value");
        }
        if (rc.Action == RelabelAction.HashMod && rc.Modulus == 0) throw r.Error(node, "relabel configuration for hashmod requires non-zero modulus");
        if (rc.Action is RelabelAction.LabelDrop or RelabelAction.LabelKeep && (rc.SourceLabels.Count > 0 || rc.TargetLabel.Length > 0 || hasReplacement))
            throw r.Error(node, $"{rc.Action.ToString().ToLowerInvariant()} action requires only 'regex', and no other fields");
        if (rc.Action is RelabelAction.KeepEqual or RelabelAction.DropEqual && hasRegex)
            throw r.Error(node, $"{rc.Action.ToString().ToLowerInvariant()} action requires only 'source_labels' and 'target_label', and no other fields");
        return rc;
    }

    private static readonly KeyTable<AlertingConfig> AlertingKeys = new()
    {
        { "alertmanagers", (r, v, a) => a with { Alertmanagers = r.Sequence(v, "alertmanagers").Children.Select(n => ReadAlertmanager(r, n)).ToList() } },
        { "alert_relabel_configs", (r, v, a) => a with { AlertRelabelConfigs = ReadRelabelConfigs(r, v) } },
    };

    private static AlertingConfig ReadAlerting(YamlNodeReader r, YamlNode node) => AlertingKeys.Read(r, node, "alerting", new AlertingConfig());

    private static readonly KeyTable<AlertmanagerConfig> AlertmanagerKeys = new("alertmanagers.")
    {
        { "scheme", (r, v, am) => am with { Scheme = Scheme(r, v) } },
        { "path_prefix", (r, v, am) => am with { PathPrefix = r.String(v, "path_prefix") } },
        { "timeout", (r, v, am) => am with { Timeout = Positive(r, v, "timeout") } },
        { "api_version", (r, v, am) => am with { ApiVersion = ApiVersion(r, v) } },
        { "static_configs", (r, v, am) => am with { StaticConfigs = r.Sequence(v, "static_configs").Children.Select(n => ReadStaticConfig(r, n)).ToList() } },
        { "basic_auth", (r, v, am) => am with { BasicAuth = ReadBasicAuth(r, v) } },
        { "authorization", (r, v, am) => am with { Authorization = ReadAuthorization(r, v) } },
        { "relabel_configs", (r, v, am) => am with { RelabelConfigs = ReadRelabelConfigs(r, v) } },
        { "follow_redirects", "enable_http2" },
    };

    private static AlertmanagerConfig ReadAlertmanager(YamlNodeReader r, YamlNode node)
    {
        var am = AlertmanagerKeys.Read(r, node, "alertmanager config", new AlertmanagerConfig());
        if (am.BasicAuth is not null && am.Authorization is not null)
            throw r.Error(node, "at most one of basic_auth, oauth2 & authorization must be configured");
        return am;
    }

    private static string Scheme(YamlNodeReader r, YamlNode v)
    {
        var scheme = r.String(v, "scheme");
        if (scheme is not ("http" or "https")) throw r.Error(v, $"unsupported scheme \"{scheme}\" for Alertmanager, expected http or https");
        return scheme;
    }

    private static string ApiVersion(YamlNodeReader r, YamlNode v)
    {
        var version = r.String(v, "api_version");
        if (version != "v2") throw r.Error(v, $"expected Alertmanager api version to be one of [v2] but got {version}");
        return version;
    }

    /// <summary>A path in the config, relative to the config file's directory unless absolute.</summary>
    private static string BesideConfig(YamlNodeReader r, string path) =>
        Path.IsPathRooted(path) ? path : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(r.File)) ?? ".", path);

    /// <summary>mlobs's settings while they are read: an inline router config excludes a router config file.</summary>
    private sealed record MlobsDraft(MlobsSettings Settings, bool InlineRouter);

    private static readonly KeyTable<MlobsDraft> MlobsKeys = new()
    {
        { "data_dir", (r, v, d) => d with { Settings = d.Settings with { DataDir = r.String(v, "data_dir") } } },
        { "dashboards_dir", (r, v, d) => d with { Settings = d.Settings with { DashboardsDir = BesideConfig(r, r.String(v, "dashboards_dir")) } } },
        { "retention_time", (r, v, d) => d with { Settings = d.Settings with { RetentionTime = Positive(r, v, "retention_time") } } },
        { "retention_size", (r, v, d) => d with { Settings = d.Settings with { RetentionBytes = ParseBytes(r, v, "retention_size") } } },
        { "log_retention_time", (r, v, d) => d with { Settings = d.Settings with { LogRetentionTime = Positive(r, v, "log_retention_time") } } },
        { "log_retention_size", (r, v, d) => d with { Settings = d.Settings with { LogRetentionBytes = ParseBytes(r, v, "log_retention_size") } } },
        { "head_series_idle", (r, v, d) => d with { Settings = d.Settings with { HeadSeriesIdle = Positive(r, v, "head_series_idle") } } },
        { "head_stale_series_idle", (r, v, d) => d with { Settings = d.Settings with { HeadStaleSeriesIdle = Positive(r, v, "head_stale_series_idle") } } },
        { "alertmanager_config", (r, v, d) => new MlobsDraft(d.Settings with { Router = AlertmanagerConfigParser.Parse(r, v) }, true) },
        {
            "alertmanager_config_file", (r, v, d) =>
            {
                if (d.InlineRouter) throw r.Error(v, "at most one of alertmanager_config & alertmanager_config_file must be configured");
                var file = r.String(v, "alertmanager_config_file");
                var path = BesideConfig(r, file);
                if (!File.Exists(path)) throw r.Error(v, $"alertmanager config file \"{file}\" not found");
                var router = AlertmanagerConfigParser.Load(path);
                r.Warnings.AddRange(router.Warnings);
                return d with { Settings = d.Settings with { Router = router } };
            }
        },
    };

    private static MlobsSettings ReadMlobs(YamlNodeReader r, YamlNode node) =>
        MlobsKeys.Read(r, node, "mlobs settings", new MlobsDraft(new MlobsSettings(), false)).Settings;

    /// <summary>Sizes as Prometheus's --storage.tsdb.retention.size: 512MB, 10GB, 1.5GiB (KB and KiB both 1024 bytes).</summary>
    private static long ParseBytes(YamlNodeReader r, YamlNode node, string key)
    {
        var text = r.String(node, key).Trim();
        if (!ByteSize.TryParse(text, out long bytes, out _) || bytes < 0)
            throw r.Error(node, $"{key}: invalid size \"{text}\" (use e.g. 512MB or 10GB)");
        return bytes;
    }

}
