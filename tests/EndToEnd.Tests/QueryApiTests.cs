using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>PromQL through the published binary: the query API as Grafana calls it, /federate, `mlobs query`, and Debian's promtool.</summary>
public sealed class QueryApiTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTarget _target = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public QueryApiTests()
    {
        _target.Body = """
            # HELP model_requests_total Requests served by the model.
            # TYPE model_requests_total counter
            model_requests_total{model="fraud",code="200"} 100
            model_requests_total{model="fraud",code="500"} 3
            # HELP model_latency_seconds Latency.
            # TYPE model_latency_seconds histogram
            model_latency_seconds_bucket{le="0.1"} 5
            model_latency_seconds_bucket{le="0.5"} 9
            model_latency_seconds_bucket{le="+Inf"} 10
            model_latency_seconds_sum 2.5
            model_latency_seconds_count 10

            """;
    }

    public void Dispose()
    {
        _http.Dispose();
        _target.Dispose();
        _dir.Dispose();
    }

    private async Task<MlobsProcess> Serve()
    {
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              external_labels: {"{"} site: edge {"}"}
            scrape_configs:
              - job_name: model
                static_configs:
                  - targets: ["{_target.Address}"]
            """);
        var p = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(20))
        {
            var r = await Query(p, "/api/v1/query?query=" + Uri.EscapeDataString("count_over_time(up[1m])"));
            if (r.GetProperty("data").GetProperty("result").GetArrayLength() > 0
                && double.Parse(r.GetProperty("data").GetProperty("result")[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= 3)
                return p;
            await Task.Delay(250);
        }
        throw new TimeoutException("no scrapes stored:\n" + p.Output);
    }

    private async Task<JsonElement> Query(MlobsProcess p, string pathAndQuery)
    {
        var resp = await _http.GetAsync(p.BaseUrl + pathAndQuery);
        return await resp.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task GrafanaStyleCallsAndQueryResultsHavePrometheusShapes()
    {
        using var p = await Serve();

        // Grafana's datasource test: POST /api/v1/query with query=1+1.
        var scalar = await (await _http.PostAsync(p.BaseUrl + "/api/v1/query", new FormUrlEncodedContent(new Dictionary<string, string> { ["query"] = "1+1", ["time"] = "1700000000.5" })))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("success", scalar.GetProperty("status").GetString());
        Assert.Equal("scalar", scalar.GetProperty("data").GetProperty("resultType").GetString());
        Assert.Equal(1700000000.5, scalar.GetProperty("data").GetProperty("result")[0].GetDouble());
        Assert.Equal("2", scalar.GetProperty("data").GetProperty("result")[1].GetString());

        var up = await Query(p, "/api/v1/query?query=up");
        var sample = up.GetProperty("data").GetProperty("result")[0];
        Assert.Equal("vector", up.GetProperty("data").GetProperty("resultType").GetString());
        Assert.Equal("up", sample.GetProperty("metric").GetProperty("__name__").GetString());
        Assert.Equal(_target.Address, sample.GetProperty("metric").GetProperty("instance").GetString());
        Assert.Equal("1", sample.GetProperty("value")[1].GetString());

        var sum = await Query(p, "/api/v1/query?query=" + Uri.EscapeDataString("sum by (code) (model_requests_total)"));
        var byCode = sum.GetProperty("data").GetProperty("result").EnumerateArray()
            .ToDictionary(s => s.GetProperty("metric").GetProperty("code").GetString()!, s => s.GetProperty("value")[1].GetString());
        Assert.Equal("100", byCode["200"]);
        Assert.Equal("3", byCode["500"]);

        var q = await Query(p, "/api/v1/query?query=" + Uri.EscapeDataString("histogram_quantile(0.5, model_latency_seconds_bucket)"));
        Assert.Equal("0.1", q.GetProperty("data").GetProperty("result")[0].GetProperty("value")[1].GetString());

        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var range = await Query(p, $"/api/v1/query_range?query=up&start={now - 30}&end={now + 1}&step=1s");
        Assert.Equal("matrix", range.GetProperty("data").GetProperty("resultType").GetString());
        var values = range.GetProperty("data").GetProperty("result")[0].GetProperty("values");
        Assert.True(values.GetArrayLength() >= 3);
        Assert.Equal("1", values[0][1].GetString());

        // Errors: position-carrying parse errors are bad_data (400); range-vector range queries too.
        var bad = await _http.GetAsync(p.BaseUrl + "/api/v1/query?query=" + Uri.EscapeDataString("sum(up"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var badBody = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("bad_data", badBody.GetProperty("errorType").GetString());
        Assert.Equal("invalid parameter \"query\": 1:7: parse error: unclosed left parenthesis", badBody.GetProperty("error").GetString());
        var matrixRange = await _http.GetAsync(p.BaseUrl + $"/api/v1/query_range?query=up[1m]&start={now - 30}&end={now}&step=1s");
        Assert.Equal(HttpStatusCode.BadRequest, matrixRange.StatusCode);
        var tooMany = await Query(p, $"/api/v1/query_range?query=up&start=0&end={now}&step=1");
        Assert.Contains("exceeded maximum resolution of 11,000 points", tooMany.GetProperty("error").GetString());

        // Annotations carry the position of the expression they are about, as Prometheus's API writes them.
        var notCounter = await Query(p, "/api/v1/query?query=" + Uri.EscapeDataString("sum(rate(up[1m]))"));
        Assert.Equal("PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"up\" (1:10)",
            notCounter.GetProperty("infos")[0].GetString());

        // format_query and parse_query (the UI's formatter and tree view).
        var formatted = await Query(p, "/api/v1/format_query?query=" + Uri.EscapeDataString("sum(rate(x{b=\"1\",a=\"2\"}[5m]))by(job)"));
        Assert.Equal("sum by (job) (rate(x{a=\"2\",b=\"1\"}[5m]))", formatted.GetProperty("data").GetString());
        var tree = (await Query(p, "/api/v1/parse_query?query=" + Uri.EscapeDataString("topk(3, up offset 1m) > bool on(job) group_left up"))).GetProperty("data");
        Assert.Equal("binaryExpr", tree.GetProperty("type").GetString());
        Assert.Equal(">", tree.GetProperty("op").GetString());
        Assert.True(tree.GetProperty("bool").GetBoolean());
        Assert.Equal("many-to-one", tree.GetProperty("matching").GetProperty("card").GetString());
        Assert.Equal("job", tree.GetProperty("matching").GetProperty("labels")[0].GetString());
        var topk = tree.GetProperty("lhs");
        Assert.Equal("aggregation", topk.GetProperty("type").GetString());
        Assert.Equal("3", topk.GetProperty("param").GetProperty("val").GetString());
        Assert.Equal(60000, topk.GetProperty("expr").GetProperty("offset").GetInt64());
        Assert.Equal("__name__", topk.GetProperty("expr").GetProperty("matchers")[0].GetProperty("name").GetString());
        var badFormat = await _http.GetAsync(p.BaseUrl + "/api/v1/format_query?query=" + Uri.EscapeDataString("sum("));
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
        Assert.StartsWith("invalid parameter \"query\": 1:5: parse error", (await badFormat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());

        // The rest of what Grafana calls when a Prometheus datasource is added.
        var md = await Query(p, "/api/v1/metadata");
        var requests = md.GetProperty("data").GetProperty("model_requests_total")[0];
        Assert.Equal("counter", requests.GetProperty("type").GetString());
        Assert.Equal("Requests served by the model.", requests.GetProperty("help").GetString());
        Assert.Equal("histogram", md.GetProperty("data").GetProperty("model_latency_seconds")[0].GetProperty("type").GetString());
        foreach (var path in new[] { "/api/v1/status/buildinfo", "/api/v1/status/runtimeinfo", "/api/v1/status/flags", "/api/v1/labels", "/api/v1/label/__name__/values", "/api/v1/query_exemplars?query=up" })
            Assert.Equal("success", (await Query(p, path)).GetProperty("status").GetString());

        // /federate in the text format, with the external labels.
        var federate = await _http.GetStringAsync(p.BaseUrl + "/federate?match[]=" + Uri.EscapeDataString("{job=\"model\",__name__=\"model_requests_total\"}"));
        Assert.Contains("# TYPE model_requests_total untyped\n", federate);
        Assert.Matches($"model_requests_total\\{{code=\"200\",instance=\"{_target.Address}\",job=\"model\",model=\"fraud\",site=\"edge\"\\}} 100 \\d+\n", federate);
    }

    [Fact]
    public async Task QueryVerbsAnswerFromAServerOrADataDir()
    {
        using var p = await Serve();
        var (exit, output) = await MlobsProcess.RunAsync("query", "sum by (code) (model_requests_total)", "--server", p.BaseUrl);
        Assert.Equal(0, exit);
        Assert.Contains("SERIES", output);
        Assert.Matches(@"\{code=""200""\}\s+100", output);

        (exit, output) = await MlobsProcess.RunAsync("query", "up", "--server", p.BaseUrl, "--format", "json");
        Assert.Equal(0, exit);
        Assert.Contains("\"resultType\":\"vector\"", output);

        (exit, output) = await MlobsProcess.RunAsync("query-range", "up", "--start", "now-20s", "--step", "2s", "--server", p.BaseUrl);
        Assert.Equal(0, exit);
        Assert.Contains($"up{{instance=\"{_target.Address}\", job=\"model\"}}", output);

        (exit, output) = await MlobsProcess.RunAsync("query", "sum(", "--server", p.BaseUrl);
        Assert.Equal(1, exit);
        Assert.Contains("parse error", output);

        // promtool (Debian's prometheus package) against mlobs serve.
        const string promtool = "/usr/bin/promtool";
        if (File.Exists(promtool))
        {
            var psi = new ProcessStartInfo(promtool) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "query", "instant", p.BaseUrl, "model_requests_total{code=\"500\"}" }) psi.ArgumentList.Add(a);
            using var pt = Process.Start(psi)!;
            var text = await pt.StandardOutput.ReadToEndAsync() + await pt.StandardError.ReadToEndAsync();
            await pt.WaitForExitAsync();
            Assert.True(pt.ExitCode == 0, text);
            Assert.Contains("model_requests_total{code=\"500\"", text);
            Assert.Contains("=> 3 @[", text);
        }

        Assert.Equal(0, await p.StopAsync());
        (exit, output) = await MlobsProcess.RunAsync("query", "count(model_requests_total)", "--data", Path.Combine(_dir.Path, "data"),
            "--time", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, exit);
        Assert.Matches(@"\{\}\s+2", output);
    }
}
