namespace Mlobs.Query.PromQl.Engine;

/// <summary>
/// PromQL instant and range queries as the HTTP API and the rules ask them (Prometheus's promql.QueryEngine
/// interface); failures are <see cref="QueryException"/>s carrying the API's error type.
/// </summary>
public interface IQueryEngine
{
    EngineOptions Options { get; }

    QueryResult Instant(string query, long timeMs, TimeSpan? timeout = null, CancellationToken ct = default);

    QueryResult Range(string query, long startMs, long endMs, long stepMs, TimeSpan? timeout = null, CancellationToken ct = default);
}
