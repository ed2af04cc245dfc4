using System.Globalization;
using System.Text.Json;
using Mlobs.Model;
using Mlobs.Query.PromQl.Engine;

namespace Mlobs.Appliance.Http;

/// <summary>
/// Grafana's query endpoint, <c>POST /api/ds/query</c>, for the Prometheus datasource (uid <c>mlobs-prometheus</c>):
/// <c>{"queries": [{"refId", "datasource", "expr", "range"|"instant", "intervalMs", "maxDataPoints", "interval",
/// "legendFormat", "hide"}], "from", "to"}</c> answered with data frames, one per series, under
/// <c>results.&lt;refId&gt;</c> (see <see cref="DataFrameJson"/>). Frames carry values in columns as numbers, where
/// the Prometheus API sends a [time, "value"] pair per point: the dashboard page asks for its panels' data here, as
/// Grafana's own front end does, because the browser parses and keeps columns for a fraction of the cost of pairs
/// (bench/ui measured it).
/// </summary>
public static class DataSourceQueryApi
{
    public const string PrometheusUid = "mlobs-prometheus";

    private const int MaxBodyBytes = 1 << 20;

    /// <summary>Prometheus refuses range queries of more than 11,000 points a series; Grafana widens the step to fit.</summary>
    private const long MaxPoints = 11_000;

    public static void Map(IEndpointRouteBuilder app, IQueryEngine engine, IStatusRetriever status)
    {
        app.MapPost("/api/ds/query", (HttpRequest req) => QueryAsync(engine, status, req));
    }

    private static async Task<IResult> QueryAsync(IQueryEngine engine, IStatusRetriever status, HttpRequest req)
    {
        byte[]? body;
        try
        {
            body = await RequestBody.ReadAsync(req, MaxBodyBytes, req.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException)
        {
            return BadRequest(ex.Message);
        }
        if (body is null) return BadRequest($"request body larger than {MaxBodyBytes} bytes");
        List<DataSourceQuery> queries;
        try
        {
            queries = Parse(body, DateTimeOffset.UtcNow, (long)status.Config.Global.ScrapeInterval.TotalMilliseconds);
        }
        catch (JsonException ex)
        {
            // System.Text.Json ends its message with "LineNumber: 0 | BytePositionInLine: 36.": said as line:column.
            var message = ex.Message;
            int at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (at > 0) message = message[..at];
            return BadRequest($"invalid JSON at {(ex.LineNumber ?? 0) + 1}:{(ex.BytePositionInLine ?? 0) + 1}: {message}");
        }
        catch (FormatException ex)
        {
            return BadRequest(ex.Message);
        }
        var responses = new List<DataFrameJson.Response>(queries.Count);
        foreach (var q in queries) responses.Add(Run(engine, q, req.HttpContext.RequestAborted));
        return new DataFrameJson(responses);
    }

    private static DataFrameJson.Response Run(IQueryEngine engine, DataSourceQuery q, CancellationToken cancel)
    {
        if (q.Error is not null) return new DataFrameJson.Response(q, null, q.Error, 400);
        try
        {
            var result = q.Instant ? engine.Instant(q.Expr, q.EndMs, ct: cancel) : engine.Range(q.Expr, q.StartMs, q.EndMs, q.StepMs, ct: cancel);
            return new DataFrameJson.Response(q, result, null, 200);
        }
        catch (QueryException ex)
        {
            // The status the Prometheus API answers the same failure with (bad_data 400, execution 422, timeout 503...).
            return new DataFrameJson.Response(q, null, ex.Message, ApiResults.Describe(ApiException.From(ex).Type).Status);
        }
    }

    private static IResult BadRequest(string message) =>
        ApiResults.Json(w => { w.WriteStartObject(); w.WriteString("message", message); w.WriteEndObject(); }, 400);

    /// <summary>
    /// The request's queries with their time range and step resolved. A query mlobs cannot run (another datasource,
    /// no expression) carries its error and is answered under its refId, as Grafana answers per query.
    /// </summary>
    public static List<DataSourceQuery> Parse(ReadOnlySpan<byte> body, DateTimeOffset now, long scrapeMs)
    {
        using var doc = JsonDocument.Parse(body.ToArray());
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("queries", out var list) || list.ValueKind != JsonValueKind.Array)
            throw new FormatException("queries is required: {\"queries\": [...], \"from\": ..., \"to\": ...}");
        long from = Time(root, "from", now, now.AddHours(-1)), to = Time(root, "to", now, now);
        if (to < from) throw new FormatException("invalid time range: \"to\" is before \"from\"");
        var queries = new List<DataSourceQuery>();
        foreach (var q in list.EnumerateArray())
        {
            if (q.ValueKind != JsonValueKind.Object) throw new FormatException("each query must be a JSON object");
            if (q.TryGetProperty("hide", out var hide) && hide.ValueKind == JsonValueKind.True) continue;
            string refId = Text(q, "refId") ?? "A";
            // Answers are keyed by refId, so two queries cannot share one (Grafana's editor never lets them).
            if (queries.Exists(other => other.RefId == refId)) throw new FormatException($"refId {refId} is used by more than one query");
            string expr = Text(q, "expr") ?? "";
            bool instant = Flag(q, "instant") && !Flag(q, "range");
            string legend = Text(q, "legendFormat") ?? "";
            long step = Step(q, to - from, scrapeMs);
            string? error = DatasourceError(q) ?? (expr.Trim().Length == 0 ? "query is empty: \"expr\" is required" : null);
            queries.Add(new DataSourceQuery(refId, expr, instant, from, to, step, legend, error));
        }
        return queries;
    }

    /// <summary>
    /// The step: the query's intervalMs (what Grafana's front end computed from the panel's width), else the range
    /// over maxDataPoints, floored by the query's own min interval and, without an intervalMs, the scrape interval
    /// (the datasource's timeInterval); widened so no series has more than 11,000 points.
    /// </summary>
    private static long Step(JsonElement q, long rangeMs, long scrapeMs)
    {
        long step = q.TryGetProperty("intervalMs", out var iv) && iv.ValueKind == JsonValueKind.Number ? (long)iv.GetDouble() : 0;
        if (step <= 0)
        {
            double points = q.TryGetProperty("maxDataPoints", out var mp) && mp.ValueKind == JsonValueKind.Number && mp.GetDouble() > 0 ? mp.GetDouble() : 1100;
            step = Math.Max(scrapeMs, (long)Math.Ceiling(rangeMs / points));
        }
        if (Text(q, "interval") is { Length: > 0 } min && !min.Contains('$', StringComparison.Ordinal))
        {
            if (!PromDuration.TryParse(min, out long minMs)) throw new FormatException($"invalid interval \"{min}\" in query {Text(q, "refId") ?? "A"}");
            step = Math.Max(step, minMs);
        }
        step = Math.Max(step, (long)Math.Ceiling(rangeMs / (double)MaxPoints));
        return Math.Max(1, step);
    }

    /// <summary>
    /// Only the Prometheus datasource runs here: any uid with type prometheus (dashboards name their own), a bare uid
    /// or name such as <c>${DS_PROMETHEUS}</c>; a Loki or other typed datasource's query is refused by name.
    /// </summary>
    private static string? DatasourceError(JsonElement q)
    {
        if (!q.TryGetProperty("datasource", out var ds) || ds.ValueKind == JsonValueKind.Null) return null;
        string? uid = ds.ValueKind == JsonValueKind.String ? ds.GetString() : Text(ds, "uid");
        string? type = Text(ds, "type");
        bool foreign = (type is not null && type != "prometheus") || (uid ?? "").Contains("loki", StringComparison.OrdinalIgnoreCase);
        if (!foreign) return null;
        return $"datasource {type ?? uid} is not supported here: /api/ds/query runs PromQL on {PrometheusUid} (query logs with /loki/api/v1/query_range)";
    }

    /// <summary>Grafana sends epoch milliseconds as strings; "now-6h" and RFC 3339 are read as well.</summary>
    private static long Time(JsonElement root, string name, DateTimeOffset now, DateTimeOffset fallback)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return fallback.ToUnixTimeMilliseconds();
        if (v.ValueKind == JsonValueKind.Number) return (long)v.GetDouble();
        string text = v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long ms)) return ms;
        if (text.StartsWith("now", StringComparison.Ordinal) && TimeExpression.TryParseMs(text, now, out ms)) return ms;
        if (text.Length >= 20 && TimeExpression.TryParseMs(text, now, out ms)) return ms;
        throw new FormatException($"invalid \"{name}\": cannot parse \"{text}\" as epoch milliseconds or a relative time");
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool Flag(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}

/// <summary>One query of a /api/ds/query request, resolved: what to run, over which range, and how to name series.</summary>
public sealed record DataSourceQuery(string RefId, string Expr, bool Instant, long StartMs, long EndMs, long StepMs, string LegendFormat, string? Error);
