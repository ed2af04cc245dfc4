using Mlobs.Config.Yaml;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Parser;
using Mlobs.Rules.Templates;
using YamlDotNet.RepresentationModel;

namespace Mlobs.Rules.RuleFiles;

/// <summary>What a rule file holds: its groups, and every problem found validating them.</summary>
public sealed record RuleFile(string Path, IReadOnlyList<RuleGroupSpec> Groups, IReadOnlyList<RuleFileError> Errors)
{
    public int RuleCount => Groups.Sum(g => g.Rules.Count);
}

/// <summary>
/// Reads Prometheus rule files (<c>groups:</c>) and Kubernetes PrometheusRule manifests (<c>spec.groups</c>) and
/// validates them as Prometheus's rulefmt does. Structure errors (unknown fields, wrong types, bad YAML) throw a
/// <see cref="ConfigException"/> with the position; rule-level problems are all collected, with promtool's texts.
/// </summary>
public static class RuleFileParser
{
    private static readonly KeyTable<YamlNode?> RootKeys = new() { { "groups", (r, v, _) => v } };

    private static readonly KeyTable<YamlNode?> SpecKeys = new()
    {
        { "groups", (r, v, _) => v },
        // Thanos's field for query-time partial responses: meaningless for a single server, which has no partial answers.
        { "partial_response_strategy", (r, v, groups) => groups },
    };

    public static RuleFile Load(string path) => Parse(path, File.ReadAllText(path));

    public static RuleFile Parse(string file, string text)
    {
        var r = new YamlNodeReader(file) { ExpandEnvironment = false };
        var root = r.LoadDocument(text);
        var groups = new List<RuleGroupSpec>();
        var errors = new List<RuleFileError>();
        if (root is null || YamlNodeReader.IsNull(root)) return new RuleFile(file, groups, errors);

        var rootMap = r.Mapping(root, "rule file");
        YamlNode? groupsNode = IsPrometheusRule(rootMap) ? ManifestGroups(r, rootMap) : null;
        groupsNode ??= RootKeys.Read(r, rootMap, "rule file", null);
        if (groupsNode is null) return new RuleFile(file, groups, errors);

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var groupNode in r.Sequence(groupsNode, "groups").Children)
        {
            var group = ReadGroup(r, groupNode, errors);
            if (group.Name.Length == 0) errors.Add(At(file, groupNode, "Groupname must not be empty"));
            else if (!names.Add(group.Name)) errors.Add(At(file, groupNode, $"groupname: \"{group.Name}\" is repeated in the same file"));
            groups.Add(group);
        }
        return new RuleFile(file, groups, errors);
    }

    private static bool IsPrometheusRule(YamlMappingNode root) =>
        root.Children.TryGetValue(new YamlScalarNode("kind"), out var kind) && kind is YamlScalarNode { Value: "PrometheusRule" };

    /// <summary>A PrometheusRule manifest: only <c>spec.groups</c> matters; metadata and the rest are accepted as they are.</summary>
    private static YamlNode? ManifestGroups(YamlNodeReader r, YamlMappingNode root)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode("spec"), out var spec)) return null;
        return SpecKeys.Read(r, spec, "spec", null);
    }

    /// <summary>A group while it is read; its rules are read once the whole group (and so its language) is known.</summary>
    private sealed record GroupDraft
    {
        public string Name { get; init; } = "";
        public TimeSpan? Interval { get; init; }
        public TimeSpan? QueryOffset { get; init; }
        public int Limit { get; init; }
        public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
        public YamlNode? RulesNode { get; init; }
        public RuleQueryLanguage Language { get; init; } = RuleQueryLanguage.PromQl;
    }

    private static readonly KeyTable<GroupDraft> GroupKeys = new()
    {
        { "name", (r, v, g) => g with { Name = r.String(v, "name") } },
        { "interval", (r, v, g) => g with { Interval = r.Duration(v, "interval") } },
        { "query_offset", (r, v, g) => g with { QueryOffset = r.Duration(v, "query_offset") } },
        { "limit", (r, v, g) => g with { Limit = (int)r.Long(v, "limit", 0) } },
        { "labels", (r, v, g) => g with { Labels = r.StringMap(v, "labels") } },
        { "rules", (r, v, g) => g with { RulesNode = v } },
        {
            "query_language", (r, v, g) => g with
            {
                Language = r.String(v, "query_language") switch
                {
                    "promql" => RuleQueryLanguage.PromQl,
                    "logql" => RuleQueryLanguage.LogQl,
                    var other => throw r.Error(v, $"query_language: unknown language \"{other}\" (promql or logql)"),
                },
            }
        },
    };

    private static RuleGroupSpec ReadGroup(YamlNodeReader r, YamlNode node, List<RuleFileError> errors)
    {
        var g = GroupKeys.Read(r, node, "group", new GroupDraft());
        foreach (var (label, _) in g.Labels)
            if (!LegacyNames.IsLabelName(label)) errors.Add(new(r.File, 0, 0, $"group \"{g.Name}\": invalid label name: {label}"));
        var rules = new List<RuleSpec>();
        if (g.RulesNode is not null)
        {
            int index = 0;
            foreach (var ruleNode in r.Sequence(g.RulesNode, "rules").Children)
            {
                index++;
                var rule = RuleKeys.Read(r, ruleNode, "rule", new RuleDraft());
                var spec = rule.ToSpec();
                Validate(r.File, g.Name, index, spec, rule.RecordNode, rule.AlertNode, rule.ExprNode, g.Language, errors);
                rules.Add(spec);
            }
        }
        return new RuleGroupSpec(g.Name, r.File, g.Interval, g.QueryOffset, g.Limit, g.Labels, rules, g.Language);
    }

    /// <summary>A rule while it is read, with the nodes its problems are reported at.</summary>
    private sealed record RuleDraft
    {
        public string? Record { get; init; }
        public YamlNode? RecordNode { get; init; }
        public string? Alert { get; init; }
        public YamlNode? AlertNode { get; init; }
        public string Expr { get; init; } = "";
        public YamlNode? ExprNode { get; init; }
        public TimeSpan For { get; init; }
        public TimeSpan KeepFiringFor { get; init; }
        public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
        public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

        public RuleSpec ToSpec()
        {
            var at = RecordNode ?? AlertNode;
            return new RuleSpec(Record, Alert, Expr, For, KeepFiringFor, Labels, Annotations, at?.Start.Line ?? 0, at?.Start.Column ?? 0);
        }
    }

    private static readonly KeyTable<RuleDraft> RuleKeys = new()
    {
        { "record", (r, v, d) => d with { Record = r.String(v, "record"), RecordNode = v } },
        { "alert", (r, v, d) => d with { Alert = r.String(v, "alert"), AlertNode = v } },
        { "expr", (r, v, d) => d with { Expr = r.String(v, "expr"), ExprNode = v } },
        { "for", (r, v, d) => d with { For = r.Duration(v, "for") } },
        { "keep_firing_for", (r, v, d) => d with { KeepFiringFor = r.Duration(v, "keep_firing_for") } },
        { "labels", (r, v, d) => d with { Labels = r.StringMap(v, "labels") } },
        { "annotations", (r, v, d) => d with { Annotations = r.StringMap(v, "annotations") } },
    };

    /// <summary>rulefmt.RuleNode.Validate, plus the expression parse; messages as Prometheus words them.</summary>
    private static void Validate(string file, string group, int index, RuleSpec rule, YamlNode? recordNode, YamlNode? alertNode,
        YamlNode? exprNode, RuleQueryLanguage language, List<RuleFileError> errors)
    {
        string where = $"group \"{group}\", rule {index}, \"{rule.Name}\": ";
        void Add(YamlNode? node, string message, YamlNode? alt = null) =>
            errors.Add(new RuleFileError(file, node?.Start.Line ?? 0, node?.Start.Column ?? 0,
                (alt is null ? "" : $"{alt.Start.Line}:{alt.Start.Column}: ") + where + message));

        var nameNode = recordNode ?? alertNode;
        if (rule.Record is not null && rule.Alert is not null)
            Add(recordNode, "only one of 'record' and 'alert' must be set", alertNode);
        else if (rule.Record is null && rule.Alert is null)
            Add(null, "one of 'record' or 'alert' must be set");

        if (rule.Expr.Length == 0) Add(exprNode ?? nameNode, "field 'expr' must be set in rule");
        else if (language == RuleQueryLanguage.LogQl)
        {
            // Loki's ruler takes metric queries only: a log query has no value to record or compare.
            try
            {
                if (Query.LogQl.LogMetricParser.Parse(rule.Expr) is not Query.LogQl.LogMetricExpr)
                    Add(exprNode, "could not parse expression: a LogQL rule needs a metric query (e.g. count_over_time({...}[5m])), not a log query");
            }
            catch (Query.LogQl.LogQlParseException e) { Add(exprNode, "could not parse expression: " + e.Message); }
        }
        else
        {
            try { PromQlParser.Parse(rule.Expr); }
            catch (ParseException e) { Add(exprNode, "could not parse expression: " + e.Message); }
        }

        if (rule.Record is not null)
        {
            if (rule.Annotations.Count > 0) Add(recordNode, "invalid field 'annotations' in recording rule");
            if (rule.For != TimeSpan.Zero) Add(recordNode, "invalid field 'for' in recording rule");
            if (rule.KeepFiringFor != TimeSpan.Zero) Add(recordNode, "invalid field 'keep_firing_for' in recording rule");
            if (!LegacyNames.IsMetricName(rule.Record)) Add(recordNode, $"invalid recording rule name: {rule.Record}");
        }
        foreach (var (name, value) in rule.Labels)
        {
            if (!LegacyNames.IsLabelName(name)) Add(null, $"invalid label name: {name}");
            if (name == LabelSet.MetricName) Add(null, "invalid label name: __name__");
        }
        foreach (var (name, _) in rule.Annotations)
            if (!LegacyNames.IsLabelName(name)) Add(null, $"invalid annotation name: {name}");

        // rulefmt's testTemplateParsing: an alert's label and annotation templates must parse.
        if (rule.Alert is { Length: > 0 } alert)
        {
            foreach (var (name, text) in rule.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                if (TemplateExpander.ParseTestAlert(alert, text) is { } error) Add(null, $"label \"{name}\": {error}");
            foreach (var (name, text) in rule.Annotations.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                if (TemplateExpander.ParseTestAlert(alert, text) is { } error) Add(null, $"annotation \"{name}\": {error}");
        }
    }

    private static RuleFileError At(string file, YamlNode node, string message) =>
        new(file, node.Start.Line, node.Start.Column, message);
}
