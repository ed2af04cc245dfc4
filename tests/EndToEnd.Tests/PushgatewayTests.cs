using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// The built-in Pushgateway through the published binary beside Debian's prometheus-pushgateway 1.5.1: the same push
/// sequence (good, conflicting, malformed, base64, gzip, protobuf, delete) sent by Debian's python3-prometheus-client
/// must get the same status codes and leave the same groups; what Debian's Prometheus 2.42 stores scraping that
/// Pushgateway with honor_labels must equal what mlobs stores; the groups survive a restart.
/// </summary>
public sealed class PushgatewayTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private static readonly string Script = Path.Combine(Paths.RepoRoot, "tests", "EndToEnd.Tests", "push", "push_sequence.py");

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task PushesGetTheSameAnswersAndStoreTheSameSeriesAsDebiansPushgateway()
    {
        var (gatewayProcess, gateway) = await PeerProcess.StartPushgatewayAsync(_dir.Path);
        using var _ = gatewayProcess;
        int pushPort = FakeTarget.FreePort();
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, $"global:\n  scrape_interval: 1s\npush:\n  interval: 1s\n  listen: 127.0.0.1:{pushPort}\n");
        var data = Path.Combine(_dir.Path, "data");
        var mlobs = await MlobsProcess.ServeAsync(config, data);
        try
        {
            var pushUrl = $"http://127.0.0.1:{pushPort}"; // where a client configured for a Pushgateway points

            var theirs = await RunSequenceAsync(gateway);
            var ours = await RunSequenceAsync(pushUrl);
            Assert.Equal(theirs, ours);
            // What the comparison covered, so a shared mistake cannot pass unnoticed.
            Assert.Contains("type_conflict 400", ours);
            Assert.Contains("duplicate_series 400", ours);
            Assert.Contains("malformed_body 400", ours);
            Assert.Contains("protobuf_body 200", ours);
            Assert.Contains("delete_scratch 202", ours);
            Assert.Contains("collides_with_own_metric 400", ours);

            // The groups as the JSON API lists them (times and creation stamps aside).
            var theirGroups = await GroupsAsync(gateway);
            Assert.Equal(theirGroups, await GroupsAsync(pushUrl));
            Assert.Equal(theirGroups, await GroupsAsync(mlobs.BaseUrl)); // the main listener serves the same store
            Assert.Contains(theirGroups, g => g.StartsWith("{empty=,instance=box-1,job=batch/nightly,path=/data/in} True", StringComparison.Ordinal));

            // The error texts, as the Pushgateway words them.
            var conflict = await _http.PutAsync(pushUrl + "/metrics/job/other", new StringContent("# TYPE train_rows_total gauge\ntrain_rows_total 1\n"));
            Assert.StartsWith("pushed metrics are invalid or inconsistent with existing metrics: collected metric \"train_rows_total\"",
                await conflict.Content.ReadAsStringAsync());
            var odd = await _http.PutAsync(pushUrl + "/metrics/job/x/stage", new StringContent("q 1\n"));
            Assert.Equal("odd number of components in label string \"/stage\"\n", await odd.Content.ReadAsStringAsync());

            // Series: what Prometheus 2.42 stores scraping the Pushgateway with honor_labels, and what mlobs stores.
            var promConfig = Path.Combine(_dir.Path, "prometheus.yml");
            File.WriteAllText(promConfig, "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: pushgateway\n    honor_labels: true\n" +
                $"    static_configs: [{{targets: ['{gateway["http://".Length..]}']}}]\n");
            using var prometheus = await PrometheusPeer.StartAsync(promConfig, Path.Combine(_dir.Path, "prometheus"));
            List<string> stored = [], expected = [];
            await Wait.UntilAsync("the same series in mlobs and Prometheus", async () =>
            {
                expected = await SeriesAsync(prometheus.BaseUrl, "{__name__=~\".+\",job!=\"pushgateway\"}");
                stored = await SeriesAsync(mlobs.BaseUrl, "{__name__=~\".+\"}");
                return expected.Count > 20 && stored.SequenceEqual(expected);
            }, 60);
            Assert.Equal(expected, stored);
            Assert.Contains("train_step_seconds_bucket{job=train,le=1,stage=eval} 3", stored); // histograms as Prometheus flattens them
            Assert.Contains("quality{instance=i1,job=override,team=ml} 3", stored); // grouping labels beat the body's
            Assert.Contains("proto_rows_total{job=proto,k=v} 3", stored); // the protobuf body

            // A deleted group goes stale in both.
            foreach (var url in new[] { gateway, pushUrl })
                Assert.Equal(202, (int)(await _http.DeleteAsync(url + "/metrics/job@base64/YmF0Y2gvbmlnaHRseQ/path@base64/L2RhdGEvaW4/empty@base64/=/instance/box-1")).StatusCode);
            await Wait.UntilAsync("rows_scored stale in both", async () =>
                (await SeriesAsync(prometheus.BaseUrl, "rows_scored")).Count == 0 && (await SeriesAsync(mlobs.BaseUrl, "rows_scored")).Count == 0, 30);

            // The groups survive a restart, push times and all.
            var before = await _http.GetStringAsync(mlobs.BaseUrl + "/api/v1/metrics");
            mlobs.Dispose();
            mlobs = await MlobsProcess.ServeAsync(config, data);
            Assert.Equal(before, await _http.GetStringAsync(mlobs.BaseUrl + "/api/v1/metrics"));
            await Wait.UntilAsync("pushed series written again after the restart", async () =>
                (await SeriesAsync(mlobs.BaseUrl, "train_loss")).SequenceEqual(["train_loss{job=train,model=fraud,stage=eval} 0.25"]), 30);

            // The push listener is only the Pushgateway: its /metrics is the pushed groups, the rest of mlobs is not there.
            var exposition = await _http.GetStringAsync(pushUrl + "/metrics");
            Assert.Contains("train_loss{instance=\"\",job=\"train\",model=\"fraud\",stage=\"eval\"} 0.25\n", exposition);
            Assert.Equal(404, (int)(await _http.GetAsync(pushUrl + "/api/v1/query?query=up")).StatusCode);
        }
        finally
        {
            mlobs.Dispose();
        }
    }

    [Fact]
    public async Task GroupsNobodyPushedToWithinTheirTtlAreDeletedAndCounted()
    {
        var config = Path.Combine(_dir.Path, "ttl.yml");
        File.WriteAllText(config, "global:\n  scrape_interval: 1s\npush:\n  interval: 1s\n  group_ttl: 3s\n  job_group_ttl:\n    nightly: 0s\n");
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "ttl-data"));
        foreach (var job in new[] { "hourly", "nightly" })
            Assert.True((await _http.PutAsync($"{mlobs.BaseUrl}/metrics/job/{job}", new StringContent("rows 1\n"))).IsSuccessStatusCode);
        await Wait.UntilAsync("the hourly group expired, the nightly one kept", async () =>
        {
            using var doc = JsonDocument.Parse(await _http.GetStringAsync(mlobs.BaseUrl + "/api/v1/metrics"));
            var jobs = doc.RootElement.GetProperty("data").EnumerateArray().Select(g => g.GetProperty("labels").GetProperty("job").GetString()).ToList();
            return jobs.SequenceEqual(["nightly"]);
        }, 20);
        var metrics = await _http.GetStringAsync(mlobs.BaseUrl + "/metrics");
        Assert.Contains("mlobs_push_groups_expired_total 1", metrics);
        // The expired group's series went stale; the kept one's are still written.
        await Wait.UntilAsync("rows only for the kept group", async () =>
        {
            using var doc = JsonDocument.Parse(await _http.GetStringAsync(mlobs.BaseUrl + "/api/v1/query?query=rows"));
            var jobs = doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => r.GetProperty("metric").GetProperty("job").GetString()).ToList();
            return jobs.SequenceEqual(["nightly"]);
        }, 20);
    }

    private static async Task<List<string>> RunSequenceAsync(string gateway)
    {
        var (code, output) = await PeerProcess.RunAsync(PeerProcess.DebianPython, Script, gateway);
        Assert.True(code == 0, $"push_sequence.py against {gateway} failed:\n{output}");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>Per group: its labels, last_push_successful and each family's type, help and metrics (values of times aside).</summary>
    private async Task<List<string>> GroupsAsync(string baseUrl)
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync(baseUrl + "/api/v1/metrics"));
        Assert.Equal("success", doc.RootElement.GetProperty("status").GetString());
        var groups = new List<string>();
        foreach (var g in doc.RootElement.GetProperty("data").EnumerateArray())
        {
            var parts = new List<string> { Labels(g.GetProperty("labels")) + " " + g.GetProperty("last_push_successful").GetBoolean() };
            foreach (var p in g.EnumerateObject().Where(p => p.Name is not ("labels" or "last_push_successful")).OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                bool isTime = p.Name.EndsWith("_created", StringComparison.Ordinal) || p.Name.StartsWith("push_", StringComparison.Ordinal);
                var metrics = p.Value.GetProperty("metrics").EnumerateArray().Select(m =>
                    string.Join(" ", m.EnumerateObject().OrderBy(x => x.Name, StringComparer.Ordinal)
                        .Select(x => x.Name == "labels" ? Labels(x.Value) : isTime && x.Name == "value" ? "value=<time>" : $"{x.Name}={x.Value.GetRawText()}")));
                var help = p.Value.TryGetProperty("help", out var h) ? h.GetString() : "";
                parts.Add($"  {p.Name} {p.Value.GetProperty("type").GetString()} \"{help}\" [{string.Join("; ", metrics.Order(StringComparer.Ordinal))}]");
            }
            groups.Add(string.Join("\n", parts));
        }
        groups.Sort(StringComparer.Ordinal);
        return groups;
    }

    private static string Labels(JsonElement labels) =>
        "{" + string.Join(",", labels.EnumerateObject().OrderBy(l => l.Name, StringComparer.Ordinal).Select(l => $"{l.Name}={l.Value.GetString()}")) + "}";

    /// <summary>"name{labels} value" for each series of an instant query, time-valued series without their value.</summary>
    private async Task<List<string>> SeriesAsync(string baseUrl, string query)
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync(baseUrl + "/api/v1/query?query=" + Uri.EscapeDataString(query)));
        return doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(r =>
        {
            var metric = r.GetProperty("metric");
            var name = metric.GetProperty("__name__").GetString()!;
            var labels = "{" + string.Join(",", metric.EnumerateObject().Where(l => l.Name != "__name__").OrderBy(l => l.Name, StringComparer.Ordinal)
                .Select(l => $"{l.Name}={l.Value.GetString()}")) + "}";
            bool isTime = name.EndsWith("_created", StringComparison.Ordinal) || name.StartsWith("push_", StringComparison.Ordinal);
            return $"{name}{labels} {(isTime ? "<time>" : r.GetProperty("value")[1].GetString())}";
        }).Order(StringComparer.Ordinal).ToList();
    }
}
