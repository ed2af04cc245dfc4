using System.Globalization;
using System.Text.RegularExpressions;
using Mlobs.Config.Yaml;
using YamlDotNet.RepresentationModel;

namespace Mlobs.Config.Statsd;

/// <summary>
/// Reads statsd_exporter's mapping file format unchanged (pkg/mapper): <c>defaults</c> and <c>mappings</c> with the
/// same keys and checks, errors as <c>file:line:col: message</c>. Native-histogram options are accepted and warned
/// (mlobs stores classic histograms).
/// </summary>
public static partial class StatsdMappingParser
{
    [GeneratedRegex(@"^(\*|[a-zA-Z_][a-zA-Z0-9_\-]*)(\.\*|\.[a-zA-Z0-9_][a-zA-Z0-9_\-]*)*$")]
    private static partial Regex GlobLine();

    [GeneratedRegex(@"^([a-zA-Z_]|\$\{?\d+\}?)([a-zA-Z0-9_]|\$\{?\d+\}?)*$")]
    private static partial Regex MetricNameTemplate();

    [GeneratedRegex(@"^[a-zA-Z_][a-zA-Z0-9_]+$")]
    private static partial Regex LabelName();

    public static StatsdMappingConfig Load(string path)
    {
        var r = new YamlNodeReader(path) { ExpandEnvironment = false };
        var root = r.LoadDocument(File.ReadAllText(path));
        var config = root is null || YamlNodeReader.IsNull(root) ? new StatsdMappingConfig() : Parse(r, root);
        return config with { SourcePath = path };
    }

    public static StatsdMappingConfig Parse(YamlNodeReader r, YamlNode root)
    {
        var top = TopKeys.Read(r, root, "mapping config", new Top());
        var defaults = top.Defaults;
        var mappings = new List<StatsdMapping>();
        foreach (var node in top.MappingNodes)
        {
            var m = MappingKeys.Read(r, node, "mapping", new Draft { Line = (int)node.Start.Line });
            if (m.Match is null) throw r.Error(node, "mapping has no match");
            var matchType = m.MatchType ?? defaults.MatchType;
            if (m.Name.Length == 0 && !m.Drop) throw r.Error(node, $"line {mappings.Count}: metric mapping didn't set a metric name");
            if (m.Name.Length > 0 && !MetricNameTemplate().IsMatch(m.Name))
                throw r.Error(m.NameNode!, $"metric name '{m.Name}' doesn't match regex '{MetricNameTemplate()}'");
            if (matchType == StatsdMatchType.Glob && !GlobLine().IsMatch(m.Match)) throw r.Error(m.MatchNode!, $"invalid match: {m.Match}");
            if (matchType == StatsdMatchType.Regex)
            {
                try { _ = new Regex(m.Match.Replace("(?P<", "(?<", StringComparison.Ordinal), RegexOptions.CultureInvariant); }
                catch (ArgumentException ex) { throw r.Error(m.MatchNode!, $"invalid regex {m.Match} in mapping: {ex.Message}"); }
            }
            var observer = m.ObserverType ?? defaults.ObserverType;
            if (observer == StatsdObserverType.Histogram && m.Summary is not null)
                throw r.Error(node, "cannot use histogram observer and summary options at the same time");
            if (observer == StatsdObserverType.Summary && m.Buckets is not null && m.ObserverType is not null)
                throw r.Error(node, "cannot use summary observer and histogram options at the same time");
            mappings.Add(new StatsdMapping
            {
                Match = m.Match, MatchType = matchType, MatchMetricType = m.MatchMetricType, Name = m.Name, Labels = m.Labels,
                HonorLabels = m.HonorLabels, Help = m.Help, Drop = m.Drop, ObserverType = observer,
                HistogramBuckets = m.Buckets ?? defaults.HistogramBuckets,
                Summary = m.Summary is { } s ? Merge(s, defaults.Summary) : defaults.Summary,
                Ttl = m.Ttl ?? defaults.Ttl, Scale = m.Scale, Line = m.Line,
            });
        }
        return new StatsdMappingConfig { Defaults = defaults, Mappings = mappings };
    }

    private static SummaryOptions Merge(SummaryDraft s, SummaryOptions d) => new()
    {
        Quantiles = s.Quantiles ?? d.Quantiles, MaxAge = s.MaxAge ?? d.MaxAge, AgeBuckets = s.AgeBuckets ?? d.AgeBuckets, BufCap = s.BufCap ?? d.BufCap,
    };

    private sealed record Top
    {
        public StatsdMappingDefaults Defaults { get; init; } = new();
        public IReadOnlyList<YamlNode> MappingNodes { get; init; } = [];
    }

    private sealed record Draft
    {
        public string? Match { get; init; }
        public YamlNode? MatchNode { get; init; }
        public StatsdMatchType? MatchType { get; init; }
        public string? MatchMetricType { get; init; }
        public string Name { get; init; } = "";
        public YamlNode? NameNode { get; init; }
        public IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; } = [];
        public bool HonorLabels { get; init; }
        public string Help { get; init; } = "";
        public bool Drop { get; init; }
        public StatsdObserverType? ObserverType { get; init; }
        public IReadOnlyList<double>? Buckets { get; init; }
        public SummaryDraft? Summary { get; init; }
        public TimeSpan? Ttl { get; init; }
        public double? Scale { get; init; }
        public int Line { get; init; }
    }

    private sealed record SummaryDraft
    {
        public IReadOnlyList<SummaryObjective>? Quantiles { get; init; }
        public TimeSpan? MaxAge { get; init; }
        public int? AgeBuckets { get; init; }
        public int? BufCap { get; init; }
    }



    private sealed record HistogramDraft(IReadOnlyList<double>? Buckets = null);





    private static readonly KeyTable<SummaryObjective> ObjectiveKeys = new()
    {
        { "quantile", (r, v, o) => o with { Quantile = Float(r, v, "quantile") } },
        { "error", (r, v, o) => o with { Error = Float(r, v, "error") } },
    };

    private static readonly KeyTable<SummaryDraft> SummaryKeys = new("summary_options.")
    {
        {
            "quantiles", (r, v, s) => s with
            {
                Quantiles = [.. r.Sequence(v, "quantiles").Children.Select(n => ObjectiveKeys.Read(r, n, "quantile", new SummaryObjective(0, 0)))],
            }
        },
        { "max_age", (r, v, s) => s with { MaxAge = r.Duration(v, "max_age") } },
        { "age_buckets", (r, v, s) => s with { AgeBuckets = (int)r.Long(v, "age_buckets", 1) } },
        { "buf_cap", (r, v, s) => s with { BufCap = (int)r.Long(v, "buf_cap", 1) } },
    };

    private static readonly KeyTable<HistogramDraft> HistogramKeys = new("histogram_options.")
    {
        {
            "buckets", (r, v, h) =>
            {
                var buckets = r.Sequence(v, "buckets").Children.Select(n => Float(r, n, "buckets")).ToList();
                for (int i = 1; i < buckets.Count; i++)
                    if (buckets[i] <= buckets[i - 1]) throw r.Error(v, "histogram buckets must be in increasing order");
                return h with { Buckets = buckets };
            }
        },
        { "native_histogram_bucket_factor", "native_histogram_max_buckets" },
    };

    private static readonly KeyTable<StatsdMappingDefaults> DefaultKeys = new("defaults.")
    {
        { "observer_type", (r, v, d) => d with { ObserverType = Observer(r, v) ?? StatsdObserverType.Summary } },
        { "match_type", (r, v, d) => d with { MatchType = MatchTypeOf(r, v) ?? StatsdMatchType.Glob } },
        { "glob_disable_ordering", (r, v, d) => d with { GlobDisableOrdering = r.Bool(v, "glob_disable_ordering") } },
        { "ttl", (r, v, d) => d with { Ttl = r.Duration(v, "ttl") } },
        { "histogram_options", (r, v, d) => d with { HistogramBuckets = HistogramKeys.Read(r, v, "histogram_options", new HistogramDraft()).Buckets ?? StatsdMappingDefaults.DefaultBuckets } },
        { "summary_options", (r, v, d) => d with { Summary = Merge(SummaryKeys.Read(r, v, "summary_options", new SummaryDraft()), new SummaryOptions()) } },
    };

    private static readonly KeyTable<Draft> MappingKeys = new("mappings.")
    {
        { "match", (r, v, m) => m with { Match = r.String(v, "match"), MatchNode = v } },
        { "match_type", (r, v, m) => m with { MatchType = MatchTypeOf(r, v) } },
        {
            "match_metric_type", (r, v, m) => m with
            {
                MatchMetricType = r.String(v, "match_metric_type") switch
                {
                    "counter" or "gauge" or "observer" => r.String(v, "match_metric_type"),
                    "" => null,
                    var other => throw r.Error(v, $"invalid metric type '{other}'"),
                },
            }
        },
        { "name", (r, v, m) => m with { Name = r.String(v, "name"), NameNode = v } },
        {
            "labels", (r, v, m) =>
            {
                var labels = new List<KeyValuePair<string, string>>();
                foreach (var (key, keyNode, value) in r.Entries(r.Mapping(v, "labels"), "labels"))
                {
                    if (!LabelName().IsMatch(key)) throw r.Error(keyNode, $"invalid label key: {key}");
                    labels.Add(new(key, r.String(value, "labels." + key)));
                }
                return m with { Labels = labels };
            }
        },
        { "honor_labels", (r, v, m) => m with { HonorLabels = r.Bool(v, "honor_labels") } },
        { "help", (r, v, m) => m with { Help = r.String(v, "help") } },
        {
            "action", (r, v, m) => m with
            {
                Drop = r.String(v, "action") switch
                {
                    "map" or "" => false,
                    "drop" => true,
                    var other => throw r.Error(v, $"invalid action type '{other}'"),
                },
            }
        },
        { "observer_type", (r, v, m) => m with { ObserverType = Observer(r, v) } },
        { "timer_type", (r, v, m) => m with { ObserverType = Observer(r, v) } }, // statsd_exporter's old name for observer_type
        { "histogram_options", (r, v, m) => m with { Buckets = HistogramKeys.Read(r, v, "histogram_options", new HistogramDraft()).Buckets } },
        { "summary_options", (r, v, m) => m with { Summary = SummaryKeys.Read(r, v, "summary_options", new SummaryDraft()) } },
        { "ttl", (r, v, m) => m with { Ttl = r.Duration(v, "ttl") } },
        { "scale", (r, v, m) => m with { Scale = Float(r, v, "scale") } },
    };

    private static readonly KeyTable<Top> TopKeys = new()
    {
        { "defaults", (r, v, t) => t with { Defaults = DefaultKeys.Read(r, v, "defaults", new StatsdMappingDefaults()) } },
        { "mappings", (r, v, t) => t with { MappingNodes = [.. r.Sequence(v, "mappings").Children] } },
    };

    private static StatsdObserverType? Observer(YamlNodeReader r, YamlNode v) => r.String(v, "observer_type") switch
    {
        "summary" => StatsdObserverType.Summary,
        "histogram" => StatsdObserverType.Histogram,
        "" => null,
        var other => throw r.Error(v, $"invalid observer type '{other}'"),
    };

    private static StatsdMatchType? MatchTypeOf(YamlNodeReader r, YamlNode v) => r.String(v, "match_type") switch
    {
        "glob" => StatsdMatchType.Glob,
        "regex" => StatsdMatchType.Regex,
        "" => null,
        var other => throw r.Error(v, $"invalid match type '{other}'"),
    };

    private static double Float(YamlNodeReader r, YamlNode v, string what)
    {
        var text = r.String(v, what);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
            throw r.Error(v, $"{what}: cannot unmarshal \"{text}\" into a number");
        return d;
    }
}
