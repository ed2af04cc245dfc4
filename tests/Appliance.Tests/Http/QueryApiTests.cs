using System.Net;
using Mlobs.Ingest.Scrape;
using Mlobs.Model.Labels;

namespace Mlobs.Appliance.Tests.Http;

/// <summary>/api/v1/query, query_range, format_query, parse_query, metadata, runtimeinfo and flags in process.</summary>
public sealed class QueryApiTests
{
    private static readonly long T = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds() / 1000 * 1000;

    private static async Task<ApiHost> HostWithSeriesAsync()
    {
        var host = await ApiHost.StartAsync();
        var api = LabelSet.From(("__name__", "requests_total"), ("job", "api"));
        host.Append((api, T - 60_000, 10), (api, T, 70));
        return host;
    }

    [Fact]
    public async Task InstantAndRangeQueriesAnswerInPrometheusShapes()
    {
        await using var host = await HostWithSeriesAsync();
        var seconds = (T / 1000).ToString();
        var vector = await host.DataAsync($"/api/v1/query?query=requests_total&time={seconds}");
        Assert.Equal("vector", vector.GetProperty("resultType").GetString());
        var sample = Assert.Single(vector.GetProperty("result").EnumerateArray());
        Assert.Equal("api", sample.GetProperty("metric").GetProperty("job").GetString());
        Assert.Equal(T / 1000.0, sample.GetProperty("value")[0].GetDouble());
        Assert.Equal("70", sample.GetProperty("value")[1].GetString());

        var scalar = await host.DataAsync("/api/v1/query", new() { ["query"] = "1 + 1", ["time"] = seconds });
        Assert.Equal("scalar", scalar.GetProperty("resultType").GetString());
        Assert.Equal("2", scalar.GetProperty("result")[1].GetString());

        var matrix = await host.DataAsync($"/api/v1/query_range?query=requests_total&start={T / 1000 - 60}&end={seconds}&step=30s");
        Assert.Equal("matrix", matrix.GetProperty("resultType").GetString());
        var values = Assert.Single(matrix.GetProperty("result").EnumerateArray()).GetProperty("values");
        Assert.Equal(["10", "10", "70"], values.EnumerateArray().Select(v => v[1].GetString()));

        var exemplars = await host.DataAsync("/api/v1/query_exemplars?query=requests_total");
        Assert.Equal(0, exemplars.GetArrayLength());
    }

    [Fact]
    public async Task QueryErrorsCarryPrometheusErrorTypesAndTexts()
    {
        await using var host = await HostWithSeriesAsync();
        await host.AssertErrorAsync("/api/v1/query", HttpStatusCode.BadRequest, "bad_data",
            "invalid parameter \"query\": parse error: no expression found in input");
        await host.AssertErrorAsync("/api/v1/query?query=sum(", HttpStatusCode.BadRequest, "bad_data",
            "invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis");
        await host.AssertErrorAsync("/api/v1/query_range?query=up&end=1&step=1", HttpStatusCode.BadRequest, "bad_data",
            "invalid parameter \"start\": cannot parse \"\" to a valid timestamp");
        await host.AssertErrorAsync("/api/v1/query_range?query=up&start=1&end=2&step=soon", HttpStatusCode.BadRequest, "bad_data",
            "invalid parameter \"step\": cannot parse \"soon\" to a valid duration");
        await host.AssertErrorAsync("/api/v1/query_range?query=up&start=0&end=100000&step=1", HttpStatusCode.BadRequest, "bad_data",
            "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
        await host.AssertErrorAsync("/api/v1/query_range?query=up&start=2&end=1&step=1", HttpStatusCode.BadRequest, "bad_data",
            "invalid parameter \"end\": end timestamp must not be before start time");
        // A range vector is a valid instant query.
        var matrix = await host.DataAsync($"/api/v1/query?query=requests_total[5m]&time={T / 1000}");
        Assert.Equal("matrix", matrix.GetProperty("resultType").GetString());
        // Execution errors are 422.
        await host.AssertErrorAsync($"/api/v1/query?query=label_replace(requests_total,\"job\",\"x\",\"job\",\"(\")&time={T / 1000}",
            HttpStatusCode.UnprocessableEntity, "execution", "invalid regular expression in label_replace(): (");
    }

    [Fact]
    public async Task FormatAndParseQuery()
    {
        await using var host = await ApiHost.StartAsync();
        Assert.Equal("sum by (job) (rate(x[5m]))", (await host.DataAsync("/api/v1/format_query?query=sum(rate(x[5m]))by(job)")).GetString());
        var tree = await host.DataAsync("/api/v1/parse_query?query=sum(x)");
        Assert.Equal("aggregation", tree.GetProperty("type").GetString());
        await host.AssertErrorAsync("/api/v1/format_query?query=sum(", HttpStatusCode.BadRequest, "bad_data",
            "invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis");
    }

    [Fact]
    public async Task MetadataRuntimeInfoAndFlags()
    {
        await using var host = await ApiHost.StartAsync();
        host.Metadata.Entries.Add(("requests_total", [new MetricMetadata("counter", "Requests served.", "")]));
        host.Metadata.Entries.Add(("model_accuracy", [new MetricMetadata("gauge", "Accuracy.", ""), new MetricMetadata("gauge", "Accuracy (v2).", "")]));
        var all = await host.DataAsync("/api/v1/metadata");
        Assert.Equal("counter", all.GetProperty("requests_total")[0].GetProperty("type").GetString());
        Assert.Equal(2, all.GetProperty("model_accuracy").GetArrayLength());
        var one = await host.DataAsync("/api/v1/metadata?metric=model_accuracy&limit_per_metric=1");
        Assert.Equal(1, one.GetProperty("model_accuracy").GetArrayLength());
        Assert.False(one.TryGetProperty("requests_total", out _));

        var info = await host.DataAsync("/api/v1/status/runtimeinfo");
        Assert.Equal("2027-01-15T08:00:00Z", info.GetProperty("startTime").GetString());
        Assert.Equal("2027-01-15T08:01:00Z", info.GetProperty("lastConfigTime").GetString());
        Assert.True(info.GetProperty("reloadConfigSuccess").GetBoolean());
        Assert.False(info.TryGetProperty("goroutineCount", out _));

        var flags = await host.DataAsync("/api/v1/status/flags");
        Assert.Equal("/etc/mlobs/prometheus.yml", flags.GetProperty("config.file").GetString());
        Assert.Equal(host.Status.DataDirectory, flags.GetProperty("storage.tsdb.path").GetString());
        Assert.Equal("5m", flags.GetProperty("query.lookback-delta").GetString());
    }

    [Fact]
    public async Task JsonIsEscapedAsGoEscapesIt()
    {
        await using var host = await ApiHost.StartAsync();
        var query = Uri.EscapeDataString("label_replace(vector(1),\"a\",\"<b>a+é&</b>\\u2028\",\"\",\"\")");
        // Prometheus 2.42's answer to the same request, byte for byte: HTML-sensitive characters and U+2028 escaped, '+' and é not.
        Assert.Equal("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"a\":\"\\u003cb\\u003ea+é\\u0026\\u003c/b\\u003e\\u2028\"},\"value\":[1700000000,\"1\"]}]}}",
            await host.Http.GetStringAsync($"/api/v1/query?query={query}&time=1700000000"));
        host.Append((Model.Labels.LabelSet.From(("__name__", "m"), ("a", "<b>a+é&</b>")), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), 1));
        Assert.Equal("{\"status\":\"success\",\"data\":[\"\\u003cb\\u003ea+é\\u0026\\u003c/b\\u003e\"]}", await host.Http.GetStringAsync("/api/v1/label/a/values"));
        Assert.Contains("\"a\":\"\\u003cb\\u003ea+é\\u0026\\u003c/b\\u003e\"", await host.Http.GetStringAsync("/api/v1/series?match[]=m"));
    }
}
