using System.Text.Json;
using Mlobs.Model.Labels;
using Mlobs.Model.Strconv;

namespace Mlobs.Appliance.Http;

/// <summary>
/// /api/v1/series' answer, written series by series and flushed as it goes: a match over a few hundred thousand
/// series (Grafana's metric browser does that) costs a buffer, not an object per label.
/// </summary>
public sealed class SeriesJson(IReadOnlyList<LabelSet> series, IReadOnlyList<string>? warnings) : IResult
{
    private static readonly JsonWriterOptions Options = GoJsonEncoder.WriterOptions;

    public async Task ExecuteAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(context.Response.Body, Options);
        w.WriteStartObject();
        w.WriteString("status", "success");
        w.WriteStartArray("data");
        for (int i = 0; i < series.Count; i++)
        {
            w.WriteStartObject();
            foreach (var l in series[i].AsSpan()) w.WriteString(l.Name, l.Value);
            w.WriteEndObject();
            if (w.BytesPending > 64 * 1024) await w.FlushAsync().ConfigureAwait(false);
        }
        w.WriteEndArray();
        if (warnings is { Count: > 0 })
        {
            w.WriteStartArray("warnings");
            foreach (var warning in warnings) w.WriteStringValue(warning);
            w.WriteEndArray();
        }
        w.WriteEndObject();
        await w.FlushAsync().ConfigureAwait(false);
    }
}
