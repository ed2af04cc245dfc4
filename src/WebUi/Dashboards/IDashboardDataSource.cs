namespace Mlobs.WebUi.Dashboards;

/// <summary>
/// What checking and snapshotting a dashboard need from a Prometheus-compatible store: the calls Grafana's
/// Prometheus datasource makes. Implemented over a running server's HTTP API and over a local data dir.
/// </summary>
public interface IDashboardDataSource
{
    /// <summary>
    /// The Prometheus datasource's scrape interval (Grafana's jsonData.timeInterval), which floors panel intervals and
    /// sets <c>$__rate_interval</c>; Grafana's default 15s where the source does not say.
    /// </summary>
    Task<TimeSpan> ScrapeIntervalAsync(CancellationToken ct) => Task.FromResult(GrafanaTime.DefaultScrapeInterval);

    /// <summary>Values of a label over series matching an optional selector, in the time range.</summary>
    Task<IReadOnlyList<string>> LabelValuesAsync(string label, string? match, DateTimeOffset from, DateTimeOffset to, CancellationToken ct);

    /// <summary>Label names over series matching an optional selector.</summary>
    Task<IReadOnlyList<string>> LabelNamesAsync(string? match, DateTimeOffset from, DateTimeOffset to, CancellationToken ct);

    /// <summary>A range query; the result (series and points) or the error the store reported.</summary>
    Task<PanelQueryResult> RangeQueryAsync(string expr, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken ct);

    /// <summary>An instant query at a time.</summary>
    Task<PanelQueryResult> InstantQueryAsync(string expr, DateTimeOffset time, CancellationToken ct);

    /// <summary>A LogQL metric query over a range (Loki's query_range), as a matrix.</summary>
    Task<PanelQueryResult> LogMetricQueryAsync(string expr, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken ct);

    /// <summary>A LogQL log query: up to <paramref name="limit"/> lines, newest first.</summary>
    Task<LogLinesResult> LogLinesAsync(string expr, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct);
}

/// <summary>One log line: its time in Unix nanoseconds (as Loki writes it, a string), text and stream labels.</summary>
public sealed record LogLine(string Ns, string Line, IReadOnlyDictionary<string, string> Labels);

/// <summary>A log query's lines, or the store's error text.</summary>
public sealed record LogLinesResult(IReadOnlyList<LogLine> Lines, string? Error)
{
    public static LogLinesResult Failed(string error) => new([], error);
}

/// <summary>One series of a query result, with its points as (Unix seconds, value).</summary>
public sealed record ResultSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(double Time, double Value)> Points);

/// <summary>A query's outcome: the series, or the store's error text.</summary>
public sealed record PanelQueryResult(IReadOnlyList<ResultSeries> Series, string? Error, string ResultType = "matrix")
{
    public static PanelQueryResult Failed(string error) => new([], error);
}
