using Mlobs.Query.PromQl.Engine;
using Mlobs.Storage.Logs;

namespace Mlobs.Query.LogQl;

/// <summary>What a LogQL query answered: series for a metric (or constant) query, lines for a log query.</summary>
public sealed record LogQlResult(List<LogSeries>? Series, List<LogEntry>? Lines)
{
    public bool IsMetric => Series is not null;
}

/// <summary>
/// The one way a LogQL query is answered — by the Loki API, the dashboards (live page and snapshot alike), the
/// rules and the CLI — beside PromQL's <see cref="QueryEngine"/>: it tells constant, metric and log queries apart,
/// applies the same limits and timeout, and fails with the same <see cref="QueryException"/> kinds (bad data,
/// execution, timeout, canceled) that the HTTP layer maps once.
/// </summary>
public sealed class LogQlEngine(ILogQueryable logs, QueryEngine promql)
{
    /// <summary>How far back an instant log query (not a metric one) reads lines.</summary>
    public static readonly long InstantLogWindowNs = 3_600_000_000_000;

    /// <summary>Loki's step when a range query names none: the range over 250 points, whole seconds, at least one.</summary>
    public static long DefaultStepNs(long startNs, long endNs) => Math.Max(1_000_000_000, (endNs - startNs) / 250 / 1_000_000_000 * 1_000_000_000);

    /// <summary>Lines one query may read, so one query cannot take the box down.</summary>
    public long MaxLines { get; init; } = 5_000_000;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Steps a range query may have per series (Loki's and Prometheus's 11,000).</summary>
    public int MaxRangeSteps { get; init; } = 11_000;

    /// <summary>
    /// A metric or constant query at every step of [start, end]; a log query's first <paramref name="limit"/> lines in
    /// [start, end) — Loki reads the end exclusively, so a client paging by time never gets the boundary line twice.
    /// </summary>
    public LogQlResult Range(string text, long startNs, long endNs, long stepNs, int limit, bool backward, CancellationToken ct = default)
    {
        if (stepNs <= 0) throw new QueryException(QueryErrorKind.BadData, "invalid query, step must be positive");
        if (endNs < startNs) throw new QueryException(QueryErrorKind.BadData, "invalid query, end must be after start");
        if ((endNs - startNs) / stepNs > MaxRangeSteps)
            throw new QueryException(QueryErrorKind.BadData, "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
        if (ConstantQuery.IsConstant(text)) return new(ConstantQuery.Evaluate(promql, text, startNs, endNs, stepNs, range: true, ct), null);
        return Parse(text) switch
        {
            LogMetricExpr metric => new(Run(ct, deadline => new LogMetricEngine(logs) { MaxLines = MaxLines }.Evaluate(metric, startNs, endNs, stepNs, deadline)), null),
            var log => new(null, endNs - 1 < startNs ? [] : Lines(((LogQueryExpr)log).Query, startNs, endNs - 1, limit, backward, ct)),
        };
    }

    /// <summary>A metric or constant query at one instant; a log query's lines in the hour up to it (end included).</summary>
    public LogQlResult Instant(string text, long timeNs, int limit, bool backward, CancellationToken ct = default)
    {
        if (ConstantQuery.IsConstant(text)) return new(ConstantQuery.Evaluate(promql, text, timeNs, timeNs, 1, range: false, ct), null);
        return Parse(text) switch
        {
            LogMetricExpr metric => new(Run(ct, deadline => new LogMetricEngine(logs) { MaxLines = MaxLines }.Evaluate(metric, timeNs, timeNs, 1, deadline)), null),
            var log => new(null, Lines(((LogQueryExpr)log).Query, timeNs - InstantLogWindowNs, timeNs, limit, backward, ct)),
        };
    }

    /// <summary>
    /// Up to <paramref name="limit"/> lines of [start, end] that the query keeps, newest first when backward. The
    /// pipeline runs in batches on every core (parsers cost far more per line than reading it); batches start small
    /// and grow, so a query satisfied by its first lines reads few more.
    /// </summary>
    public List<LogEntry> Lines(LogQuery query, long startNs, long endNs, int limit, bool backward, CancellationToken ct = default) =>
        Run(ct, deadline => SelectLines(query, startNs, endNs, limit, backward, deadline));

    /// <summary>A log query (selector and pipeline), for the callers that only read lines (live tail).</summary>
    public static LogQuery ParseLogQuery(string text)
    {
        try { return LogQlParser.Parse(text); }
        catch (LogQlParseException ex) { throw new QueryException(QueryErrorKind.BadData, ex.Message); }
    }

    private static LogQlExpr Parse(string text)
    {
        try { return LogMetricParser.Parse(text); }
        catch (LogQlParseException ex) { throw new QueryException(QueryErrorKind.BadData, ex.Message); }
    }

    /// <summary>Runs with the engine's timeout; a cancelled scan becomes a timeout or canceled error as in PromQL.</summary>
    private T Run<T>(CancellationToken caller, Func<QueryDeadline, T> query)
    {
        try
        {
            return query(new QueryDeadline(caller, Timeout));
        }
        catch (OperationCanceledException)
        {
            throw caller.IsCancellationRequested
                ? new QueryException(QueryErrorKind.Canceled, "query was canceled")
                : new QueryException(QueryErrorKind.Timeout, "query timed out");
        }
    }

    private List<LogEntry> SelectLines(LogQuery query, long startNs, long endNs, int limit, bool backward, QueryDeadline deadline)
    {
        var result = new List<LogEntry>();
        if (limit <= 0) return result;
        var batch = new List<LogEntry>(128);
        int batchSize = 128;
        long read = 0;
        bool ProcessBatch()
        {
            var outputs = new LogEntry?[batch.Count];
            int workers = batch.Count >= 512 ? Environment.ProcessorCount : 1;
            if (workers == 1) for (int i = 0; i < batch.Count; i++) outputs[i] = query.Process(batch[i]);
            else
            {
                int per = (batch.Count + workers - 1) / workers;
                Parallel.For(0, workers, w =>
                {
                    for (int i = w * per; i < Math.Min(batch.Count, (w + 1) * per); i++) outputs[i] = query.Process(batch[i]);
                });
            }
            batch.Clear();
            batchSize = Math.Min(batchSize * 2, 8192);
            foreach (var kept in outputs)
            {
                if (kept is not { } k) continue;
                result.Add(k);
                if (result.Count >= limit) return false;
            }
            return true;
        }
        bool more = true;
        logs.Scan(query.Selector, startNs, endNs, backward, e =>
        {
            // Loki bounds log queries by time, not lines: the timeout stops a scan that finds too little.
            if ((++read & 1023) == 0) deadline.ThrowIfExpired();
            batch.Add(e);
            return batch.Count < batchSize || (more = ProcessBatch());
        }, query.RequiredText);
        if (more && batch.Count > 0) ProcessBatch();
        return result;
    }
}
