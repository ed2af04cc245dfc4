using Mlobs.Query.PromQl.Engine;

namespace Mlobs.Appliance.Http;

/// <summary>Prometheus API error types and the HTTP status each maps to (web/api/v1's returnAPIError).</summary>
public enum ApiErrorType { BadData, Execution, Timeout, Canceled, Internal, NotFound, Unavailable }

/// <summary>An error to return in the envelope; thrown by handlers, mapped once in <see cref="ApiResults"/>.</summary>
public sealed class ApiException(ApiErrorType type, string message) : Exception(message)
{
    public ApiErrorType Type { get; } = type;

    public static ApiException BadData(string message) => new(ApiErrorType.BadData, message);

    /// <summary>A PromQL or LogQL query's failure as the API reports it: the one mapping of query error kinds.</summary>
    public static ApiException From(QueryException ex) => new(ex.Kind switch
    {
        QueryErrorKind.BadData => ApiErrorType.BadData,
        QueryErrorKind.Timeout => ApiErrorType.Timeout,
        QueryErrorKind.Canceled => ApiErrorType.Canceled,
        _ => ApiErrorType.Execution,
    }, ex.Message);
}
