using System.Globalization;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// Scraped series through their life, with the published binary: a target taken out of the config keeps its history
/// across head GC and restarts and ends where it stopped; a reload ends the series of changed and removed targets
/// as Prometheus 2.42 does beside it; a kill -9 loses nothing federation and alert state need; rejected samples are
/// counted per target.
/// </summary>
public sealed class SeriesLifeTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    private static string Sec(double s) => s.ToString("0.###", CultureInfo.InvariantCulture);
    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private async Task<JsonElement> Api(string baseUrl, string pathAndQuery)
    {
        var body = await _http.GetStringAsync(baseUrl + pathAndQuery);
        var doc = JsonDocument.Parse(body).RootElement;
        Assert.True(doc.GetProperty("status").GetString() == "success", body);
        return doc.GetProperty("data").Clone();
    }

    private async Task<JsonElement> Query(string baseUrl, string expr, double? at = null) =>
        (await Api(baseUrl, $"/api/v1/query?query={Uri.EscapeDataString(expr)}" + (at is { } t ? $"&time={Sec(t)}" : ""))).GetProperty("result");

    private async Task<double> Metric(string baseUrl, string line)
    {
        var text = await _http.GetStringAsync(baseUrl + "/metrics");
        var found = text.Split('\n').FirstOrDefault(l => l.StartsWith(line + " ", StringComparison.Ordinal));
        return found is null ? 0 : double.Parse(found[(line.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private async Task Reload(MlobsProcess p)
    {
        using var r = await _http.PostAsync(p.BaseUrl + "/-/reload", null);
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ATargetTakenOutKeepsItsHistoryThroughHeadGcAndRestartsAndEndsWhereItStopped()
    {
        using var retired = new FakeTarget { Body = "model_requests_total{model=\"v1\"} 42\n" };
        using var kept = new FakeTarget { Body = "model_requests_total{model=\"v2\"} 7\n" };
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        string Config(bool withRetired) => $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: kept
                static_configs: [{"{"}targets: ["{kept.Address}"]{"}"}]
            {(withRetired ? $"  - job_name: retired\n    static_configs: [{{targets: [\"{retired.Address}\"]}}]\n" : "")}mlobs:
              head_series_idle: 2s
              head_stale_series_idle: 1s
            """;
        File.WriteAllText(config, Config(true));
        var data = Path.Combine(_dir.Path, "data");
        double scraping, removed;
        using (var p = await MlobsProcess.ServeAsync(config, data))
        {
            await Wait.UntilAsync("five scrapes of the retired target", async () =>
                (await Query(p.BaseUrl, "count_over_time(up{job=\"retired\"}[1m])")) is { ValueKind: JsonValueKind.Array } r
                && r.GetArrayLength() == 1 && int.Parse(r[0].GetProperty("value")[1].GetString()!) >= 5);
            scraping = Now() - 1.5;
            File.WriteAllText(config, Config(false));
            await Reload(p);
            removed = Now();
            // Ended at once by staleness markers (after two intervals), not after the five-minute lookback.
            await Wait.UntilAsync("the retired target's series end", async () =>
                (await Query(p.BaseUrl, "up{job=\"retired\"}")).GetArrayLength() == 0
                && (await Query(p.BaseUrl, "model_requests_total{job=\"retired\"}")).GetArrayLength() == 0, 10);
            Assert.True(Now() - removed < 10, "series ended late");
            var federated = await _http.GetStringAsync(p.BaseUrl + "/federate?match[]=" + Uri.EscapeDataString("{job=\"retired\"}"));
            Assert.DoesNotContain("model_requests_total", federated);
            // Its six series (the sample and five report series) leave the head; the target still scraped stays.
            await Wait.UntilAsync("the retired series leave the head", async () =>
                await Metric(p.BaseUrl, "mlobs_tsdb_head_series_removed_total") >= 6, 45);
            await AssertHistory(p.BaseUrl, scraping, removed);
            Assert.Equal(0, await p.StopAsync());
        }
        using (var p = await MlobsProcess.ServeAsync(config, data))
        {
            await AssertHistory(p.BaseUrl, scraping, removed);
            Assert.Equal(1, (await Query(p.BaseUrl, "up{job=\"kept\"}")).GetArrayLength());
        }
    }

    private async Task AssertHistory(string baseUrl, double scraping, double removed)
    {
        var up = await Query(baseUrl, "up{job=\"retired\"}", scraping);
        Assert.Equal("1", Assert.Single(up.EnumerateArray()).GetProperty("value")[1].GetString());
        var requests = await Query(baseUrl, "model_requests_total{job=\"retired\"}", scraping);
        Assert.Equal("42", Assert.Single(requests.EnumerateArray()).GetProperty("value")[1].GetString());
        Assert.Equal(0, (await Query(baseUrl, "up{job=\"retired\"}", removed + 8)).GetArrayLength());
        var range = (await Api(baseUrl, $"/api/v1/query_range?query={Uri.EscapeDataString("up{job=\"retired\"}")}&start={Sec(scraping - 30)}&end={Sec(removed + 30)}&step=1")).GetProperty("result");
        var values = Assert.Single(range.EnumerateArray()).GetProperty("values");
        double last = values[values.GetArrayLength() - 1][0].GetDouble();
        // the last point is the last scrape or the staleness marker's time, seconds around the reload (not 5 min later)
        Assert.InRange(last, removed - 5, removed + 8);
        var window = $"start={Sec(scraping - 5)}&end={Sec(scraping + 5)}";
        Assert.Equal(6, (await Api(baseUrl, $"/api/v1/series?match[]={Uri.EscapeDataString("{job=\"retired\"}")}&{window}")).GetArrayLength());
        Assert.Contains("retired", (await Api(baseUrl, $"/api/v1/label/job/values?{window}")).EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("v1", (await Api(baseUrl, $"/api/v1/label/model/values?{window}")).EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain("retired", (await Api(baseUrl, $"/api/v1/label/job/values?start={Sec(removed + 10)}&end={Sec(Now())}")).EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task AfterKill9FederationAndAlertStateCarryOnFromTheLastSamples()
    {
        using var target = new FakeTarget { Body = "queue_depth 17\n" };
        var rules = Path.Combine(_dir.Path, "rules.yml");
        File.WriteAllText(rules, "groups:\n  - name: g\n    interval: 1s\n    rules:\n      - alert: QueueDeep\n        expr: queue_depth > 10\n        for: 3s\n");
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, $"global:\n  scrape_interval: 1s\nrule_files: [rules.yml]\nscrape_configs:\n  - job_name: gone\n    static_configs: [{{targets: [\"{target.Address}\"]}}]\n");
        var data = Path.Combine(_dir.Path, "data");
        string activeAt;
        using (var p = await MlobsProcess.ServeAsync(config, data))
        {
            await Wait.UntilAsync("the alert fires", async () =>
                (await Api(p.BaseUrl, "/api/v1/alerts")).GetProperty("alerts") is var a && a.GetArrayLength() == 1 && a[0].GetProperty("state").GetString() == "firing");
            activeAt = (await Api(p.BaseUrl, "/api/v1/alerts")).GetProperty("alerts")[0].GetProperty("activeAt").GetString()!;
            await Task.Delay(1500);
            p.KillHard();
        }
        // Restarted without the target (no staleness markers: it was killed): the last samples stay current for the
        // lookback, so federation still serves them and the alert resumes firing with its old start.
        File.WriteAllText(config, "global:\n  scrape_interval: 1s\nrule_files: [rules.yml]\n");
        using (var p = await MlobsProcess.ServeAsync(config, data))
        {
            var federated = await _http.GetStringAsync(p.BaseUrl + "/federate?match[]=queue_depth");
            Assert.Contains("queue_depth{instance=\"" + target.Address + "\",job=\"gone\"} 17", federated);
            await Wait.UntilAsync("the alert is back", async () => (await Api(p.BaseUrl, "/api/v1/alerts")).GetProperty("alerts").GetArrayLength() == 1);
            var alert = (await Api(p.BaseUrl, "/api/v1/alerts")).GetProperty("alerts")[0];
            Assert.Equal("firing", alert.GetProperty("state").GetString());
            Assert.Equal(activeAt, alert.GetProperty("activeAt").GetString());
        }
    }

    [Fact]
    public async Task AReloadEndsTheSeriesOfChangedAndRemovedTargetsAsPrometheusDoes()
    {
        using var t1 = new FakeTarget { Body = "http_requests_total{code=\"200\"} 1030\n" };
        using var t2 = new FakeTarget { Body = "http_requests_total{code=\"200\"} 5\n" };
        var config = Path.Combine(_dir.Path, "prometheus.yml");
        string Config(string env, bool withT2) => $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: fed
                static_configs:
                  - targets: ["{t1.Address}"]
                    labels: {"{"}env: {env}{"}"}
              - job_name: other
                static_configs:
                  - targets: ["{t1.Address}"{(withT2 ? $", \"{t2.Address}\"" : "")}]
            """;
        File.WriteAllText(config, Config("prod", true));
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));
        using var prometheus = await PrometheusPeer.StartAsync(config, Path.Combine(_dir.Path, "prometheus"));
        foreach (var baseUrl in new[] { mlobs.BaseUrl, prometheus.BaseUrl })
            await Wait.UntilAsync("both jobs scraped", async () =>
                (await Query(baseUrl, "up")).GetArrayLength() == 3 && (await Query(baseUrl, "count_over_time(up[1m])")).EnumerateArray().All(s => s.GetProperty("value")[1].GetString() != "1"));
        File.WriteAllText(config, Config("staging", false));
        await Reload(mlobs);
        prometheus.Reload();
        var reloaded = Now();
        string Render(JsonElement r) => string.Join(" ", r.EnumerateArray()
            .Select(s => s.GetProperty("metric").GetRawText() + "=" + s.GetProperty("value")[1].GetString()).Order(StringComparer.Ordinal));
        // Each ends the old series within a few intervals of applying the reload (Prometheus applies a SIGHUP on its
        // own schedule, slower under load), not after the five-minute lookback.
        foreach (var (name, baseUrl) in new[] { ("mlobs", mlobs.BaseUrl), ("prometheus", prometheus.BaseUrl) })
        {
            await Wait.UntilAsync($"{name} ends the changed and removed targets' series", async () =>
                Render(await Query(baseUrl, "count by (env) (up{job=\"fed\"})")) == "{\"env\":\"staging\"}=1"
                && Render(await Query(baseUrl, "count(up{job=\"other\"})")) == "{}=1", 20);
        }
        Assert.True(Now() - reloaded < 20);
        string[] queries = ["count by (env) (up{job=\"fed\"})", "sum(http_requests_total{job=\"fed\"})", "count(up{job=\"other\"})", "up{job=\"other\"}"];
        foreach (double after in new[] { 0.0, 5.0 })
        {
            if (after > 0) await Task.Delay(TimeSpan.FromSeconds(after));
            double at = Now() - 0.5;
            foreach (var q in queries)
            {
                var theirs = Render(await Query(prometheus.BaseUrl, q, at));
                var ours = Render(await Query(mlobs.BaseUrl, q, at));
                Assert.True(theirs == ours, $"{q} at +{at - reloaded:0.0}s: prometheus {theirs}, mlobs {ours}");
            }
            Assert.Equal("1030", (await Query(mlobs.BaseUrl, queries[1], at))[0].GetProperty("value")[1].GetString());
        }
    }

    [Fact]
    public async Task RejectedSamplesAreCountedByReasonAndPerTarget()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long old = now - 20L * 86_400_000;
        // honor_timestamps (the default): one series repeats a timestamp with another value, one goes back in time,
        // one is older than the retention.
        using var target = new FakeTarget { Body = $"m_dup 1 {now}\nm_back 1 {now}\nm_old 1 {old}\n" };
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, $"global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: ts\n    static_configs: [{{targets: [\"{target.Address}\"]}}]\n");
        using var p = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));
        await Wait.UntilAsync("first scrape", async () => (await Query(p.BaseUrl, "m_dup", now / 1000.0 + 1)).GetArrayLength() == 1);
        target.Body = $"m_dup 2 {now}\nm_back 1 {now - 60_000}\nm_old 1 {old}\n";
        await Wait.UntilAsync("rejections counted", async () =>
        {
            var t = (await Api(p.BaseUrl, "/api/v1/targets")).GetProperty("activeTargets")[0].GetProperty("samplesRejected");
            return t.GetProperty("duplicateTimestamp").GetInt64() >= 2 && t.GetProperty("outOfOrder").GetInt64() >= 2 && t.GetProperty("outOfBounds").GetInt64() >= 3;
        });
        Assert.True(await Metric(p.BaseUrl, "mlobs_tsdb_samples_rejected_total{reason=\"duplicate_timestamp\"}") >= 2);
        Assert.True(await Metric(p.BaseUrl, "mlobs_tsdb_samples_rejected_total{reason=\"out_of_order\"}") >= 2);
        Assert.True(await Metric(p.BaseUrl, "mlobs_tsdb_samples_rejected_total{reason=\"out_of_bounds\"}") >= 3);
        // the scrape itself is fine, as in Prometheus; the stored sample is the first one
        Assert.Equal("up", (await Api(p.BaseUrl, "/api/v1/targets")).GetProperty("activeTargets")[0].GetProperty("health").GetString());
        Assert.Equal("1", (await Query(p.BaseUrl, "m_dup", now / 1000.0 + 1))[0].GetProperty("value")[1].GetString());
        Assert.Contains("rejected", p.Output);
    }
}
