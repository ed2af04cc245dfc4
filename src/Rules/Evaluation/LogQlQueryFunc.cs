using Mlobs.Query.LogQl;
using Mlobs.Query.PromQl.Engine;

namespace Mlobs.Rules.Evaluation;

/// <summary>
/// Rules' view of the logs for groups with <c>query_language: logql</c> (as Loki's ruler evaluates): a LogQL
/// metric query at one instant, its series as samples at that time.
/// </summary>
public static class LogQlQueryFunc
{
    public static QueryFunc Create(LogQlEngine logQl) => (expr, timeMs, ct) =>
    {
        var result = logQl.Instant(expr, timeMs * 1_000_000, limit: 0, backward: true, ct);
        if (result.Series is not { } series)
            throw new QueryException(QueryErrorKind.BadData, "a LogQL rule needs a metric query, not a log query");
        return series
            .Where(s => s.Points.Count > 0)
            .Select(s => new Sample(s.Labels, timeMs, s.Points[^1].Value))
            .ToList();
    };
}
