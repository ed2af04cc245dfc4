using System.Globalization;
using System.Text.Json;
using Mlobs.Storage.Logs;

namespace Mlobs.Appliance.Http;

/// <summary>Loki's JSON for log lines: the <c>[{"stream": {labels}, "values": [["ns", "line"], ...]}]</c> array that query results and tail messages share.</summary>
public static class LokiJson
{
    public static void WriteStreams(Utf8JsonWriter w, string propertyName, IEnumerable<LogEntry> entries)
    {
        w.WriteStartArray(propertyName);
        foreach (var stream in entries.GroupBy(e => e.Stream))
        {
            w.WriteStartObject();
            w.WriteStartObject("stream");
            foreach (var label in stream.Key.AsSpan()) w.WriteString(label.Name, label.Value);
            w.WriteEndObject();
            w.WriteStartArray("values");
            foreach (var e in stream)
            {
                w.WriteStartArray();
                w.WriteStringValue(e.TimestampNs.ToString(CultureInfo.InvariantCulture));
                w.WriteStringValue(e.Line);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
