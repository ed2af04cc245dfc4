using Mlobs.Query.LogQl;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Storage.Logs;

namespace Mlobs.Rules.Evaluation;

/// <summary>
/// Rules' view of the log store for groups with <c>query_language: logql</c> (as Loki's ruler evaluates): a LogQL
/// metric query at one instant, its series as samples at that time.
/// </summary>
public static class LogQlQueryFunc
{
    public static QueryFunc Create(ILogQueryable logs) => (expr, timeMs, ct) =>
    {
        ct.ThrowIfCancellationRequested();
        if (LogMetricParser.Parse(expr) is not LogMetricExpr metric)
            throw new InvalidOperationException("a LogQL rule needs a metric query, not a log query");
        long ns = timeMs * 1_000_000;
        return new LogMetricEngine(logs).Evaluate(metric, ns, ns, 1)
            .Where(s => s.Points.Count > 0)
            .Select(s => new Sample(s.Labels, timeMs, s.Points[^1].Value))
            .ToList();
    };
}
