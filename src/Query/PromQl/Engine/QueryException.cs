namespace Mlobs.Query.PromQl.Engine;

/// <summary>The Prometheus API error types a query can fail with (web/api/v1's errorType).</summary>
public enum QueryErrorKind { BadData, Execution, Timeout, Canceled }

/// <summary>A query that failed while being evaluated, with the errorType the HTTP API reports.</summary>
public sealed class QueryException(QueryErrorKind kind, string message) : Exception(message)
{
    public QueryErrorKind Kind { get; } = kind;

    public static QueryException Execution(string message) => new(QueryErrorKind.Execution, message);
}
