using System.Net;
using System.Text;
using System.Text.Json;
using Mlobs.Model.Labels;

namespace Mlobs.Appliance.Tests.Http;

/// <summary>Grafana's POST /api/ds/query in process: data frames per series, NaN/±Inf as entities, per-query errors.</summary>
public sealed class DataSourceQueryApiTests
{
    private static readonly long T = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds() / 1000 * 1000;

    private static async Task<ApiHost> HostWithSeriesAsync()
    {
        var host = await ApiHost.StartAsync();
        var api = LabelSet.From(("__name__", "requests_total"), ("job", "api"));
        var web = LabelSet.From(("__name__", "requests_total"), ("job", "web"));
        host.Append((api, T - 60_000, 10), (api, T, 70), (web, T - 60_000, 1), (web, T, 2));
        return host;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(ApiHost host, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var res = await host.Http.PostAsync("/api/ds/query", content);
        var text = await res.Content.ReadAsStringAsync();
        return (res.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task RangeQueryAnswersOneFramePerSeriesWithColumnsAndGrafanaSchema()
    {
        await using var host = await HostWithSeriesAsync();
        var (status, body) = await PostAsync(host, $$$"""
            {"queries": [{"refId": "A", "datasource": {"type": "prometheus", "uid": "mlobs-prometheus"}, "expr": "requests_total",
              "range": true, "intervalMs": 30000, "maxDataPoints": 600, "legendFormat": "{{job}} requests"}],
             "from": "{{{T - 60_000}}}", "to": "{{{T}}}"}
            """);
        Assert.Equal(HttpStatusCode.OK, status);
        var a = body.GetProperty("results").GetProperty("A");
        Assert.Equal(200, a.GetProperty("status").GetInt32());
        var frames = a.GetProperty("frames").EnumerateArray().ToList();
        Assert.Equal(2, frames.Count);
        var schema = frames[0].GetProperty("schema");
        Assert.Equal("A", schema.GetProperty("refId").GetString());
        Assert.Equal("timeseries-multi", schema.GetProperty("meta").GetProperty("type").GetString());
        Assert.Equal("matrix", schema.GetProperty("meta").GetProperty("custom").GetProperty("resultType").GetString());
        Assert.Equal("Expr: requests_total\nStep: 30s", schema.GetProperty("meta").GetProperty("executedQueryString").GetString());
        var fields = schema.GetProperty("fields");
        Assert.Equal("Time", fields[0].GetProperty("name").GetString());
        Assert.Equal("time", fields[0].GetProperty("type").GetString());
        Assert.Equal(30000, fields[0].GetProperty("config").GetProperty("interval").GetInt64());
        Assert.Equal("Value", fields[1].GetProperty("name").GetString());
        Assert.Equal("number", fields[1].GetProperty("type").GetString());
        Assert.Equal("api", fields[1].GetProperty("labels").GetProperty("job").GetString());
        Assert.Equal("requests_total", fields[1].GetProperty("labels").GetProperty("__name__").GetString());
        Assert.Equal("api requests", fields[1].GetProperty("config").GetProperty("displayNameFromDS").GetString());
        // Columns: epoch milliseconds, then numbers (the Prometheus API's query_range gives the same points as pairs).
        var values = frames[0].GetProperty("data").GetProperty("values");
        Assert.Equal([T - 60_000, T - 30_000, T], values[0].EnumerateArray().Select(v => v.GetInt64()));
        Assert.Equal([10.0, 10.0, 70.0], values[1].EnumerateArray().Select(v => v.GetDouble()));
        Assert.False(frames[0].GetProperty("data").TryGetProperty("entities", out _));
        Assert.Equal("web requests", frames[1].GetProperty("schema").GetProperty("fields")[1].GetProperty("config").GetProperty("displayNameFromDS").GetString());
    }

    [Fact]
    public async Task NaNAndInfinitiesAreNullsListedAsEntities()
    {
        await using var host = await HostWithSeriesAsync();
        // 0/0 is NaN, 1/0 +Inf, -1/0 -Inf: at each step of the range one of them, by the minute of the step.
        var (status, body) = await PostAsync(host, $$"""
            {"queries": [{"refId": "B", "expr": "vector(0)/0 or vector(1)", "intervalMs": 30000},
                         {"refId": "C", "expr": "(requests_total{job=\"api\"} - 10) / 0", "intervalMs": 30000},
                         {"refId": "D", "expr": "-1/0", "instant": true}],
             "from": "{{T - 60_000}}", "to": "{{T}}"}
            """);
        Assert.Equal(HttpStatusCode.OK, status);
        var results = body.GetProperty("results");
        var b = Assert.Single(results.GetProperty("B").GetProperty("frames").EnumerateArray()).GetProperty("data");
        Assert.All(b.GetProperty("values")[1].EnumerateArray(), v => Assert.Equal(JsonValueKind.Null, v.ValueKind));
        Assert.Equal([0, 1, 2], b.GetProperty("entities")[1].GetProperty("NaN").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(JsonValueKind.Null, b.GetProperty("entities")[0].ValueKind);
        var c = Assert.Single(results.GetProperty("C").GetProperty("frames").EnumerateArray()).GetProperty("data");
        // (10-10)/0 = NaN at the first two steps, (70-10)/0 = +Inf at the last.
        Assert.Equal([0, 1], c.GetProperty("entities")[1].GetProperty("NaN").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal([2], c.GetProperty("entities")[1].GetProperty("Inf").EnumerateArray().Select(v => v.GetInt32()));
        var d = Assert.Single(results.GetProperty("D").GetProperty("frames").EnumerateArray());
        Assert.Equal("scalar", d.GetProperty("schema").GetProperty("meta").GetProperty("custom").GetProperty("resultType").GetString());
        Assert.Equal([T], d.GetProperty("data").GetProperty("values")[0].EnumerateArray().Select(v => v.GetInt64()));
        Assert.Equal([0], d.GetProperty("data").GetProperty("entities")[1].GetProperty("NegInf").EnumerateArray().Select(v => v.GetInt32()));
    }

    [Fact]
    public async Task InstantQueriesAnswerAFramePerSampleAndHiddenQueriesAreSkipped()
    {
        await using var host = await HostWithSeriesAsync();
        var (_, body) = await PostAsync(host, $$"""
            {"queries": [{"refId": "A", "expr": "sum by (job) (requests_total)", "instant": true},
                         {"refId": "H", "expr": "requests_total", "hide": true}],
             "from": "now-10m", "to": "{{T}}"}
            """);
        var results = body.GetProperty("results");
        Assert.False(results.TryGetProperty("H", out _));
        var frames = results.GetProperty("A").GetProperty("frames").EnumerateArray().ToList();
        Assert.Equal(2, frames.Count);
        Assert.Equal("vector", frames[0].GetProperty("schema").GetProperty("meta").GetProperty("custom").GetProperty("resultType").GetString());
        Assert.Equal("Expr: sum by (job) (requests_total)", frames[0].GetProperty("schema").GetProperty("meta").GetProperty("executedQueryString").GetString());
        var byJob = frames.ToDictionary(f => f.GetProperty("schema").GetProperty("fields")[1].GetProperty("labels").GetProperty("job").GetString()!,
            f => f.GetProperty("data").GetProperty("values")[1][0].GetDouble());
        Assert.Equal(70, byJob["api"]);
        Assert.Equal(2, byJob["web"]);
    }

    [Fact]
    public async Task ErrorsAreAnsweredPerQueryUnderTheirRefId()
    {
        await using var host = await HostWithSeriesAsync();
        var (status, body) = await PostAsync(host, $$"""
            {"queries": [{"refId": "A", "expr": "requests_total", "intervalMs": 30000},
                         {"refId": "B", "expr": "sum(", "intervalMs": 30000},
                         {"refId": "L", "datasource": {"type": "loki", "uid": "mlobs-loki"}, "expr": "{job=\"api\"}"},
                         {"refId": "E", "expr": " "}],
             "from": "{{T - 60_000}}", "to": "{{T}}"}
            """);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var results = body.GetProperty("results");
        Assert.Equal(2, results.GetProperty("A").GetProperty("frames").GetArrayLength());
        var b = results.GetProperty("B");
        Assert.Equal("invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis", b.GetProperty("error").GetString());
        Assert.Equal(400, b.GetProperty("status").GetInt32());
        Assert.Contains("datasource loki is not supported here", results.GetProperty("L").GetProperty("error").GetString());
        Assert.Equal("query is empty: \"expr\" is required", results.GetProperty("E").GetProperty("error").GetString());
    }

    [Fact]
    public async Task TheStepWidensToElevenThousandPointsAndBadRequestsAreRefused()
    {
        await using var host = await HostWithSeriesAsync();
        // 30 days at intervalMs 1 s would be 2.6 million points: widened to range/11,000 (236 s), as Grafana does.
        long from = T - 30L * 86_400_000;
        var (status, body) = await PostAsync(host, $$"""{"queries": [{"refId": "A", "expr": "vector(1)", "intervalMs": 1000}], "from": "{{from}}", "to": "{{T}}"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var frame = body.GetProperty("results").GetProperty("A").GetProperty("frames")[0];
        Assert.Equal(235637, frame.GetProperty("schema").GetProperty("fields")[0].GetProperty("config").GetProperty("interval").GetInt64());
        Assert.Equal(11000, frame.GetProperty("data").GetProperty("values")[0].GetArrayLength());

        var (badJson, error) = await PostAsync(host, """{"queries": [""");
        Assert.Equal(HttpStatusCode.BadRequest, badJson);
        Assert.StartsWith("invalid JSON at 1:14: ", error.GetProperty("message").GetString());
        Assert.DoesNotContain("LineNumber", error.GetProperty("message").GetString());
        var (noQueries, error2) = await PostAsync(host, """{"from": "now-1h"}""");
        Assert.Equal(HttpStatusCode.BadRequest, noQueries);
        Assert.StartsWith("queries is required", error2.GetProperty("message").GetString());
        var (twice, error4) = await PostAsync(host, """{"queries": [{"refId": "A", "expr": "up"}, {"expr": "up"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, twice);
        Assert.Equal("refId A is used by more than one query", error4.GetProperty("message").GetString());
        var (badTime, error3) = await PostAsync(host, """{"queries": [], "from": "yesterday"}""");
        Assert.Equal(HttpStatusCode.BadRequest, badTime);
        Assert.Equal("invalid \"from\": cannot parse \"yesterday\" as epoch milliseconds or a relative time", error3.GetProperty("message").GetString());
    }
}
