using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Mlobs.Model.Labels;
using Mlobs.Model.Strconv;

namespace Mlobs.Alertmanager;

/// <summary>
/// Alertmanager's webhook message, version 4 (notify/webhook): the template data fields, then <c>version</c>,
/// <c>groupKey</c> and <c>truncatedAlerts</c>, in Go's field order; maps with sorted keys; times in RFC 3339 with
/// nanoseconds; a firing alert's <c>endsAt</c> is Go's zero time, as Alertmanager hides an end not yet reached.
/// </summary>
public static class WebhookPayload
{
    private static readonly JsonWriterOptions Options = GoJsonEncoder.WriterOptions;

    public static byte[] Serialize(NotificationData data, string groupKey, int truncatedAlerts)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("receiver", data.Receiver);
            w.WriteString("status", data.Status);
            w.WriteStartArray("alerts");
            foreach (var a in data.Alerts)
            {
                bool resolved = a.IsResolved(data.Now);
                w.WriteStartObject();
                w.WriteString("status", resolved ? "resolved" : "firing");
                WriteLabels(w, "labels", a.Labels);
                WriteMap(w, "annotations", a.Annotations);
                w.WriteString("startsAt", GoTime(a.StartsAt));
                w.WriteString("endsAt", resolved ? GoTime(a.EndsAt) : "0001-01-01T00:00:00Z");
                w.WriteString("generatorURL", a.GeneratorUrl);
                w.WriteString("fingerprint", Fingerprints.Format(a.Fingerprint));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            WriteLabels(w, "groupLabels", data.GroupLabels);
            WriteLabels(w, "commonLabels", data.CommonLabels);
            WriteMap(w, "commonAnnotations", data.CommonAnnotations);
            w.WriteString("externalURL", data.ExternalUrl);
            w.WriteString("version", "4");
            w.WriteString("groupKey", groupKey);
            w.WriteNumber("truncatedAlerts", truncatedAlerts);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteLabels(Utf8JsonWriter w, string name, LabelSet labels)
    {
        w.WriteStartObject(name);
        foreach (var l in labels.AsSpan()) w.WriteString(l.Name, l.Value);
        w.WriteEndObject();
    }

    private static void WriteMap(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string> map)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteString(k, v);
        w.WriteEndObject();
    }

    /// <summary>Go's time.Time JSON (RFC 3339 with up to nanoseconds, trailing zeros dropped), in UTC.</summary>
    public static string GoTime(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
