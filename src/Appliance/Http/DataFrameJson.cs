using System.Globalization;
using System.Text;
using System.Text.Json;
using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Engine;

namespace Mlobs.Appliance.Http;

/// <summary>
/// A /api/ds/query answer in Grafana's data-frame JSON (grafana-plugin-sdk-go's data.Frame as its front end reads
/// it): <c>{"results": {"A": {"status": 200, "frames": [{"schema": {...}, "data": {"values": [[ms...], [v...]]}}]}}}</c>,
/// one frame per series as Grafana's Prometheus datasource shapes them (a Time field and a Value field with the
/// series' labels and, from the legendFormat, <c>config.displayNameFromDS</c>). JSON has no NaN or ±Inf: those
/// values are null in <c>values</c> and listed by index under <c>data.entities</c>, as the SDK writes them. A failed
/// query is <c>{"error", "errorSource", "status"}</c> under its refId; the response's status is 200 when every query
/// ran, else the first failure's.
/// </summary>
public sealed class DataFrameJson(IReadOnlyList<DataFrameJson.Response> responses) : StreamedJsonResult
{
    /// <summary>One query's outcome: its result, or the error it failed with and the HTTP status that goes with it.</summary>
    public sealed record Response(DataSourceQuery Query, QueryResult? Result, string? Error, int Status);

    protected override int StatusCode => responses.FirstOrDefault(r => r.Error is not null)?.Status ?? 200;

    protected override void WriteBody(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteStartObject("results");
        foreach (var r in responses)
        {
            w.WriteStartObject(r.Query.RefId);
            if (r.Error is not null)
            {
                w.WriteString("error", r.Error);
                w.WriteString("errorSource", r.Status == 400 ? "downstream" : "plugin");
                w.WriteNumber("status", r.Status);
            }
            else
            {
                w.WriteNumber("status", 200);
                w.WriteStartArray("frames");
                WriteFrames(w, r.Query, r.Result!);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteFrames(Utf8JsonWriter w, DataSourceQuery q, QueryResult result)
    {
        switch (result.Value)
        {
            case MatrixValue m:
                foreach (var s in m.Series) Frame(w, q, result, "matrix", s.Metric, s.Points.Count, i => s.Points[i].T, i => s.Points[i].F);
                break;
            case VectorValue v:
                foreach (var sample in v.Samples) Frame(w, q, result, "vector", sample.Metric, 1, _ => sample.T, _ => sample.F);
                break;
            case ScalarValue sc:
                Frame(w, q, result, "scalar", LabelSet.Empty, 1, _ => sc.T, _ => sc.F);
                break;
            case StringValue st:
                Schema(w, q, result, "string", null);
                w.WriteStartObject("data");
                w.WriteStartArray("values");
                w.WriteStartArray();
                w.WriteNumberValue(st.T);
                w.WriteEndArray();
                w.WriteStartArray();
                w.WriteStringValue(st.S);
                w.WriteEndArray();
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndObject();
                break;
        }
    }

    /// <summary>One series' frame: its schema, then the time and value columns and where NaN and ±Inf sit.</summary>
    private static void Frame(Utf8JsonWriter w, DataSourceQuery q, QueryResult result, string resultType, LabelSet metric, int count, Func<int, long> time, Func<int, double> value)
    {
        Schema(w, q, result, resultType, metric);
        w.WriteStartObject("data");
        w.WriteStartArray("values");
        w.WriteStartArray();
        for (int i = 0; i < count; i++) w.WriteNumberValue(time(i));
        w.WriteEndArray();
        w.WriteStartArray();
        for (int i = 0; i < count; i++) WriteFinite(w, value(i));
        w.WriteEndArray();
        w.WriteEndArray();
        Entities(w, count, value);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Opens the frame object and writes its schema; the caller writes "data" and closes the frame.</summary>
    private static void Schema(Utf8JsonWriter w, DataSourceQuery q, QueryResult result, string resultType, LabelSet? metric)
    {
        w.WriteStartObject();
        w.WriteStartObject("schema");
        w.WriteString("refId", q.RefId);
        w.WriteStartObject("meta");
        w.WriteString("type", resultType == "matrix" ? "timeseries-multi" : "numeric-multi");
        w.WriteStartArray("typeVersion");
        w.WriteNumberValue(0);
        w.WriteNumberValue(1);
        w.WriteEndArray();
        w.WriteStartObject("custom");
        w.WriteString("resultType", resultType);
        w.WriteEndObject();
        w.WriteString("executedQueryString", q.Instant ? "Expr: " + q.Expr : $"Expr: {q.Expr}\nStep: {PromDuration.Format(q.StepMs)}");
        if (result.Warnings.Count + result.Infos.Count > 0)
        {
            w.WriteStartArray("notices");
            foreach (var text in result.Warnings) Notice(w, "warning", text);
            foreach (var text in result.Infos) Notice(w, "info", text);
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteStartArray("fields");
        w.WriteStartObject();
        w.WriteString("name", "Time");
        w.WriteString("type", "time");
        w.WriteStartObject("typeInfo");
        w.WriteString("frame", "time.Time");
        w.WriteEndObject();
        if (!q.Instant)
        {
            w.WriteStartObject("config");
            w.WriteNumber("interval", q.StepMs);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("name", "Value");
        w.WriteString("type", resultType == "string" ? "string" : "number");
        w.WriteStartObject("typeInfo");
        w.WriteString("frame", resultType == "string" ? "string" : "float64");
        w.WriteEndObject();
        if (metric is not null && metric.Count > 0)
        {
            w.WriteStartObject("labels");
            foreach (var l in metric.AsSpan()) w.WriteString(l.Name, l.Value);
            w.WriteEndObject();
        }
        if (metric is not null && DisplayName(q.LegendFormat, metric) is { } name)
        {
            w.WriteStartObject("config");
            w.WriteString("displayNameFromDS", name);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Notice(Utf8JsonWriter w, string severity, string text)
    {
        w.WriteStartObject();
        w.WriteString("severity", severity);
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    private static void WriteFinite(Utf8JsonWriter w, double f)
    {
        if (double.IsFinite(f)) w.WriteNumberValue(f);
        else w.WriteNullValue();
    }

    /// <summary>Where NaN and ±Inf sit in the value column (null in "values"): [null, {"NaN": [...], "Inf": [...]}].</summary>
    private static void Entities(Utf8JsonWriter w, int count, Func<int, double> value)
    {
        List<int>? nan = null, inf = null, negInf = null;
        for (int i = 0; i < count; i++)
        {
            double f = value(i);
            if (double.IsNaN(f)) (nan ??= []).Add(i);
            else if (double.IsPositiveInfinity(f)) (inf ??= []).Add(i);
            else if (double.IsNegativeInfinity(f)) (negInf ??= []).Add(i);
        }
        if (nan is null && inf is null && negInf is null) return;
        w.WriteStartArray("entities");
        w.WriteNullValue();
        w.WriteStartObject();
        Indexes(w, "NaN", nan);
        Indexes(w, "Inf", inf);
        Indexes(w, "NegInf", negInf);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void Indexes(Utf8JsonWriter w, string name, List<int>? list)
    {
        if (list is null) return;
        w.WriteStartArray(name);
        foreach (int i in list) w.WriteNumberValue(i);
        w.WriteEndArray();
    }

    /// <summary>
    /// The legendFormat with {{label}} replaced by the series' value of it (a missing label is empty), as Grafana
    /// names a series; null when the query has no legendFormat (or "__auto", Grafana's default naming).
    /// </summary>
    public static string? DisplayName(string legendFormat, LabelSet metric)
    {
        if (legendFormat.Length == 0 || legendFormat == "__auto") return null;
        var sb = new StringBuilder(legendFormat.Length);
        int i = 0;
        while (i < legendFormat.Length)
        {
            int open = legendFormat.IndexOf("{{", i, StringComparison.Ordinal);
            int close = open < 0 ? -1 : legendFormat.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (open < 0 || close < 0)
            {
                sb.Append(legendFormat, i, legendFormat.Length - i);
                break;
            }
            sb.Append(legendFormat, i, open - i);
            sb.Append(metric.Get(legendFormat.AsSpan(open + 2, close - open - 2).Trim().ToString()) ?? "");
            i = close + 2;
        }
        return sb.ToString();
    }
}
