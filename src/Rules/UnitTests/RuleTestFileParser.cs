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

    public static RuleTestFile Parse(string path, string text)
    {
        var r = new YamlNodeReader(path) { ExpandEnvironment = false };
        var root = r.LoadDocument(text);
        var ruleFiles = new List<string>();
        var order = new List<string>();
        var tests = new List<RuleTestGroup>();
        TimeSpan interval = TimeSpan.Zero;
        if (root is not null && !YamlNodeReader.IsNull(root))
        {
            foreach (var (key, _, value) in r.Entries(r.Mapping(root, "test file"), "test file",
                         "rule_files", "evaluation_interval", "group_eval_order", "tests", "fuzzy_compare"))
            {
                switch (key)
                {
                    case "rule_files": ruleFiles.AddRange(r.StringList(value, "rule_files")); break;
                    case "evaluation_interval": interval = r.Duration(value, "evaluation_interval"); break;
                    case "group_eval_order": order.AddRange(r.StringList(value, "group_eval_order")); break;
                    case "tests":
                        foreach (var t in r.Sequence(value, "tests").Children) tests.Add(ReadGroup(r, t));
                        break;
                }
            }
        }
        if (interval == TimeSpan.Zero) interval = DefaultEvaluationInterval;
        // A test group without its own interval uses the file's evaluation interval (as promtool 3 does).
        tests = tests.Select(t => t.Interval == TimeSpan.Zero ? t with { Interval = interval } : t).ToList();
        // As promtool: rule files are relative to the test file's directory, kept relative for messages.
        var dir = Path.GetDirectoryName(path) ?? "";
        var resolved = ruleFiles.SelectMany(f => Glob(dir, f)).ToList();
        return new RuleTestFile(path, resolved, interval, order, tests);
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

    private static RuleTestGroup ReadGroup(YamlNodeReader r, YamlNode node)
    {
        string name = "", externalUrl = "";
        TimeSpan interval = TimeSpan.Zero;
        var input = new List<InputSeries>();
        var alerts = new List<AlertTestCase>();
        var exprs = new List<PromQlTestCase>();
        var logs = new List<InputLogStream>();
        IReadOnlyDictionary<string, string> externalLabels = new Dictionary<string, string>();
        if (YamlNodeReader.IsNull(node)) return new RuleTestGroup(name, interval, input, alerts, exprs, externalLabels, externalUrl);
        foreach (var (key, _, value) in r.Entries(r.Mapping(node, "test group"), "test group",
                     "name", "interval", "input_series", "input_logs", "alert_rule_test", "promql_expr_test", "external_labels", "external_url"))
        {
            switch (key)
            {
                case "name": name = r.String(value, "name"); break;
                case "interval": interval = r.Duration(value, "interval"); break;
                case "external_labels": externalLabels = r.StringMap(value, "external_labels"); break;
                case "external_url": externalUrl = r.String(value, "external_url"); break;
                case "input_series":
                    foreach (var s in Items(r, value, "input_series"))
                    {
                        string series = "", values = "";
                        foreach (var (k, _, v) in r.Entries(r.Mapping(s, "series"), "series", "series", "values"))
                        {
                            if (k == "series") series = r.String(v, "series");
                            else values = r.String(v, "values");
                        }
                        input.Add(new InputSeries(series, values, s.Start.Line));
                    }
                    break;
                case "input_logs":
                    foreach (var s in Items(r, value, "input_logs")) logs.Add(ReadInputLogs(r, s));
                    break;
                case "alert_rule_test":
                    foreach (var a in Items(r, value, "alert_rule_test")) alerts.Add(ReadAlertTest(r, a));
                    break;
                case "promql_expr_test":
                    foreach (var p in Items(r, value, "promql_expr_test")) exprs.Add(ReadExprTest(r, p));
                    break;
            }
        }
        return new RuleTestGroup(name, interval, input, alerts, exprs, externalLabels, externalUrl) { InputLogs = logs };
    }

    /// <summary><c>{stream: '{service="api"}', lines: [{at: 30s, line: "...", count: 7, every: 10s}]}</c>.</summary>
    private static InputLogStream ReadInputLogs(YamlNodeReader r, YamlNode node)
    {
        string stream = "";
        var lines = new List<InputLogLine>();
        foreach (var (key, _, value) in r.Entries(r.Mapping(node, "input logs"), "input logs", "stream", "lines"))
        {
            if (key == "stream") { stream = r.String(value, "stream"); continue; }
            foreach (var item in Items(r, value, "lines"))
            {
                TimeSpan at = TimeSpan.Zero;
                TimeSpan? every = null;
                string? text = null;
                int count = 1;
                foreach (var (k, _, v) in r.Entries(r.Mapping(item, "log line"), "log line", "at", "line", "count", "every"))
                {
                    switch (k)
                    {
                        case "at": at = r.Duration(v, "at"); break;
                        case "line": text = r.String(v, "line"); break;
                        case "count": count = (int)r.Long(v, "count", 1); break;
                        case "every": every = r.Duration(v, "every"); break;
                    }
                }
                if (text is null) throw r.Error(item, "log line: field 'line' must be set");
                lines.Add(new InputLogLine(at, text, count, every));
            }
        }
        if (stream.Length == 0) throw r.Error(node, "input logs: field 'stream' must be set");
        return new InputLogStream(stream, lines, node.Start.Line);
    }

    private static IEnumerable<YamlNode> Items(YamlNodeReader r, YamlNode node, string what) =>
        YamlNodeReader.IsNull(node) ? [] : r.Sequence(node, what).Children;

    private static AlertTestCase ReadAlertTest(YamlNodeReader r, YamlNode node)
    {
        TimeSpan evalTime = TimeSpan.Zero;
        string alertName = "";
        var expected = new List<ExpectedAlert>();
        foreach (var (key, _, value) in r.Entries(r.Mapping(node, "alert test"), "alert test", "eval_time", "alertname", "exp_alerts"))
        {
            switch (key)
            {
                case "eval_time": evalTime = r.Duration(value, "eval_time"); break;
                case "alertname": alertName = r.String(value, "alertname"); break;
                case "exp_alerts":
                    foreach (var a in Items(r, value, "exp_alerts"))
                    {
                        IReadOnlyDictionary<string, string> labels = new Dictionary<string, string>(), annotations = new Dictionary<string, string>();
                        if (!YamlNodeReader.IsNull(a))
                            foreach (var (k, _, v) in r.Entries(r.Mapping(a, "expected alert"), "expected alert", "exp_labels", "exp_annotations"))
                            {
                                if (k == "exp_labels") labels = r.StringMap(v, "exp_labels");
                                else annotations = r.StringMap(v, "exp_annotations");
                            }
                        expected.Add(new ExpectedAlert(labels, annotations));
                    }
                    break;
            }
        }
        return new AlertTestCase(evalTime, alertName, expected);
    }

    private static PromQlTestCase ReadExprTest(YamlNodeReader r, YamlNode node)
    {
        string expr = "";
        TimeSpan evalTime = TimeSpan.Zero;
        var samples = new List<ExpectedSample>();
        foreach (var (key, _, value) in r.Entries(r.Mapping(node, "promql test"), "promql test", "expr", "eval_time", "exp_samples"))
        {
            switch (key)
            {
                case "expr": expr = r.String(value, "expr"); break;
                case "eval_time": evalTime = r.Duration(value, "eval_time"); break;
                case "exp_samples":
                    foreach (var s in Items(r, value, "exp_samples"))
                    {
                        string labels = "", histogram = "";
                        double v = 0;
                        foreach (var (k, _, x) in r.Entries(r.Mapping(s, "expected sample"), "expected sample", "labels", "value", "histogram"))
                        {
                            switch (k)
                            {
                                case "labels": labels = r.String(x, "labels"); break;
                                case "histogram": histogram = r.String(x, "histogram"); break;
                                case "value":
                                    var text = r.String(x, "value");
                                    if (!Mlobs.Query.PromQl.Parser.Literals.TryParseNumber(text, out v))
                                        throw r.Error(x, $"cannot unmarshal !!str `{text}` into float64");
                                    break;
                            }
                        }
                        samples.Add(new ExpectedSample(labels, v, histogram));
                    }
                    break;
            }
        }
        return new PromQlTestCase(expr, evalTime, samples);
    }
}
