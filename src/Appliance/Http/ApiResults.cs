using System.Text.Json.Serialization.Metadata;

namespace Mlobs.Appliance.Http;

/// <summary>Writes success and error envelopes with source-generated JSON (no reflection under AOT).</summary>
public static class ApiResults
{
    public static IResult Success<T>(T data, JsonTypeInfo<ApiResponse<T>> typeInfo, IReadOnlyList<string>? warnings = null) =>
        Results.Json(new ApiResponse<T>("success", data, Warnings: warnings is { Count: > 0 } ? warnings : null), typeInfo);

    /// <summary>
    /// A JSON body written by hand, for shapes with raw or open-ended parts (Grafana's dashboard API, Loki's results)
    /// that the source-generated contexts do not describe.
    /// </summary>
    public static IResult Json(Action<System.Text.Json.Utf8JsonWriter> write, int status = 200)
    {
        using var stream = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(stream, Mlobs.Model.Strconv.GoJsonEncoder.WriterOptions)) write(w);
        return Results.Text(stream.ToArray(), "application/json; charset=utf-8", status);
    }

    public static IResult Error(ApiException ex)
    {
        var (code, status) = Describe(ex.Type);
        return Results.Json(new ApiResponse<object>("error", null, code, ex.Message), ApiJsonContext.Api.ApiResponseObject, statusCode: status);
    }

    /// <summary>An error type's name in the Prometheus API (errorType) and its HTTP status: the one mapping of both.</summary>
    public static (string Code, int Status) Describe(ApiErrorType type) =>
        type switch
        {
            ApiErrorType.BadData => ("bad_data", 400),
            ApiErrorType.Execution => ("execution", 422),
            ApiErrorType.Timeout => ("timeout", 503),
            ApiErrorType.Canceled => ("canceled", 499),
            ApiErrorType.NotFound => ("not_found", 404),
            ApiErrorType.Unavailable => ("unavailable", 503),
            _ => ("internal", 500),
        };

    /// <summary>Runs a handler body, turning <see cref="ApiException"/> into its envelope.</summary>
    public static async Task<IResult> Guard(Func<Task<IResult>> handler)
    {
        try { return await handler().ConfigureAwait(false); }
        catch (ApiException ex) { return Error(ex); }
    }

    public static IResult Guard(Func<IResult> handler)
    {
        try { return handler(); }
        catch (ApiException ex) { return Error(ex); }
    }
}
