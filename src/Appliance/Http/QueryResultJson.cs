using System.Text.Json;
using Mlobs.Model.Labels;
using Mlobs.Model.Strconv;
using Mlobs.Query.PromQl.Engine;

namespace Mlobs.Appliance.Http;

/// <summary>
/// Streams a query result in the Prometheus API's shape with Utf8JsonWriter (no per-sample objects, AOT-safe):
/// <c>{"status":"success","data":{"resultType":"vector","result":[{"metric":{...},"value":[t,"v"]}]}}</c>.
/// </summary>
public sealed class QueryResultJson(QueryResult result) : StreamedJsonResult
{
    protected override void WriteBody(Utf8JsonWriter writer) => Write(writer, result);

    public static void Write(Utf8JsonWriter w, QueryResult result)
    {
        w.WriteStartObject();
        w.WriteString("status", "success");
        w.WriteStartObject("data");
        switch (result.Value)
        {
            case ScalarValue s:
                w.WriteString("resultType", "scalar");
                w.WritePropertyName("result");
                WritePoint(w, s.T, ValueFormat.Float(s.F));
                break;
            case StringValue s:
                w.WriteString("resultType", "string");
                w.WritePropertyName("result");
                WritePoint(w, s.T, s.S);
                break;
            case VectorValue v:
                w.WriteString("resultType", "vector");
                w.WriteStartArray("result");
                foreach (var sample in v.Samples)
                {
                    w.WriteStartObject();
                    WriteMetric(w, sample.Metric);
                    w.WritePropertyName("value");
                    WritePoint(w, sample.T, ValueFormat.Float(sample.F));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                break;
            case MatrixValue m:
                w.WriteString("resultType", "matrix");
                w.WriteStartArray("result");
                foreach (var series in m.Series)
                {
                    w.WriteStartObject();
                    WriteMetric(w, series.Metric);
                    w.WriteStartArray("values");
                    foreach (var p in series.Points) WritePoint(w, p.T, ValueFormat.Float(p.F));
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                break;
        }
        w.WriteEndObject();
        if (result.Warnings.Count > 0)
        {
            w.WriteStartArray("warnings");
            foreach (var warning in result.Warnings) w.WriteStringValue(warning);
            w.WriteEndArray();
        }
        if (result.Infos.Count > 0)
        {
            w.WriteStartArray("infos");
            foreach (var info in result.Infos) w.WriteStringValue(info);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteMetric(Utf8JsonWriter w, LabelSet labels)
    {
        w.WriteStartObject("metric");
        foreach (var l in labels.AsSpan()) w.WriteString(l.Name, l.Value);
        w.WriteEndObject();
    }

    /// <summary><c>[1435781451.781,"1"]</c>: Unix seconds as a number, the value as a string.</summary>
    private static void WritePoint(Utf8JsonWriter w, long ms, string value)
    {
        w.WriteStartArray();
        if (ms % 1000 == 0) w.WriteNumberValue(ms / 1000);
        else w.WriteNumberValue(decimal.Divide(ms, 1000m));
        w.WriteStringValue(value);
        w.WriteEndArray();
    }
}
