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

        var global = new GlobalConfig();
        YamlNode? globalNode = null;
        var ruleFiles = new List<string>();
        var scrapeNodes = new List<YamlNode>();
        var alerting = new AlertingConfig();
        var mlobs = new MlobsSettings();
        var ignored = new List<string>();
        var logSources = new List<LogSourceConfig>();
        foreach (var (key, keyNode, value) in r.Entries(root, "config",
                     ["global", "rule_files", "scrape_configs", "alerting", "mlobs", "log_sources", .. IgnoredTopLevel]))
        {
            switch (key)
            {
                case "global": globalNode = value; global = ReadGlobal(r, value); break;
                case "rule_files": ruleFiles.AddRange(r.StringList(value, "rule_files")); break;
                case "scrape_configs": scrapeNodes.AddRange(r.Sequence(value, "scrape_configs").Children); break;
                case "alerting": alerting = ReadAlerting(r, value); break;
                case "mlobs": mlobs = ReadMlobs(r, value); break;
                case "log_sources": logSources = r.Sequence(value, "log_sources").Children.Select(n => ReadLogSource(r, n)).ToList(); break;
                default: ignored.Add(key); r.Unused(keyNode, key); break;
            }
        }
        if (global.ScrapeTimeout > global.ScrapeInterval)
            throw r.Error(globalNode!, "global scrape timeout greater than scrape interval");

        var scrapeConfigs = new List<ScrapeConfig>();
        foreach (var node in scrapeNodes)
        {
            var sc = ReadScrapeConfig(r, node, global);
            if (scrapeConfigs.Any(x => x.JobName == sc.JobName))
                throw r.Error(node, $"found multiple scrape configs with job name \"{sc.JobName}\"");
            scrapeConfigs.Add(sc);
        }

        return new PrometheusConfig
        {
            Global = global, RuleFiles = ruleFiles, ScrapeConfigs = scrapeConfigs, Alerting = alerting, Mlobs = mlobs,
            LogSources = logSources, IgnoredSections = ignored, SourcePath = file, OriginalYaml = yaml,
            Warnings = [.. r.Warnings.OrderBy(w => w.Line).ThenBy(w => w.Column)],
        };
    }

    private static LogSourceConfig ReadLogSource(YamlNodeReader r, YamlNode node)
    {
        string? name = null;
        var source = new LogSourceConfig { Name = "" };
        foreach (var (key, _, value) in r.Entries(r.Mapping(node, "log source"), "log source",
                     "name", "paths", "labels", "parser", "pattern", "label_fields", "timestamp", "max_line_size"))
        {
            switch (key)
            {
                case "name": name = r.String(value, key); break;
                case "paths": source = source with { Paths = r.StringList(value, key) }; break;
                case "labels":
                    var labels = r.StringMap(value, key);
                    foreach (var n in labels.Keys)
                        if (!LegacyNames.IsLabelName(n)) throw r.Error(value, $"\"{n}\" is not a valid label name");
                    source = source with { Labels = labels };
                    break;
                case "parser":
                    source = source with
                    {
                        Parser = r.String(value, key) switch
                        {
                            "json" => LogParserKind.Json,
                            "logfmt" => LogParserKind.Logfmt,
                            "regex" => LogParserKind.Regex,
                            "raw" => LogParserKind.Raw,
                            var other => throw r.Error(value, $"unknown parser \"{other}\": use json, logfmt, regex or raw"),
                        },
                    };
                    break;
                case "pattern":
                    var pattern = r.String(value, key);
                    try { _ = new System.Text.RegularExpressions.Regex(pattern); }
                    catch (ArgumentException ex) { throw r.Error(value, $"invalid pattern: {ex.Message}"); }
                    source = source with { Pattern = pattern };
                    break;
                case "label_fields": source = source with { LabelFields = r.StringList(value, key) }; break;
                case "timestamp":
                {
                    string? field = null, format = "rfc3339";
                    foreach (var (k, _, v) in r.Entries(r.Mapping(value, "timestamp"), "timestamp", "field", "format"))
                    {
                        if (k == "field") field = r.String(v, k);
                        else format = r.String(v, k);
                    }
                    if (field is null) throw r.Error(value, "timestamp needs a field");
                    if (format is not ("rfc3339" or "unix" or "unix_ms" or "unix_us" or "unix_ns"))
                        throw r.Error(value, $"unknown timestamp format \"{format}\": use rfc3339, unix, unix_ms, unix_us or unix_ns");
                    source = source with { Timestamp = new LogTimestampConfig(field, format) };
                    break;
                }
                case "max_line_size": source = source with { MaxLineBytes = (int)r.Long(value, key, 1) }; break;
            }
        }
        if (name is null) throw r.Error(node, "log source needs a name");
        if (source.Paths.Count == 0) throw r.Error(node, $"log source \"{name}\" needs paths");
        if (source.Parser == LogParserKind.Regex && source.Pattern is null) throw r.Error(node, $"log source \"{name}\": the regex parser needs a pattern");
        return source with { Name = name };
    }

    private static GlobalConfig ReadGlobal(YamlNodeReader r, YamlNode node)
    {
        var g = new GlobalConfig();
        bool timeoutSet = false;
        foreach (var (key, keyNode, value) in r.Entries(r.Mapping(node, "global"), "global config",
                     "scrape_interval", "scrape_timeout", "evaluation_interval", "external_labels", "query_log_file",
                     "scrape_protocols", "rule_query_offset", "body_size_limit", "sample_limit", "label_limit",
                     "label_name_length_limit", "label_value_length_limit", "target_limit", "keep_dropped_targets",
                     "metric_name_validation_scheme", "metric_name_escaping_scheme", "always_scrape_classic_histograms",
                     "convert_classic_histograms_to_nhcb", "scrape_failure_log_file"))
        {
            switch (key)
            {
                case "scrape_interval": g = g with { ScrapeInterval = Positive(r, value, "scrape_interval") }; break;
                case "scrape_timeout": g = g with { ScrapeTimeout = Positive(r, value, "scrape_timeout") }; timeoutSet = true; break;
                case "evaluation_interval": g = g with { EvaluationInterval = Positive(r, value, "evaluation_interval") }; break;
                case "external_labels":
                    var labels = r.StringMap(value, "external_labels");
                    foreach (var name in labels.Keys)
                        if (!LegacyNames.IsLabelName(name)) throw r.Error(value, $"\"{name}\" is not a valid label name");
                    g = g with { ExternalLabels = labels };
                    break;
                case "sample_limit" or "label_limit" or "label_name_length_limit" or "label_value_length_limit" or "target_limit" or "body_size_limit":
                    g = g with { Limits = ReadLimit(r, g.Limits, key, value) };
                    break;
                default: r.Unused(keyNode, "global." + key); break;
            }
        }
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

    private static ScrapeConfig ReadScrapeConfig(YamlNodeReader r, YamlNode node, GlobalConfig global)
    {
        var map = r.Mapping(node, "scrape config");
        string? job = null;
        TimeSpan? interval = null, timeout = null;
        var sc = new ScrapeConfig { JobName = "" };
        foreach (var (key, keyNode, value) in r.Entries(map, "scrape config",
                     "job_name", "scrape_interval", "scrape_timeout", "metrics_path", "scheme", "params", "honor_labels",
                     "honor_timestamps", "sample_limit", "basic_auth", "authorization", "bearer_token", "bearer_token_file",
                     "static_configs", "file_sd_configs", "relabel_configs", "metric_relabel_configs", "tls_config",
                     "follow_redirects", "enable_http2", "scrape_protocols", "label_limit", "label_name_length_limit",
                     "label_value_length_limit", "target_limit", "body_size_limit", "track_timestamps_staleness",
                     "enable_compression", "fallback_scrape_protocol"))
        {
            switch (key)
            {
                case "job_name": job = r.String(value, "job_name"); break;
                case "scrape_interval": interval = Positive(r, value, "scrape_interval"); break;
                case "scrape_timeout": timeout = Positive(r, value, "scrape_timeout"); break;
                case "metrics_path": sc = sc with { MetricsPath = r.String(value, "metrics_path") }; break;
                case "scheme":
                    var scheme = r.String(value, "scheme");
                    if (scheme is not ("http" or "https")) throw r.Error(value, $"unsupported scheme \"{scheme}\"");
                    sc = sc with { Scheme = scheme };
                    break;
                case "params":
                    var ps = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
                    foreach (var (pk, _, pv) in r.Entries(r.Mapping(value, "params"), "params")) ps[pk] = r.StringList(pv, "params." + pk);
                    sc = sc with { Params = ps };
                    break;
                case "honor_labels": sc = sc with { HonorLabels = r.Bool(value, "honor_labels") }; break;
                case "honor_timestamps": sc = sc with { HonorTimestamps = r.Bool(value, "honor_timestamps") }; break;
                case "sample_limit" or "label_limit" or "label_name_length_limit" or "label_value_length_limit" or "target_limit" or "body_size_limit":
                    sc = sc with { Limits = ReadLimit(r, sc.Limits, key, value) };
                    break;
                case "basic_auth": sc = sc with { BasicAuth = ReadBasicAuth(r, value) }; break;
                case "authorization": sc = sc with { Authorization = ReadAuthorization(r, value) }; break;
                case "tls_config": sc = sc with { Tls = ReadTlsConfig(r, value) }; break;
                case "bearer_token": sc = sc with { Authorization = new Authorization("Bearer", r.String(value, "bearer_token"), null) }; break;
                case "bearer_token_file": sc = sc with { Authorization = new Authorization("Bearer", null, r.String(value, "bearer_token_file")) }; break;
                case "static_configs": sc = sc with { StaticConfigs = r.Sequence(value, "static_configs").Children.Select(n => ReadStaticConfig(r, n)).ToList() }; break;
                case "file_sd_configs": sc = sc with { FileSdConfigs = r.Sequence(value, "file_sd_configs").Children.Select(n => ReadFileSd(r, n)).ToList() }; break;
                case "relabel_configs": sc = sc with { RelabelConfigs = ReadRelabelConfigs(r, value) }; break;
                case "metric_relabel_configs": sc = sc with { MetricRelabelConfigs = ReadRelabelConfigs(r, value) }; break;
                default: r.Unused(keyNode, key); break;
            }
        }
        if (string.IsNullOrEmpty(job)) throw r.Error(node, "job_name is empty");
        var iv = interval ?? global.ScrapeInterval;
        var to = timeout ?? (global.ScrapeTimeout > iv ? iv : global.ScrapeTimeout);
        if (to > iv) throw r.Error(node, $"scrape timeout greater than scrape interval for scrape config with job name \"{job}\"");
        return sc with { JobName = job, ScrapeInterval = iv, ScrapeTimeout = to, Limits = sc.Limits.Or(global.Limits) };
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

    private static BasicAuth ReadBasicAuth(YamlNodeReader r, YamlNode node)
    {
        string user = "";
        string? pass = null, file = null;
        foreach (var (key, keyNode, value) in r.Entries(r.Mapping(node, "basic_auth"), "basic_auth", "username", "password", "password_file", "username_file"))
        {
            switch (key)
            {
                case "username": user = r.String(value, key); break;
                case "password": pass = r.String(value, key); break;
                case "password_file": file = r.String(value, key); break;
                default: r.Unused(keyNode, "basic_auth." + key); break;
            }
        }
        if (pass is not null && file is not null) throw r.Error(node, "at most one of basic_auth password & password_file must be configured");
        return new BasicAuth(user, pass, file);
    }

    /// <summary><c>tls_config</c>, validated as Prometheus validates it (files must exist, cert and key come together).</summary>
    private static TlsConfig ReadTlsConfig(YamlNodeReader r, YamlNode node)
    {
        string? ca = null, cert = null, key = null, serverName = null, minVersion = null;
        bool insecure = false;
        var dir = Path.GetDirectoryName(Path.GetFullPath(r.File.StartsWith('<') ? "." : r.File)) ?? ".";
        string File(YamlNode value, string what)
        {
            var path = Path.Combine(dir, r.String(value, what));
            if (!System.IO.File.Exists(path)) throw r.Error(value, $"error checking {what}: stat {path}: no such file or directory");
            return path;
        }
        foreach (var (k, keyNode, value) in r.Entries(r.Mapping(node, "tls_config"), "tls_config",
                     "ca", "ca_file", "cert", "cert_file", "key", "key_file", "server_name", "insecure_skip_verify", "min_version", "max_version",
                     "ca_ref", "cert_ref", "key_ref"))
        {
            switch (k)
            {
                case "ca_file": ca = File(value, k); break;
                case "cert_file": cert = File(value, k); break;
                case "key_file": key = File(value, k); break;
                case "server_name": serverName = r.String(value, k); break;
                case "insecure_skip_verify": insecure = r.Bool(value, k); break;
                case "min_version":
                    minVersion = r.String(value, k);
                    if (minVersion is not ("TLS10" or "TLS11" or "TLS12" or "TLS13")) throw r.Error(value, $"unknown TLS version: {minVersion}");
                    break;
                default: r.Unused(keyNode, "tls_config." + k); break;
            }
        }
        if (cert is not null && key is null) throw r.Error(node, "exactly one of key or key_file must be configured when a client certificate is configured");
        if (key is not null && cert is null) throw r.Error(node, "exactly one of cert or cert_file must be configured when a client key is configured");
        return new TlsConfig(ca, cert, key, serverName, insecure, minVersion);
    }

    private static Authorization ReadAuthorization(YamlNodeReader r, YamlNode node)
    {
        string type = "Bearer";
        string? cred = null, file = null;
        foreach (var (key, _, value) in r.Entries(r.Mapping(node, "authorization"), "authorization", "type", "credentials", "credentials_file"))
        {
            switch (key)
            {
                case "type": type = r.String(value, key); break;
                case "credentials": cred = r.String(value, key); break;
                case "credentials_file": file = r.String(value, key); break;
            }
        }
        if (type.Equals("basic", StringComparison.OrdinalIgnoreCase))
            throw r.Error(node, "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
        if (cred is not null && file is not null) throw r.Error(node, "at most one of authorization credentials & credentials_file must be configured");
        return new Authorization(type, cred, file);
    }

    public static StaticConfig ReadStaticConfig(YamlNodeReader r, YamlNode node)
    {
        IReadOnlyList<string> targets = [];
        IReadOnlyDictionary<string, string> labels = new Dictionary<string, string>();
        foreach (var (key, _, value) in r.Entries(r.Mapping(node, "static_config"), "static_config", "targets", "labels"))
        {
            if (key == "targets")
            {
                targets = r.StringList(value, "targets");
                foreach (var (t, n) in targets.Zip(r.Sequence(value, "targets").Children))
                    if (t.Length == 0 || t.Contains('/')) throw r.Error(n, $"\"{t}\" is not a valid hostname");
            }
            else
            {
                labels = r.StringMap(value, "labels");
                foreach (var name in labels.Keys)
                    if (!LegacyNames.IsLabelName(name)) throw r.Error(value, $"\"{name}\" is not a valid label name");
            }
        }
        return new StaticConfig(targets, labels);
    }

    private static FileSdConfig ReadFileSd(YamlNodeReader r, YamlNode node)
    {
        IReadOnlyList<string> files = [];
        var refresh = TimeSpan.FromMinutes(5);
        foreach (var (key, _, value) in r.Entries(r.Mapping(node, "file_sd_config"), "file_sd_config", "files", "refresh_interval"))
        {
            if (key == "files")
            {
                files = r.StringList(value, "files");
                foreach (var (f, n) in files.Zip(r.Sequence(value, "files").Children))
                {
                    var ext = Path.GetExtension(f);
                    if (ext is not (".json" or ".yml" or ".yaml"))
                        throw r.Error(n, $"invalid file extension for file \"{f}\": must be .json, .yml or .yaml");
                }
            }
            else refresh = Positive(r, value, "refresh_interval");
        }
        return new FileSdConfig(files, refresh);
    }

    private static IReadOnlyList<RelabelConfig> ReadRelabelConfigs(YamlNodeReader r, YamlNode node) =>
        r.Sequence(node, "relabel_configs").Children.Select(n => ReadRelabelConfig(r, n)).ToList();

    private static RelabelConfig ReadRelabelConfig(YamlNodeReader r, YamlNode node)
    {
        var rc = new RelabelConfig();
        bool hasRegex = false, hasReplacement = false;
        foreach (var (key, _, value) in r.Entries(r.Mapping(node, "relabel_config"), "relabel_config",
                     "source_labels", "separator", "regex", "modulus", "target_label", "replacement", "action"))
        {
            switch (key)
            {
                case "source_labels": rc = rc with { SourceLabels = r.StringList(value, key) }; break;
                case "separator": rc = rc with { Separator = r.String(value, key) }; break;
                case "regex":
                    var re = r.String(value, key);
                    try { _ = GoRegex.Anchored(re); }
                    catch (ArgumentException ex) { throw r.Error(value, $"invalid regular expression \"{re}\": {ex.Message}"); }
                    rc = rc with { Regex = re };
                    hasRegex = true;
                    break;
                case "modulus": rc = rc with { Modulus = (ulong)r.Long(value, key, 0) }; break;
                case "target_label": rc = rc with { TargetLabel = r.String(value, key) }; break;
                case "replacement": rc = rc with { Replacement = r.String(value, key) }; hasReplacement = true; break;
                case "action":
                    var a = r.String(value, key).ToLowerInvariant();
                    rc = rc with
                    {
                        Action = a switch
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
                            _ => throw r.Error(value, $"unknown relabel action \"{a}\""),
                        },
                    };
                    break;
            }
        }
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

    private static AlertingConfig ReadAlerting(YamlNodeReader r, YamlNode node)
    {
        var ams = new List<AlertmanagerConfig>();
        IReadOnlyList<RelabelConfig> alertRelabel = [];
        foreach (var (key, _, value) in r.Entries(r.Mapping(node, "alerting"), "alerting", "alertmanagers", "alert_relabel_configs"))
        {
            if (key == "alert_relabel_configs") { alertRelabel = ReadRelabelConfigs(r, value); continue; }
            foreach (var amNode in r.Sequence(value, "alertmanagers").Children)
            {
                var am = new AlertmanagerConfig();
                foreach (var (k, kNode, v) in r.Entries(r.Mapping(amNode, "alertmanager config"), "alertmanager config",
                             "scheme", "path_prefix", "timeout", "api_version", "static_configs", "basic_auth", "authorization",
                             "relabel_configs", "follow_redirects", "enable_http2"))
                {
                    am = k switch
                    {
                        "scheme" => am with { Scheme = Scheme(r, v) },
                        "path_prefix" => am with { PathPrefix = r.String(v, k) },
                        "timeout" => am with { Timeout = Positive(r, v, k) },
                        "api_version" => am with { ApiVersion = ApiVersion(r, v) },
                        "static_configs" => am with { StaticConfigs = r.Sequence(v, k).Children.Select(n => ReadStaticConfig(r, n)).ToList() },
                        "basic_auth" => am with { BasicAuth = ReadBasicAuth(r, v) },
                        "authorization" => am with { Authorization = ReadAuthorization(r, v) },
                        "relabel_configs" => am with { RelabelConfigs = ReadRelabelConfigs(r, v) },
                        _ => Unused(r, kNode, "alertmanagers." + k, am),
                    };
                }
                if (am.BasicAuth is not null && am.Authorization is not null)
                    throw r.Error(amNode, "at most one of basic_auth, oauth2 & authorization must be configured");
                ams.Add(am);
            }
        }
        return new AlertingConfig { Alertmanagers = ams, AlertRelabelConfigs = alertRelabel };
    }

    private static T Unused<T>(YamlNodeReader r, YamlNode keyNode, string key, T unchanged)
    {
        r.Unused(keyNode, key);
        return unchanged;
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

    private static MlobsSettings ReadMlobs(YamlNodeReader r, YamlNode node)
    {
        var s = new MlobsSettings();
        YamlNode? routerNode = null;
        foreach (var (key, _, value) in r.Entries(r.Mapping(node, "mlobs"), "mlobs settings",
                     "data_dir", "retention_time", "retention_size", "log_retention_time", "log_retention_size", "alertmanager_config",
                     "alertmanager_config_file", "dashboards_dir", "head_series_idle", "head_stale_series_idle"))
        {
            switch (key)
            {
                case "data_dir": s = s with { DataDir = r.String(value, key) }; break;
                case "dashboards_dir":
                {
                    var folder = r.String(value, key);
                    var baseDir = Path.GetDirectoryName(Path.GetFullPath(r.File)) ?? ".";
                    s = s with { DashboardsDir = Path.IsPathRooted(folder) ? folder : Path.Combine(baseDir, folder) };
                    break;
                }
                case "retention_time": s = s with { RetentionTime = Positive(r, value, key) }; break;
                case "retention_size": s = s with { RetentionBytes = ParseBytes(r, value, key) }; break;
                case "log_retention_time": s = s with { LogRetentionTime = Positive(r, value, key) }; break;
                case "log_retention_size": s = s with { LogRetentionBytes = ParseBytes(r, value, key) }; break;
                case "head_series_idle": s = s with { HeadSeriesIdle = Positive(r, value, key) }; break;
                case "head_stale_series_idle": s = s with { HeadStaleSeriesIdle = Positive(r, value, key) }; break;
                case "alertmanager_config":
                    routerNode = value;
                    s = s with { Router = AlertmanagerConfigParser.Parse(r, value) };
                    break;
                case "alertmanager_config_file":
                    if (routerNode is not null) throw r.Error(value, "at most one of alertmanager_config & alertmanager_config_file must be configured");
                    var file = r.String(value, key);
                    var dir = Path.GetDirectoryName(Path.GetFullPath(r.File)) ?? ".";
                    var path = Path.IsPathRooted(file) ? file : Path.Combine(dir, file);
                    if (!File.Exists(path)) throw r.Error(value, $"alertmanager config file \"{file}\" not found");
                    s = s with { Router = AlertmanagerConfigParser.Load(path) };
                    break;
            }
        }
        return s;
    }

    /// <summary>Sizes as Prometheus's --storage.tsdb.retention.size: 512MB, 10GB, 1.5GiB (KB and KiB both 1024 bytes).</summary>
    private static long ParseBytes(YamlNodeReader r, YamlNode node, string key)
    {
        var text = r.String(node, key).Trim();
        if (!ByteSize.TryParse(text, out long bytes, out _) || bytes < 0)
            throw r.Error(node, $"{key}: invalid size \"{text}\" (use e.g. 512MB or 10GB)");
        return bytes;
    }

}
