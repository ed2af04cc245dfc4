using System.Text;
using Mlobs.Config.Yaml;
using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Model.Strconv;
using Mlobs.Query.LogQl;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Query.PromQl.Parser;
using Mlobs.Rules.Evaluation;
using Mlobs.Rules.Templates;
using Mlobs.Storage.Tsdb;
using Mlobs.Templates;

namespace Mlobs.Rules.UnitTests;

/// <summary>What a unit-test file gave: promtool-worded failures, and the cases left out (native histograms).</summary>
public sealed record RuleTestResult(IReadOnlyList<string> Errors, IReadOnlyList<string> Skipped)
{
    public bool Passed => Errors.Count == 0;
}

/// <summary>
/// Runs promtool's rule unit tests (cmd/promtool/unittest.go) on a real TSDB in a temporary directory: input series
/// are loaded up to each evaluation time, every rule group is evaluated at 0, interval, 2·interval... up to the
/// largest eval_time, firing alerts are compared at their eval_time, and the PromQL checks run on the result.
/// Failures read as promtool prints them.
/// </summary>
public static class RuleTestRunner
{
    public static RuleTestResult Run(RuleTestFile file, CancellationToken ct = default)
    {
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < file.GroupEvalOrder.Count; i++)
            if (!order.TryAdd(file.GroupEvalOrder[i], i))
                return new RuleTestResult([$"group name repeated in evaluation order: {file.GroupEvalOrder[i]}"], []);
        var errors = new List<string>();
        var skipped = new List<string>();
        foreach (var group in file.Tests) errors.AddRange(RunGroup(file, group, order, skipped, ct));
        return new RuleTestResult(errors, skipped);
    }

    private static List<string> RunGroup(RuleTestFile file, RuleTestGroup tg, Dictionary<string, int> order, List<string> skipped, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("mlobs-ruletest-");
        try
        {
            using var db = TsdbDatabase.Open(new TsdbOptions { Directory = dir.FullName, RetentionTime = TimeSpan.FromDays(365 * 1000) });
            return RunGroup(file, tg, order, skipped, db, ct);
        }
        finally
        {
            try { dir.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private static List<string> RunGroup(RuleTestFile file, RuleTestGroup tg, Dictionary<string, int> order, List<string> skipped,
        TsdbDatabase db, CancellationToken ct)
    {
        string where = tg.Name.Length > 0 ? $" (in TestGroup {tg.Name})" : "";

        // Input series, as promtool's "load <interval>" would read them.
        var samples = new List<(LabelSet Labels, long T, double V)>();
        long step = (long)tg.Interval.TotalMilliseconds;
        foreach (var s in tg.InputSeries)
        {
            if (s.Values.Contains("{{", StringComparison.Ordinal))
            {
                skipped.Add($"input series {s.Series}{where}: native histogram values are not supported");
                continue;
            }
            try
            {
                var (labels, rest) = SeriesDescription.SplitLine(s.Series + " " + s.Values);
                long t = 0;
                foreach (var v in SeriesDescription.ExpandValues(rest))
                {
                    if (v is { } value) samples.Add((labels, t, value));
                    t += step;
                }
            }
            catch (Exception e) when (e is ParseException or FormatException)
            {
                return [e.Message];
            }
        }
        samples.Sort((a, b) => a.T.CompareTo(b.T));

        // Input log lines, for query_language: logql groups.
        var logLines = new List<Storage.Logs.LogEntry>();
        foreach (var stream in tg.InputLogs)
        {
            LabelSet labels;
            try { labels = SeriesDescription.ParseLabels(stream.Stream); }
            catch (ParseException e) { return [$"input_logs stream {GoBytes.Quote(stream.Stream)}{where}: {e.Message}"]; }
            foreach (var line in stream.Lines)
            {
                long every = (long)(line.Every ?? tg.Interval).TotalMilliseconds;
                for (int i = 0; i < line.Count; i++)
                    logLines.Add(new Storage.Logs.LogEntry(labels, ((long)line.At.TotalMilliseconds + i * every) * 1_000_000, line.Text));
            }
        }

        var engine = new QueryEngine(db, new EngineOptions { DefaultSubqueryStepMs = (long)file.EvaluationInterval.TotalMilliseconds });
        var rules = new RuleManager(db, EngineQueryFunc.Create(engine))
        {
            ExternalUrl = tg.ExternalUrl,
            LogQuery = LogQlQueryFunc.Create(new LogQlEngine(new MemoryLogs(logLines), engine)),
        };
        List<RuleGroup> groups;
        try
        {
            groups = rules.LoadGroups(file.RuleFiles, tg.Interval, tg.ExternalLabels)
                .Select((g, i) => (g, i)).OrderBy(x => order.GetValueOrDefault(x.g.Name, 0)).ThenBy(x => x.i).Select(x => x.g).ToList();
        }
        catch (RuleLoadException e) { return e.Errors.Select(x => x.ToString()).ToList(); }
        catch (ConfigException e) { return [e.Message]; }

        foreach (var a in tg.AlertRuleTests)
            if (a.AlertName.Length == 0)
                return [$"an item under alert_rule_test misses required attribute alertname at eval_time {PromDuration.Format(a.EvalTime)}{where}"];
        var alertTimes = tg.AlertRuleTests.Select(a => a.EvalTime).Distinct().Order().ToList();
        long maxT = Math.Max(
            tg.AlertRuleTests.Select(a => (long)a.EvalTime.TotalMilliseconds).DefaultIfEmpty(0).Max(),
            tg.PromQlExprTests.Select(p => (long)p.EvalTime.TotalMilliseconds).DefaultIfEmpty(0).Max());
        long interval = (long)file.EvaluationInterval.TotalMilliseconds;

        var errors = new List<string>();
        int next = 0, curr = 0;
        for (long ts = 0; ts <= maxT; ts += interval)
        {
            ct.ThrowIfCancellationRequested();
            // Samples up to this evaluation only, as promtool's lazy loader: rules never see later input.
            var app = db.Appender();
            for (; next < samples.Count && samples[next].T <= ts; next++)
            {
                ulong r = 0;
                app.Append(ref r, samples[next].Labels, samples[next].T, samples[next].V);
            }
            app.Commit();

            var evalErrors = new List<string>();
            foreach (var g in groups)
                g.Eval(ts, ct, (rule, ex) => evalErrors.Add($"    rule: {rule.Name}, time: {GoDurationValue.Format(ts * 1_000_000)}, err: {ex.Message}"));
            if (evalErrors.Count > 0)
            {
                errors.AddRange(evalErrors);
                return errors;
            }

            // Alert checks whose eval_time falls in [ts, ts + interval) compare with this evaluation.
            for (; curr < alertTimes.Count && ts <= (long)alertTimes[curr].TotalMilliseconds
                   && (long)alertTimes[curr].TotalMilliseconds < ts + interval; curr++)
                CheckAlerts(tg, groups, alertTimes[curr], errors);
        }

        foreach (var test in tg.PromQlExprTests) CheckExpression(tg, engine, test, file.FuzzyCompare, skipped, errors);
        return errors;
    }

    private sealed record AlertView(LabelSet Labels, LabelSet Annotations) : IComparable<AlertView>
    {
        public int CompareTo(AlertView? other)
        {
            int c = Labels.CompareTo(other!.Labels);
            return c != 0 ? c : Annotations.CompareTo(other.Annotations);
        }

        public override string ToString() => "Labels:" + ValueFormat.GoLabels(Labels) + "\nAnnotations:" + ValueFormat.GoLabels(Annotations);
    }

    private static void CheckAlerts(RuleTestGroup tg, List<RuleGroup> groups, TimeSpan evalTime, List<string> errors)
    {
        var tests = tg.AlertRuleTests.Where(a => a.EvalTime == evalTime).ToList();
        var names = tests.Select(t => t.AlertName).ToHashSet(StringComparer.Ordinal);
        var got = new Dictionary<string, List<AlertView>>(StringComparer.Ordinal);
        foreach (var rule in groups.SelectMany(g => g.Rules).OfType<AlertingRule>())
        {
            if (!names.Contains(rule.Name)) continue;
            if (!got.TryGetValue(rule.Name, out var list)) got[rule.Name] = list = [];
            list.AddRange(rule.ActiveAlerts().Where(a => a.State == AlertState.Firing)
                .Select(a => new AlertView(a.Labels, LabelSet.From(a.Annotations.Select(kv => new Label(kv.Key, kv.Value))))));
        }
        foreach (var test in tests)
        {
            var gotAlerts = got.GetValueOrDefault(test.AlertName) ?? [];
            var expAlerts = test.ExpAlerts.Select(a =>
            {
                var labels = new Dictionary<string, string>(a.Labels, StringComparer.Ordinal) { ["alertname"] = test.AlertName };
                return new AlertView(LabelSet.From(labels.Select(kv => new Label(kv.Key, kv.Value))),
                    LabelSet.From(a.Annotations.Select(kv => new Label(kv.Key, kv.Value))));
            }).ToList();
            gotAlerts.Sort();
            expAlerts.Sort();
            if (expAlerts.SequenceEqual(gotAlerts)) continue;
            string name = tg.Name.Length > 0 ? $"    name: {tg.Name},\n" : "";
            errors.Add($"{name}    alertname: {test.AlertName}, time: {PromDuration.Format(test.EvalTime)}, \n" +
                       $"        exp:{IndentLines(AlertsString(expAlerts), "            ")}, \n" +
                       $"        got:{IndentLines(AlertsString(gotAlerts), "            ")}");
        }
    }

    private static void CheckExpression(RuleTestGroup tg, QueryEngine engine, PromQlTestCase test, bool fuzzy, List<string> skipped, List<string> errors)
    {
        string head = $"    expr: {GoBytes.Quote(test.Expr)}, time: {PromDuration.Format(test.EvalTime)}";
        if (test.ExpSamples.Any(s => s.Histogram.Length > 0))
        {
            skipped.Add($"expr {GoBytes.Quote(test.Expr)} at {PromDuration.Format(test.EvalTime)}{(tg.Name.Length > 0 ? $" (in TestGroup {tg.Name})" : "")}: native histogram results are not supported");
            return;
        }
        List<(LabelSet Labels, double Value)> got;
        try
        {
            got = EngineQueryFunc.Create(engine)(test.Expr, (long)test.EvalTime.TotalMilliseconds, CancellationToken.None)
                .Select(s => (s.Metric, s.F)).ToList();
        }
        catch (Exception e) when (e is QueryException or ParseException or RuleEvaluationException)
        {
            errors.Add($"{head}, err: {e.Message}");
            return;
        }
        var expected = new List<(LabelSet Labels, double Value)>();
        foreach (var s in test.ExpSamples)
        {
            try { expected.Add((SeriesDescription.ParseLabels(s.Labels), s.Value)); }
            catch (ParseException e)
            {
                errors.Add($"{head}, err: labels {GoBytes.Quote(s.Labels)}: {e.Message}");
                return;
            }
        }
        expected.Sort((a, b) => a.Labels.CompareTo(b.Labels));
        got.Sort((a, b) => a.Labels.CompareTo(b.Labels));
        bool equal = expected.Count == got.Count && expected.Zip(got).All(p => p.First.Labels.Equals(p.Second.Labels)
            && (fuzzy ? AlmostEqual(p.First.Value, p.Second.Value) : p.First.Value == p.Second.Value));
        if (!equal)
            errors.Add($"{head},\n        exp: {SamplesString(expected)}\n        got: {SamplesString(got)}");
    }

    /// <summary>Prometheus's util/almost.Equal with promtool's epsilon 1e-6: a relative difference, NaN equal to NaN.</summary>
    private static bool AlmostEqual(double a, double b)
    {
        const double Epsilon = 0.000001, MinNormal = 2.2250738585072014e-308;
        if (double.IsNaN(a) && double.IsNaN(b)) return true;
        if (a == b) return true;
        double absSum = Math.Abs(a) + Math.Abs(b), diff = Math.Abs(a - b);
        if (a == 0 || b == 0 || absSum < MinNormal) return diff < Epsilon * MinNormal;
        return diff / Math.Min(absSum, double.MaxValue) < Epsilon;
    }

    private static string SamplesString(List<(LabelSet Labels, double Value)> samples) =>
        samples.Count == 0 ? "nil" : string.Join(", ", samples.Select(s => ValueFormat.GoLabels(s.Labels) + " " + ValueFormat.GoE(s.Value, upper: true)));

    private static string AlertsString(List<AlertView> alerts)
    {
        if (alerts.Count == 0) return "[]";
        var sb = new StringBuilder("[\n0:").Append(IndentLines("\n" + alerts[0], "  "));
        for (int i = 1; i < alerts.Count; i++) sb.Append(",\n").Append(i).Append(':').Append(IndentLines("\n" + alerts[i], "  "));
        return sb.Append("\n]").ToString();
    }

    private static string IndentLines(string lines, string indent) => string.Join("\n" + indent, lines.Split('\n'));
}
