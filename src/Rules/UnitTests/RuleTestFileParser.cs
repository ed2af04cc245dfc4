using Mlobs.Config.Yaml;
using YamlDotNet.RepresentationModel;

namespace Mlobs.Rules.UnitTests;

/// <summary>
/// Reads promtool unit-test files strictly (unknown fields are errors, as promtool's UnmarshalStrict makes them),
/// with file:line:col positions. Rule file paths are resolved against the test file's directory and globbed.
/// </summary>
public static class RuleTestFileParser
{
    private static readonly TimeSpan DefaultEvaluationInterval = TimeSpan.FromMinutes(1);

    public static RuleTestFile Load(string path) => Parse(path, File.ReadAllText(path));

    /// <summary>The file's top level while it is read.</summary>
    private sealed record FileDraft
    {
        public IReadOnlyList<string> RuleFiles { get; init; } = [];
        public TimeSpan Interval { get; init; }
        public IReadOnlyList<string> GroupEvalOrder { get; init; } = [];
        public IReadOnlyList<RuleTestGroup> Tests { get; init; } = [];
        public bool FuzzyCompare { get; init; }
    }

    private static readonly KeyTable<FileDraft> FileKeys = new()
    {
        { "rule_files", (r, v, f) => f with { RuleFiles = r.StringList(v, "rule_files") } },
        { "evaluation_interval", (r, v, f) => f with { Interval = r.Duration(v, "evaluation_interval") } },
        { "group_eval_order", (r, v, f) => f with { GroupEvalOrder = r.StringList(v, "group_eval_order") } },
        { "tests", (r, v, f) => f with { Tests = r.Sequence(v, "tests").Children.Select(t => ReadGroup(r, t)).ToList() } },
        { "fuzzy_compare", (r, v, f) => f with { FuzzyCompare = r.Bool(v, "fuzzy_compare") } },
    };

    public static RuleTestFile Parse(string path, string text)
    {
        var r = new YamlNodeReader(path) { ExpandEnvironment = false };
        var root = r.LoadDocument(text);
        var f = root is null || YamlNodeReader.IsNull(root) ? new FileDraft() : FileKeys.Read(r, root, "test file", new FileDraft());
        var interval = f.Interval == TimeSpan.Zero ? DefaultEvaluationInterval : f.Interval;
        // A test group without its own interval uses the file's evaluation interval (as promtool 3 does).
        var tests = f.Tests.Select(t => t.Interval == TimeSpan.Zero ? t with { Interval = interval } : t).ToList();
        // As promtool: rule files are relative to the test file's directory, kept relative for messages.
        var dir = Path.GetDirectoryName(path) ?? "";
        var resolved = f.RuleFiles.SelectMany(file => Glob(dir, file)).ToList();
        return new RuleTestFile(path, resolved, interval, f.GroupEvalOrder, tests) { FuzzyCompare = f.FuzzyCompare };
    }

    /// <summary>A rule_files entry: relative to the test file; a glob (in the file name) expands, sorted.</summary>
    private static IEnumerable<string> Glob(string dir, string pattern)
    {
        var full = Path.IsPathRooted(pattern) || dir.Length == 0 ? pattern : Path.Combine(dir, pattern);
        var name = Path.GetFileName(full);
        if (name.IndexOfAny(['*', '?', '[']) < 0) return [full];
        var folder = Path.GetDirectoryName(full) is { Length: > 0 } f ? f : ".";
        if (!Directory.Exists(folder)) return [];
        return Directory.GetFiles(folder, name).Order(StringComparer.Ordinal);
    }

    private static readonly KeyTable<RuleTestGroup> GroupKeys = new()
    {
        { "name", (r, v, g) => g with { Name = r.String(v, "name") } },
        { "interval", (r, v, g) => g with { Interval = r.Duration(v, "interval") } },
        { "external_labels", (r, v, g) => g with { ExternalLabels = r.StringMap(v, "external_labels") } },
        { "external_url", (r, v, g) => g with { ExternalUrl = r.String(v, "external_url") } },
        { "input_series", (r, v, g) => g with { InputSeries = Items(r, v, "input_series").Select(s => ReadInputSeries(r, s)).ToList() } },
        { "input_logs", (r, v, g) => g with { InputLogs = Items(r, v, "input_logs").Select(s => ReadInputLogs(r, s)).ToList() } },
        { "alert_rule_test", (r, v, g) => g with { AlertRuleTests = Items(r, v, "alert_rule_test").Select(a => ReadAlertTest(r, a)).ToList() } },
        { "promql_expr_test", (r, v, g) => g with { PromQlExprTests = Items(r, v, "promql_expr_test").Select(p => ReadExprTest(r, p)).ToList() } },
    };

    private static RuleTestGroup ReadGroup(YamlNodeReader r, YamlNode node)
    {
        var empty = new RuleTestGroup("", TimeSpan.Zero, [], [], [], new Dictionary<string, string>(), "");
        return YamlNodeReader.IsNull(node) ? empty : GroupKeys.Read(r, node, "test group", empty);
    }

    private static readonly KeyTable<InputSeries> SeriesKeys = new()
    {
        { "series", (r, v, s) => s with { Series = r.String(v, "series") } },
        { "values", (r, v, s) => s with { Values = r.String(v, "values") } },
    };

    private static InputSeries ReadInputSeries(YamlNodeReader r, YamlNode node) =>
        SeriesKeys.Read(r, node, "series", new InputSeries("", "", node.Start.Line));

    private static readonly KeyTable<InputLogStream> InputLogKeys = new()
    {
        { "stream", (r, v, s) => s with { Stream = r.String(v, "stream") } },
        { "lines", (r, v, s) => s with { Lines = Items(r, v, "lines").Select(item => ReadLogLine(r, item)).ToList() } },
    };

    /// <summary><c>{stream: '{service="api"}', lines: [{at: 30s, line: "...", count: 7, every: 10s}]}</c>.</summary>
    private static InputLogStream ReadInputLogs(YamlNodeReader r, YamlNode node)
    {
        var stream = InputLogKeys.Read(r, node, "input logs", new InputLogStream("", [], node.Start.Line));
        if (stream.Stream.Length == 0) throw r.Error(node, "input logs: field 'stream' must be set");
        return stream;
    }

    private static readonly KeyTable<InputLogLine> LogLineKeys = new()
    {
        { "at", (r, v, l) => l with { At = r.Duration(v, "at") } },
        { "line", (r, v, l) => l with { Text = r.String(v, "line") } },
        { "count", (r, v, l) => l with { Count = (int)r.Long(v, "count", 1) } },
        { "every", (r, v, l) => l with { Every = r.Duration(v, "every") } },
    };

    private static InputLogLine ReadLogLine(YamlNodeReader r, YamlNode node)
    {
        // The text is null until set: an empty line is a line, a missing one an error.
        var line = LogLineKeys.Read(r, node, "log line", new InputLogLine(TimeSpan.Zero, null!, 1, null));
        if (line.Text is null) throw r.Error(node, "log line: field 'line' must be set");
        return line;
    }

    private static IEnumerable<YamlNode> Items(YamlNodeReader r, YamlNode node, string what) =>
        YamlNodeReader.IsNull(node) ? [] : r.Sequence(node, what).Children;

    private static readonly KeyTable<AlertTestCase> AlertTestKeys = new()
    {
        { "eval_time", (r, v, a) => a with { EvalTime = r.Duration(v, "eval_time") } },
        { "alertname", (r, v, a) => a with { AlertName = r.String(v, "alertname") } },
        { "exp_alerts", (r, v, a) => a with { ExpAlerts = Items(r, v, "exp_alerts").Select(e => ReadExpectedAlert(r, e)).ToList() } },
    };

    private static AlertTestCase ReadAlertTest(YamlNodeReader r, YamlNode node) =>
        AlertTestKeys.Read(r, node, "alert test", new AlertTestCase(TimeSpan.Zero, "", []));

    private static readonly KeyTable<ExpectedAlert> ExpectedAlertKeys = new()
    {
        { "exp_labels", (r, v, a) => a with { Labels = r.StringMap(v, "exp_labels") } },
        { "exp_annotations", (r, v, a) => a with { Annotations = r.StringMap(v, "exp_annotations") } },
    };

    private static ExpectedAlert ReadExpectedAlert(YamlNodeReader r, YamlNode node)
    {
        var empty = new ExpectedAlert(new Dictionary<string, string>(), new Dictionary<string, string>());
        return YamlNodeReader.IsNull(node) ? empty : ExpectedAlertKeys.Read(r, node, "expected alert", empty);
    }

    private static readonly KeyTable<ExpectedSample> ExpectedSampleKeys = new()
    {
        { "labels", (r, v, s) => s with { Labels = r.String(v, "labels") } },
        { "histogram", (r, v, s) => s with { Histogram = r.String(v, "histogram") } },
        {
            "value", (r, v, s) =>
            {
                var text = r.String(v, "value");
                if (!Mlobs.Query.PromQl.Parser.Literals.TryParseNumber(text, out double value))
                    throw r.Error(v, $"cannot unmarshal !!str `{text}` into float64");
                return s with { Value = value };
            }
        },
    };

    private static readonly KeyTable<PromQlTestCase> ExprTestKeys = new()
    {
        { "expr", (r, v, t) => t with { Expr = r.String(v, "expr") } },
        { "eval_time", (r, v, t) => t with { EvalTime = r.Duration(v, "eval_time") } },
        { "exp_samples", (r, v, t) => t with { ExpSamples = Items(r, v, "exp_samples").Select(s => ExpectedSampleKeys.Read(r, s, "expected sample", new ExpectedSample("", 0, ""))).ToList() } },
    };

    private static PromQlTestCase ReadExprTest(YamlNodeReader r, YamlNode node) =>
        ExprTestKeys.Read(r, node, "promql test", new PromQlTestCase("", TimeSpan.Zero, []));

}
