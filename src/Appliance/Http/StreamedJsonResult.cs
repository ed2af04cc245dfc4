using System.Text.Json;
using Mlobs.Model.Strconv;

namespace Mlobs.Appliance.Http;

/// <summary>
/// An API answer written straight to the response with Utf8JsonWriter (no object graph per sample, AOT-safe), with
/// '+' and non-ASCII left unescaped as Go's encoding/json leaves them.
/// </summary>
public abstract class StreamedJsonResult : IResult
{
    private static readonly JsonWriterOptions Options = GoJsonEncoder.WriterOptions;

    public async Task ExecuteAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCode;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body, Options);
        WriteBody(writer);
        await writer.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>The HTTP status the body is sent with.</summary>
    protected virtual int StatusCode => StatusCodes.Status200OK;

    protected abstract void WriteBody(Utf8JsonWriter writer);
}
