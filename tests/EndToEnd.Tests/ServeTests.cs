using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Mlobs.Model.Labels;
using Mlobs.Storage;
using Mlobs.Storage.Tsdb;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>`mlobs serve` end to end: real binary, real HTTP on loopback, real SQLite files.</summary>
public sealed class ServeTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTarget _target = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _http.Dispose();
        _target.Dispose();
        _dir.Dispose();
    }

    private string WriteConfig(string interval, params string[] targets)
    {
        var path = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(path, $"""
            global:
              scrape_interval: {interval}
              scrape_timeout: {interval}
            scrape_configs:
              - job_name: model
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => "\"" + t + "\""))}]
                    labels: {"{"} team: ml {"}"}
            """);
        return path;
    }

    private async Task<JsonElement> GetData(MlobsProcess p, string path)
    {
        var doc = await _http.GetFromJsonAsync<JsonElement>(p.BaseUrl + path);
        Assert.Equal("success", doc.GetProperty("status").GetString());
        return doc.GetProperty("data");
    }


    private static List<(long T, double V)> ReadStore(string dataDir, string metric)
    {
        using var db = TsdbDatabase.Open(new TsdbOptions { Directory = dataDir });
        using var q = db.Querier(long.MinValue, long.MaxValue);
        var set = q.Select(true, LabelMatcher.Equal("__name__", metric));
        var result = new List<(long, double)>();
        while (set.Next())
        {
            var it = set.Current.Iterator();
            while (it.Next()) result.Add((it.Timestamp, it.Value));
        }
        return result;
    }

    [Fact]
    public async Task ScrapesServesAndSurvivesRestart()
    {
        _target.Body = "# TYPE model_accuracy gauge\nmodel_accuracy{model=\"fraud\"} 0.91\nprediction_requests_total 42\n";
        var config = WriteConfig("1s", _target.Address);
        var data = Path.Combine(_dir.Path, "data");
        using (var p = await MlobsProcess.ServeAsync(config, data))
        {
            await Wait.UntilAsync("the awaited condition", async () => (await GetData(p, "/api/v1/series?match[]=model_accuracy")).GetArrayLength() == 1);
            var series = (await GetData(p, "/api/v1/series?match[]=model_accuracy"))[0];
            Assert.Equal("fraud", series.GetProperty("model").GetString());
            Assert.Equal("model", series.GetProperty("job").GetString());
            Assert.Equal("ml", series.GetProperty("team").GetString());
            Assert.Equal(_target.Address, series.GetProperty("instance").GetString());

            var targets = await GetData(p, "/api/v1/targets");
            var t = targets.GetProperty("activeTargets")[0];
            Assert.Equal("up", t.GetProperty("health").GetString());
            Assert.Equal($"http://{_target.Address}/metrics", t.GetProperty("scrapeUrl").GetString());

            var jobs = await GetData(p, "/api/v1/label/job/values");
            Assert.Equal(["model"], jobs.EnumerateArray().Select(e => e.GetString()));
            var names = await GetData(p, "/api/v1/labels");
            Assert.Contains("model", names.EnumerateArray().Select(e => e.GetString()));
            var build = await GetData(p, "/api/v1/status/buildinfo");
            Assert.False(string.IsNullOrEmpty(build.GetProperty("version").GetString()));
            var cfg = await GetData(p, "/api/v1/status/config");
            Assert.Contains("job_name: model", cfg.GetProperty("yaml").GetString());

            var bad = await _http.GetAsync(p.BaseUrl + "/api/v1/series?match[]=" + Uri.EscapeDataString("up{"));
            Assert.Equal(400, (int)bad.StatusCode);
            var err = await bad.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("bad_data", err.GetProperty("errorType").GetString());
            Assert.Equal("error", err.GetProperty("status").GetString());

            var metrics = await _http.GetStringAsync(p.BaseUrl + "/metrics");
            Assert.Contains("mlobs_tsdb_samples_appended_total", metrics);
            Assert.Contains("mlobs_scrapes_total{job=\"model\",result=\"success\"}", metrics);
            var ui = await _http.GetStringAsync(p.BaseUrl + "/");
            Assert.Contains("<title>mlobs</title>", ui);
            await Task.Delay(1500);
            Assert.Equal(0, await p.StopAsync());
            Assert.Contains("Stopped", p.Output);
        }
        var before = ReadStore(data, "model_accuracy");
        Assert.True(before.Count >= 2, $"expected at least 2 samples, got {before.Count}");
        Assert.All(before, s => Assert.Equal(0.91, s.V));

        using (var p = await MlobsProcess.ServeAsync(config, data))
        {
            var series = await GetData(p, "/api/v1/series?match[]=model_accuracy");
            Assert.Equal(1, series.GetArrayLength());
            await Wait.UntilAsync("the awaited condition", async () => (await GetData(p, "/api/v1/targets")).GetProperty("activeTargets")[0].GetProperty("health").GetString() == "up");
            await Task.Delay(1200);
            await p.StopAsync();
        }
        var after = ReadStore(data, "model_accuracy");
        Assert.True(after.Count > before.Count);
        Assert.Equal(before, after.Take(before.Count));
    }

    [Fact]
    public async Task KillNineMidIngestLosesAtMostTheScrapeInFlight()
    {
        // 2000 series scraped every 250 ms keeps the store busy when the process is killed.
        _target.Body = string.Concat(Enumerable.Range(0, 2000).Select(i => $"load_metric{{i=\"{i}\"}} {i}.5\n"));
        var config = WriteConfig("250ms", _target.Address);
        var data = Path.Combine(_dir.Path, "data");
        double scrapesCommitted;
        using (var p = await MlobsProcess.ServeAsync(config, data))
        {
            await Wait.UntilAsync("the awaited condition", async () => (await _http.GetStringAsync(p.BaseUrl + "/metrics")).Contains("result=\"success\"} 2"));
            await Task.Delay(1500);
            var metrics = await _http.GetStringAsync(p.BaseUrl + "/metrics");
            // every scrape, failed or not, commits its report series (up) before the counter moves
            scrapesCommitted = metrics.Split('\n').Where(l => l.StartsWith("mlobs_scrapes_total{job=\"model\"", StringComparison.Ordinal))
                .Sum(l => double.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));
            p.KillHard();
        }
        var up = ReadStore(data, "up");
        Assert.True(up.Count >= scrapesCommitted, $"store has {up.Count} up samples, {scrapesCommitted} scrapes had committed");
        var loads = ReadStore(data, "load_metric");
        Assert.Equal(0, loads.Count % 2000); // whole scrapes only: never a partial batch
        Assert.True(loads.Count >= up.Count(s => s.V == 1) * 2000);
    }

    [Fact]
    public async Task DownTargetIsReportedAndServerKeepsRunning()
    {
        _target.Body = "ok 1\n";
        var config = WriteConfig("1s", _target.Address, "127.0.0.1:1");
        using var p = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));
        await Wait.UntilAsync("the awaited condition", async () =>
        {
            var active = (await GetData(p, "/api/v1/targets")).GetProperty("activeTargets");
            return active.GetArrayLength() == 2 && active.EnumerateArray().All(t => t.GetProperty("health").GetString() != "unknown");
        });
        var down = (await GetData(p, "/api/v1/targets")).GetProperty("activeTargets").EnumerateArray()
            .Single(t => t.GetProperty("labels").GetProperty("instance").GetString() == "127.0.0.1:1");
        Assert.Equal("down", down.GetProperty("health").GetString());
        Assert.StartsWith("Get \"http://127.0.0.1:1/metrics\"", down.GetProperty("lastError").GetString());
        _target.Body = "broken{ 1\n";
        await Task.Delay(2500);
        var t = (await GetData(p, "/api/v1/targets")).GetProperty("activeTargets").EnumerateArray()
            .Single(t => t.GetProperty("labels").GetProperty("instance").GetString() == _target.Address);
        Assert.Equal("down", t.GetProperty("health").GetString());
        Assert.Contains("line 1", t.GetProperty("lastError").GetString());
        Assert.True((await _http.GetAsync(p.BaseUrl + "/-/healthy")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task ReloadAppliesNewTargetsAndKeepsTheOldConfigOnError()
    {
        using var second = new FakeTarget();
        _target.Body = "a 1\n";
        second.Body = "b 2\n";
        var config = WriteConfig("1s", _target.Address);
        using var p = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));
        await Wait.UntilAsync("the awaited condition", async () => (await GetData(p, "/api/v1/targets")).GetProperty("activeTargets").GetArrayLength() == 1);

        WriteConfig("1s", _target.Address, second.Address);
        Assert.True((await _http.PostAsync(p.BaseUrl + "/-/reload", null)).IsSuccessStatusCode);
        await Wait.UntilAsync("the awaited condition", async () => (await GetData(p, "/api/v1/series?match[]=b")).GetArrayLength() == 1);

        File.WriteAllText(config, "scrape_configs:\n  - job_name: x\n    bogus: 1\n");
        var failed = await _http.PostAsync(p.BaseUrl + "/-/reload", null);
        Assert.Equal(500, (int)failed.StatusCode);
        Assert.Contains("field bogus not found", await failed.Content.ReadAsStringAsync());
        Assert.Equal(2, (await GetData(p, "/api/v1/targets")).GetProperty("activeTargets").GetArrayLength());
        Assert.Contains("job_name: model", (await GetData(p, "/api/v1/status/config")).GetProperty("yaml").GetString());
    }

    [Fact]
    public async Task SecondServeOnTheSameDataDirOrPortFailsWithOneLine()
    {
        _target.Body = "a 1\n";
        var config = WriteConfig("1s", _target.Address);
        var data = Path.Combine(_dir.Path, "data");
        using var p = await MlobsProcess.ServeAsync(config, data);
        var (exit, output) = await MlobsProcess.RunAsync("serve", "--config", config, "--data", data, "--listen", $"127.0.0.1:{FakeTarget.FreePort()}");
        Assert.Equal(1, exit);
        Assert.Contains("is in use by another mlobs process", output);
        (exit, output) = await MlobsProcess.RunAsync("serve", "--config", config, "--data", Path.Combine(_dir.Path, "other"), "--listen", $"127.0.0.1:{p.Port}");
        Assert.Equal(1, exit);
        Assert.Contains("address already in use", output);
        Assert.DoesNotContain("   at ", output); // no stack trace
        Assert.True((await _http.GetAsync(p.BaseUrl + "/-/healthy")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task ScrapesARealNodeExporterWhenInstalled()
    {
        const string exporter = "/usr/bin/prometheus-node-exporter";
        if (!File.Exists(exporter)) return; // build.sh test installs it; a bare `dotnet test` may not have it
        int port = FakeTarget.FreePort();
        var psi = new ProcessStartInfo(exporter) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
        using var ne = Process.Start(psi)!;
        try
        {
            var config = WriteConfig("1s", $"127.0.0.1:{port}");
            using var p = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));
            await Wait.UntilAsync("the awaited condition", async () => (await GetData(p, "/api/v1/series?match[]=node_cpu_seconds_total")).GetArrayLength() > 0);
            var modes = await GetData(p, "/api/v1/label/mode/values?match[]=node_cpu_seconds_total");
            Assert.Contains("idle", modes.EnumerateArray().Select(e => e.GetString()));
            var up = (await GetData(p, "/api/v1/targets")).GetProperty("activeTargets")[0];
            Assert.Equal("up", up.GetProperty("health").GetString());
        }
        finally
        {
            ne.Kill();
        }
    }
}
