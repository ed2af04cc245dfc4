using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Mlobs.Rules.Notifier;

/// <summary>The JSON body Alertmanager's <c>POST /api/v2/alerts</c> takes: an array of postable alerts.</summary>
public static class AlertPayload
{
    public static byte[] Serialize(IReadOnlyList<NotifierAlert> alerts)
    {
        var buffer = new ArrayBufferWriter<byte>(256 * alerts.Count + 2);
        using (var w = new Utf8JsonWriter(buffer, Mlobs.Model.Strconv.GoJsonEncoder.WriterOptions))
        {
            w.WriteStartArray();
            foreach (var a in alerts)
            {
                w.WriteStartObject();
                w.WriteStartObject("labels");
                foreach (var l in a.Labels.AsSpan()) w.WriteString(l.Name, l.Value);
                w.WriteEndObject();
                w.WriteStartObject("annotations");
                foreach (var (k, v) in a.Annotations.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteString(k, v);
                w.WriteEndObject();
                w.WriteString("startsAt", Time(a.StartsAt));
                w.WriteString("endsAt", Time(a.EndsAt));
                w.WriteString("generatorURL", a.GeneratorUrl);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>go-openapi's strfmt.DateTime form: RFC 3339 with milliseconds, UTC.</summary>
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
