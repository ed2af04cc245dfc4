using Mlobs.Rules.Evaluation;
using Prometheus;

namespace Mlobs.Appliance.Telemetry;

/// <summary>
/// Rule groups and rules on /metrics, named after Prometheus's prometheus_rule_group_* series with mlobs's prefix;
/// <c>rule_group</c> is "file;name" as in Prometheus. Series of groups and rules that a reload removed are dropped.
/// </summary>
public static class RuleMetrics
{
    private static readonly string[] GroupLabel = ["rule_group"];
    private static readonly string[] RuleLabels = ["rule_group", "rule"];

    private static readonly Gauge LastDuration = Metrics.CreateGauge(
        "mlobs_rule_group_last_duration_seconds", "Duration of the last evaluation of the rule group.", GroupLabel);
    private static readonly Gauge LastEvaluation = Metrics.CreateGauge(
        "mlobs_rule_group_last_evaluation_timestamp_seconds", "Time of the last evaluation of the rule group.", GroupLabel);
    private static readonly Gauge Interval = Metrics.CreateGauge(
        "mlobs_rule_group_interval_seconds", "Evaluation interval of the rule group.", GroupLabel);
    private static readonly Gauge RuleCount = Metrics.CreateGauge(
        "mlobs_rule_group_rules", "Rules in the group.", GroupLabel);
    private static readonly Counter Iterations = Metrics.CreateCounter(
        "mlobs_rule_group_iterations_total", "Scheduled evaluations of the rule group that ran.", GroupLabel);
    private static readonly Counter Missed = Metrics.CreateCounter(
        "mlobs_rule_group_iterations_missed_total", "Evaluations of the rule group skipped because the previous one ran late.", GroupLabel);
    private static readonly Counter Failures = Metrics.CreateCounter(
        "mlobs_rule_evaluation_failures_total", "Rule evaluations that failed.", GroupLabel);
    private static readonly Gauge RuleHealthy = Metrics.CreateGauge(
        "mlobs_rule_health", "1 when the rule's last evaluation succeeded, 0 when it failed (no series before the first).", RuleLabels);
    private static readonly Gauge RuleDuration = Metrics.CreateGauge(
        "mlobs_rule_last_duration_seconds", "Duration of the rule's last evaluation.", RuleLabels);

    private static readonly Lock Sync = new();
    private static HashSet<string> _groups = [];
    private static HashSet<(string, string)> _rules = [];

    public static void Update(RuleManager manager)
    {
        lock (Sync)
        {
            var groups = new HashSet<string>();
            var rules = new HashSet<(string, string)>();
            foreach (var g in manager.Groups)
            {
                string key = g.Key;
                groups.Add(key);
                LastDuration.WithLabels(key).Set(g.EvaluationTime.TotalSeconds);
                LastEvaluation.WithLabels(key).Set(g.LastEvaluation == default ? 0 : g.LastEvaluation.ToUnixTimeMilliseconds() / 1000.0);
                Interval.WithLabels(key).Set(g.Interval.TotalSeconds);
                RuleCount.WithLabels(key).Set(g.Rules.Count);
                Iterations.WithLabels(key).IncTo(Interlocked.Read(ref g.Iterations));
                Missed.WithLabels(key).IncTo(Interlocked.Read(ref g.MissedIterations));
                Failures.WithLabels(key).IncTo(Interlocked.Read(ref g.EvaluationFailures));
                foreach (var r in g.Rules)
                {
                    if (r.Status.Health == RuleHealth.Unknown) continue;
                    rules.Add((key, r.Name));
                    RuleHealthy.WithLabels(key, r.Name).Set(r.Status.Health == RuleHealth.Ok ? 1 : 0);
                    RuleDuration.WithLabels(key, r.Name).Set(r.Status.EvaluationTime.TotalSeconds);
                }
            }
            foreach (var gone in _groups.Except(groups))
            {
                foreach (var m in new Collector[] { LastDuration, LastEvaluation, Interval, RuleCount, Iterations, Missed, Failures })
                    Remove(m, gone);
            }
            foreach (var (group, rule) in _rules.Except(rules))
            {
                RuleHealthy.RemoveLabelled(group, rule);
                RuleDuration.RemoveLabelled(group, rule);
            }
            _groups = groups;
            _rules = rules;
        }
    }

    private static void Remove(Collector c, string group)
    {
        switch (c)
        {
            case Gauge g: g.RemoveLabelled(group); break;
            case Counter k: k.RemoveLabelled(group); break;
        }
    }
}
