using System.Globalization;
using System.Text;
using System.Text.Json;
using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Query.LogQl;
using Mlobs.Storage.Logs;

namespace Mlobs.Appliance.Http;

/// <summary>
/// Loki's HTTP API over the log store, in Loki's shapes so Loki clients and Grafana's Loki data source work:
/// <c>POST /loki/api/v1/push</c> (JSON, gzip allowed), <c>/loki/api/v1/query_range</c> and <c>/query</c> for log
/// queries (streams) and metric queries (matrix, vector), <c>/loki/api/v1/labels</c>,
/// <c>/loki/api/v1/label/:name/values</c>, <c>/loki/api/v1/series</c> and <c>/loki/api/v1/tail</c> (websocket,
/// <see cref="LokiTail"/>). Errors are plain text with Loki's status codes, as Loki answers them.
/// </summary>
public static class LokiApi
{
    private const int MaxPushBytes = 32 << 20;

    public static void Map(IEndpointRouteBuilder app, ILogSource logs)
    {
        var api = app.MapGroup("/loki/api/v1");
        api.MapPost("/push", async (HttpRequest req) =>
        {
            try { return await PushAsync(logs, req); }
            catch (ApiException ex) { return Error(ex); }
        });
        api.MapGet("/query_range", (HttpRequest req) => Guard(() => Query(logs.LogQl, req, range: true)));
        api.MapGet("/query", (HttpRequest req) => Guard(() => Query(logs.LogQl, req, range: false)));
        api.MapGet("/labels", (HttpRequest req) => Guard(() => Strings(StreamsInRange(logs, req)
            .SelectMany(s => s.AsSpan().ToArray().Select(l => l.Name)))));
        api.MapGet("/label/{name}/values", (string name, HttpRequest req) => Guard(() => Strings(StreamsInRange(logs, req)
            .Select(s => s.Get(name)).OfType<string>())));
        api.MapGet("/series", (HttpRequest req) => Guard(() => Series(logs, req)));
        api.Map("/tail", (HttpContext ctx) => LokiTail.RunAsync(logs, ctx));
    }

    private static IResult Guard(Func<IResult> handler)
    {
        try { return handler(); }
        catch (ApiException ex) { return Error(ex); }
        catch (Mlobs.Query.PromQl.Engine.QueryException ex) { return Error(ApiException.From(ex)); }
    }

    private static IResult Error(ApiException ex) => Plain(ex.Type switch
    {
        ApiErrorType.BadData => 400,
        ApiErrorType.NotFound => 404,
        ApiErrorType.Timeout or ApiErrorType.Unavailable => 503,
        _ => 500,
    }, ex.Message);

    /// <summary>
    /// Streams with lines in the request's [start, end] (default: the last 6 hours, as Loki), narrowed by an
    /// optional <c>query</c> selector (Loki's labels and label values).
    /// </summary>
    private static IReadOnlyList<LabelSet> StreamsInRange(ILogSource store, HttpRequest req)
    {
        var (start, end) = Range(req);
        var selector = req.Query["query"].ToString();
        return store.StreamsWithData(selector.Length == 0 ? [] : Selector(selector), start, end);
    }

    private static (long Start, long End) Range(HttpRequest req)
    {
        long nowNs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        long end = Time(req.Query["end"].ToString(), nowNs);
        long start = Time(req.Query["start"].ToString(), end - 6 * 3_600_000_000_000);
        return (start, end);
    }

    private static LabelMatcher[] Selector(string text)
    {
        try { return LogQlParser.Parse(text).Selector; }
        catch (LogQlParseException ex) { throw new ApiException(ApiErrorType.BadData, ex.Message); }
    }

    /// <summary>{"status": "success", "data": [{labels}, ...]}: the streams matching any <c>match[]</c> selector with lines in range.</summary>
    private static IResult Series(ILogSource store, HttpRequest req)
    {
        var (start, end) = Range(req);
        var selectors = req.Query["match[]"].Concat(req.Query["match"]).OfType<string>().ToList();
        if (selectors.Count == 0) throw new ApiException(ApiErrorType.BadData, "at least one match[] argument is required");
        var found = new HashSet<LabelSet>();
        foreach (var selector in selectors) found.UnionWith(store.StreamsWithData(Selector(selector), start, end));
        return ApiResults.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "success");
            w.WriteStartArray("data");
            foreach (var labels in found.OrderBy(l => l.ToString(), StringComparer.Ordinal))
            {
                w.WriteStartObject();
                foreach (var label in labels.AsSpan()) w.WriteString(label.Name, label.Value);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>{"streams": [{"stream": {labels}, "values": [["ns", "line"], ...]}]}; answered 204 as Loki does.</summary>
    private static async Task<IResult> PushAsync(ILogSource store, HttpRequest req)
    {
        byte[]? body;
        try { body = await RequestBody.ReadAsync(req, MaxPushBytes, req.HttpContext.RequestAborted); }
        catch (InvalidDataException ex) { return Plain(400, "invalid compressed body: " + ex.Message); }
        catch (NotSupportedException ex) { return Plain(415, ex.Message); }
        if (body is null) return Plain(413, $"request too large: the decoded body exceeds {MaxPushBytes} bytes");
        if (!(req.ContentType ?? "application/json").Contains("json", StringComparison.OrdinalIgnoreCase))
            return Plain(415, $"unsupported content type {req.ContentType}: mlobs accepts Loki's JSON push format");
        var entries = new List<LogEntry>();
        try
        {
            using var doc = JsonDocument.Parse(body);
            foreach (var s in doc.RootElement.GetProperty("streams").EnumerateArray())
            {
                var pairs = s.GetProperty("stream").EnumerateObject().Select(p => (p.Name, p.Value.GetString() ?? "")).ToArray();
                if (pairs.Length == 0) return Plain(400, "error at least one label pair is required per stream");
                var labels = LabelSet.From(pairs);
                foreach (var v in s.GetProperty("values").EnumerateArray())
                {
                    if (!long.TryParse(v[0].GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long ns))
                        return Plain(400, $"invalid timestamp {v[0]}");
                    entries.Add(new LogEntry(labels, ns, v[1].GetString() ?? ""));
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            return Plain(400, "error parsing push request: " + ex.Message);
        }
        // A retried push (same lines, same timestamps) stores nothing twice, as in Loki.
        store.Push(entries);
        return Results.StatusCode(204);
    }

    private static IResult Query(LogQlEngine logQl, HttpRequest req, bool range)
    {
        var q = req.Query;
        var text = q["query"].ToString();
        long nowNs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        long end = range ? Time(q["end"].ToString(), nowNs) : Time(q["time"].ToString(), nowNs);
        long start = range ? Time(q["start"].ToString(), end - 3_600_000_000_000) : end - LogQlEngine.InstantLogWindowNs;
        int limit = int.TryParse(q["limit"].ToString(), out int l) && l > 0 ? l : 100;
        bool backward = q["direction"].ToString() != "forward";
        var result = range
            ? logQl.Range(text, start, end, Step(q["step"].ToString(), start, end), limit, backward, req.HttpContext.RequestAborted)
            : logQl.Instant(text, end, limit, backward, req.HttpContext.RequestAborted);
        if (result.Series is { } series) return Matrix(series, vector: !range);
        return ApiResults.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "success");
            w.WriteStartObject("data");
            w.WriteString("resultType", "streams");
            LokiJson.WriteStreams(w, "result", result.Lines!);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>A metric result in Loki's (Prometheus's) shape: times in seconds, values as strings.</summary>
    private static IResult Matrix(List<LogSeries> series, bool vector)
    {
        return ApiResults.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "success");
            w.WriteStartObject("data");
            w.WriteString("resultType", vector ? "vector" : "matrix");
            w.WriteStartArray("result");
            foreach (var s in series)
            {
                if (vector && s.Points.Count == 0) continue;
                w.WriteStartObject();
                w.WriteStartObject("metric");
                foreach (var label in s.Labels.AsSpan()) w.WriteString(label.Name, label.Value);
                w.WriteEndObject();
                void Point((long TimeNs, double Value) p)
                {
                    w.WriteStartArray();
                    w.WriteNumberValue(p.TimeNs / 1e9);
                    w.WriteStringValue(Mlobs.Model.Strconv.ValueFormat.Float(p.Value));
                    w.WriteEndArray();
                }
                if (vector) { w.WritePropertyName("value"); Point(s.Points[^1]); }
                else { w.WriteStartArray("values"); foreach (var p in s.Points) Point(p); w.WriteEndArray(); }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>Loki's step: a duration or seconds; by default the range over 250 points, at least a second.</summary>
    private static long Step(string text, long start, long end)
    {
        if (text.Length == 0) return LogQlEngine.DefaultStepNs(start, end);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0) return (long)(seconds * 1e9);
        if (Mlobs.Model.PromDuration.TryParse(text, out long ms) && ms > 0) return ms * 1_000_000;
        throw new ApiException(ApiErrorType.BadData, $"invalid step {text}");
    }

    /// <summary>
    /// Loki's times: an integer is nanoseconds (or seconds when too small to be nanoseconds), as Loki reads it;
    /// every other form (seconds with a fraction, RFC 3339, <c>now-5m</c>) as every mlobs time parameter.
    /// </summary>
    internal static long Time(string text, long fallback)
    {
        if (text.Length == 0) return fallback;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n))
            return n > 100_000_000_000_000 ? n : n * 1_000_000_000; // nanoseconds, else seconds
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && double.IsFinite(s)) return (long)(s * 1e9);
        if (TimeExpression.TryParse(text, DateTimeOffset.UtcNow, out var t)) return (t - DateTimeOffset.UnixEpoch).Ticks * 100;
        throw new ApiException(ApiErrorType.BadData, $"invalid time {text}");
    }

    private static IResult Strings(IEnumerable<string> values)
    {
        values = values.Distinct().Order(StringComparer.Ordinal);
        return ApiResults.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "success");
            w.WriteStartArray("data");
            foreach (var v in values) w.WriteStringValue(v);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    internal static IResult Plain(int status, string message) => Results.Text(message + "\n", "text/plain", Encoding.UTF8, status);
}
