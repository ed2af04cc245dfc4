using System.Globalization;
using System.Text.Json;
using Mlobs.WebUi.Dashboards;

namespace Mlobs.Appliance.Dashboards;

/// <summary>Answers a dashboard's queries from a running mlobs (or Prometheus) over its HTTP API, as Grafana would.</summary>
public sealed class HttpDashboardDataSource(HttpClient http, string baseUrl) : IDashboardDataSource
{
    private readonly string _base = baseUrl.TrimEnd('/');

    /// <summary>
    /// The Prometheus datasource's timeInterval from the server's Grafana-style <c>/api/datasources</c> (mlobs's global
    /// scrape_interval), as the page reads it; Grafana's default 15s from a server without it (a Prometheus).
    /// </summary>
    public async Task<TimeSpan> ScrapeIntervalAsync(CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(_base + "/api/datasources", ct);
            if (!response.IsSuccessStatusCode) return GrafanaTime.DefaultScrapeInterval;
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            foreach (var ds in doc.RootElement.EnumerateArray())
                if (ds.TryGetProperty("type", out var type) && type.GetString() == "prometheus"
                    && ds.TryGetProperty("jsonData", out var data) && data.TryGetProperty("timeInterval", out var ti)
                    && Mlobs.Model.PromDuration.TryParse(ti.GetString() ?? "", out long ms) && ms > 0)
                    return TimeSpan.FromMilliseconds(ms);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or InvalidOperationException)
        {
            // not a server that describes its datasources
        }
        return GrafanaTime.DefaultScrapeInterval;
    }

    public async Task<IReadOnlyList<string>> LabelValuesAsync(string label, string? match, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var url = $"{_base}/api/v1/label/{Uri.EscapeDataString(label)}/values?start={Seconds(from)}&end={Seconds(to)}"
                  + (match is null ? "" : "&match[]=" + Uri.EscapeDataString(match));
        return Strings(await GetDataAsync(url, ct));
    }

    public async Task<IReadOnlyList<string>> LabelNamesAsync(string? match, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var url = $"{_base}/api/v1/labels?start={Seconds(from)}&end={Seconds(to)}" + (match is null ? "" : "&match[]=" + Uri.EscapeDataString(match));
        return Strings(await GetDataAsync(url, ct));
    }

    public Task<PanelQueryResult> RangeQueryAsync(string expr, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken ct) =>
        QueryAsync("query_range", new Dictionary<string, string>
        {
            ["query"] = expr,
            ["start"] = Seconds(from),
            ["end"] = Seconds(to),
            ["step"] = step.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        }, ct);

    public Task<PanelQueryResult> InstantQueryAsync(string expr, DateTimeOffset time, CancellationToken ct) =>
        QueryAsync("query", new Dictionary<string, string> { ["query"] = expr, ["time"] = Seconds(time) }, ct);

    public async Task<PanelQueryResult> LogMetricQueryAsync(string expr, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken ct)
    {
        var (body, error) = await LokiGetAsync($"query={Uri.EscapeDataString(expr)}&start={Seconds(from)}&end={Seconds(to)}&step={step.TotalSeconds.ToString(CultureInfo.InvariantCulture)}", ct);
        return error is not null ? PanelQueryResult.Failed(error) : Result(body);
    }

    public async Task<LogLinesResult> LogLinesAsync(string expr, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct)
    {
        var (body, error) = await LokiGetAsync($"query={Uri.EscapeDataString(expr)}&start={Seconds(from)}&end={Seconds(to)}&limit={limit}&direction=backward", ct);
        if (error is not null) return LogLinesResult.Failed(error);
        using var doc = Parse(body);
        var data = doc.RootElement.GetProperty("data");
        if (data.GetProperty("resultType").GetString() != "streams") return LogLinesResult.Failed("not a log query");
        var lines = new List<LogLine>();
        foreach (var s in data.GetProperty("result").EnumerateArray())
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var l in s.GetProperty("stream").EnumerateObject()) labels[l.Name] = l.Value.GetString() ?? "";
            foreach (var v in s.GetProperty("values").EnumerateArray()) lines.Add(new LogLine(v[0].GetString() ?? "0", v[1].GetString() ?? "", labels));
        }
        return new LogLinesResult(lines.OrderByDescending(l => long.Parse(l.Ns, CultureInfo.InvariantCulture)).ToList(), null);
    }

    /// <summary>Loki's query_range: the JSON body, or the plain-text error Loki answers with.</summary>
    private async Task<(string Body, string? Error)> LokiGetAsync(string query, CancellationToken ct)
    {
        using var response = await http.GetAsync($"{_base}/loki/api/v1/query_range?{query}", ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return response.IsSuccessStatusCode ? (body, null) : ("", body.Trim().Length > 0 ? body.Trim() : response.ReasonPhrase ?? "error");
    }

    private async Task<PanelQueryResult> QueryAsync(string endpoint, Dictionary<string, string> form, CancellationToken ct)
    {
        using var response = await http.PostAsync($"{_base}/api/v1/{endpoint}", new FormUrlEncodedContent(form), ct);
        return Result(await response.Content.ReadAsStringAsync(ct));
    }

    /// <summary>A query result in the Prometheus API's shape (Loki's metric results share it).</summary>
    private static PanelQueryResult Result(string body)
    {
        using var doc = Parse(body);
        var root = doc.RootElement;
        if (root.GetProperty("status").GetString() != "success") return PanelQueryResult.Failed(root.TryGetProperty("error", out var e) ? e.GetString() ?? "error" : "error");
        var data = root.GetProperty("data");
        string type = data.GetProperty("resultType").GetString() ?? "";
        var result = data.GetProperty("result");
        var series = new List<ResultSeries>();
        if (type is "matrix" or "vector")
        {
            foreach (var s in result.EnumerateArray())
            {
                var labels = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var l in s.GetProperty("metric").EnumerateObject()) labels[l.Name] = l.Value.GetString() ?? "";
                var points = new List<(double, double)>();
                if (s.TryGetProperty("values", out var values)) foreach (var p in values.EnumerateArray()) points.Add(Point(p));
                if (s.TryGetProperty("value", out var value)) points.Add(Point(value));
                series.Add(new ResultSeries(labels, points));
            }
        }
        else if (type == "scalar")
        {
            series.Add(new ResultSeries(new Dictionary<string, string>(), [Point(result)]));
        }
        return new PanelQueryResult(series, null, type);
    }

    private static (double, double) Point(JsonElement p) =>
        (p[0].GetDouble(), double.Parse(p[1].GetString() ?? "NaN", NumberStyles.Float, CultureInfo.InvariantCulture));

    private async Task<JsonElement> GetDataAsync(string url, CancellationToken ct)
    {
        var body = await http.GetStringAsync(url, ct);
        using var doc = Parse(body);
        if (doc.RootElement.GetProperty("status").GetString() != "success")
            throw new DataSourceException(doc.RootElement.TryGetProperty("error", out var e) ? e.GetString() ?? "error" : "error");
        return doc.RootElement.GetProperty("data").Clone();
    }

    private static JsonDocument Parse(string body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw new DataSourceException("the server did not answer with Prometheus API JSON: " + body[..Math.Min(200, body.Length)]);
        }
    }

    private static IReadOnlyList<string> Strings(JsonElement data) =>
        data.ValueKind == JsonValueKind.Array ? data.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];

    private static string Seconds(DateTimeOffset t) => (t.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
}
