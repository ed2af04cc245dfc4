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
    private static readonly string[] GroupFields = ["name", "interval", "query_offset", "limit", "labels", "rules", "query_language"];
    private static readonly string[] RuleFields = ["record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"];

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
        if (groupsNode is null)
        {
            foreach (var (key, _, value) in r.Entries(rootMap, "rule file", "groups"))
                if (key == "groups") groupsNode = value;
        }
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
        foreach (var (key, _, value) in r.Entries(r.Mapping(spec, "spec"), "spec", "groups", "partial_response_strategy"))
            if (key == "groups") return value;
        return null;
    }

    private static RuleGroupSpec ReadGroup(YamlNodeReader r, YamlNode node, List<RuleFileError> errors)
    {
        string name = "";
        TimeSpan? interval = null, queryOffset = null;
        int limit = 0;
        IReadOnlyDictionary<string, string> labels = new Dictionary<string, string>();
        var rules = new List<RuleSpec>();
        var language = RuleQueryLanguage.PromQl;
        YamlNode? rulesNode = null;
        foreach (var (key, _, value) in r.Entries(r.Mapping(node, "group"), "group", GroupFields))
        {
            switch (key)
            {
                case "name": name = r.String(value, "name"); break;
                case "interval": interval = r.Duration(value, "interval"); break;
                case "query_offset": queryOffset = r.Duration(value, "query_offset"); break;
                case "limit": limit = (int)r.Long(value, "limit", 0); break;
                case "labels": labels = r.StringMap(value, "labels"); break;
                case "rules": rulesNode = value; break;
                case "query_language":
                    language = r.String(value, "query_language") switch
                    {
                        "promql" => RuleQueryLanguage.PromQl,
                        "logql" => RuleQueryLanguage.LogQl,
                        var other => throw r.Error(value, $"query_language: unknown language \"{other}\" (promql or logql)"),
                    };
                    break;
            }
        }
        foreach (var (label, _) in labels)
            if (!LegacyNames.IsLabelName(label)) errors.Add(new(r.File, 0, 0, $"group \"{name}\": invalid label name: {label}"));
        if (rulesNode is not null)
        {
            int index = 0;
            foreach (var ruleNode in r.Sequence(rulesNode, "rules").Children)
            {
                index++;
                var rule = ReadRule(r, ruleNode, out var recordNode, out var alertNode, out var exprNode);
                Validate(r.File, name, index, rule, recordNode, alertNode, exprNode, language, errors);
                rules.Add(rule);
            }
        }
        return new RuleGroupSpec(name, r.File, interval, queryOffset, limit, labels, rules, language);
    }

    private static RuleSpec ReadRule(YamlNodeReader r, YamlNode node, out YamlNode? recordNode, out YamlNode? alertNode, out YamlNode? exprNode)
    {
        string? record = null, alert = null;
        string expr = "";
        TimeSpan forDuration = TimeSpan.Zero, keepFiringFor = TimeSpan.Zero;
        IReadOnlyDictionary<string, string> labels = new Dictionary<string, string>(), annotations = new Dictionary<string, string>();
        recordNode = alertNode = exprNode = null;
        foreach (var (key, _, value) in r.Entries(r.Mapping(node, "rule"), "rule", RuleFields))
        {
            switch (key)
            {
                case "record": record = r.String(value, "record"); recordNode = value; break;
                case "alert": alert = r.String(value, "alert"); alertNode = value; break;
                case "expr": expr = r.String(value, "expr"); exprNode = value; break;
                case "for": forDuration = r.Duration(value, "for"); break;
                case "keep_firing_for": keepFiringFor = r.Duration(value, "keep_firing_for"); break;
                case "labels": labels = r.StringMap(value, "labels"); break;
                case "annotations": annotations = r.StringMap(value, "annotations"); break;
            }
        }
        var at = recordNode ?? alertNode;
        return new RuleSpec(record, alert, expr, forDuration, keepFiringFor, labels, annotations,
            at?.Start.Line ?? 0, at?.Start.Column ?? 0);
    }

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
