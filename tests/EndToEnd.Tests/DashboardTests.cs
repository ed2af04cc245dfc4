using System.Net.Http.Json;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// Dashboards through the published binary: `mlobs check dashboard` (offline, against a server, against a data
/// dir) on the shipped dashboards and on broken ones, Grafana's dashboard API, and `mlobs dashboard import`.
/// </summary>
public class DashboardTests
{
    /// <summary>
    /// The shipped dashboards over the ML exporter's metrics; "Airflow pipelines" reads Airflow's StatsD metrics and is
    /// checked with them in StatsdTests, and "Model drift" reads drift monitors' scores and is checked in DriftTests and
    /// DemoTests.
    /// </summary>
    private static string[] Shipped => Directory.GetFiles(Path.Combine(Paths.RepoRoot, "config", "dashboards"), "*.json")
        .Where(f => Path.GetFileName(f) is not ("airflow-pipelines.json" or "model-drift.json")).Order().ToArray();

    /// <summary>A config scraping the ML exporter every second (and mlobs itself, given its port).</summary>
    internal static string MlConfig(TempDir dir, string exporter, string? dashboardsDir = null, int? selfPort = null, string? ruleFile = null)
    {
        var path = Path.Combine(dir.Path, "mlobs.yml");
        var rules = ruleFile is null ? "" : $"  evaluation_interval: 1s\nrule_files: [\"{ruleFile}\"]\n";
        var self = selfPort is null ? "" : $"  - job_name: mlobs\n    static_configs:\n      - targets: [\"127.0.0.1:{selfPort}\"]\n";
        var dashboards = dashboardsDir is null ? "" : $"mlobs:\n  dashboards_dir: {dashboardsDir}\n";
        File.WriteAllText(path, $"global:\n  scrape_interval: 1s\n{rules}scrape_configs:\n  - job_name: model-server\n    static_configs:\n      - targets: [\"{exporter}\"]\n{self}{dashboards}");
        return path;
    }

    [Fact]
    public async Task ShippedDashboardsPassTheCheckAgainstAServerWithTheirMetrics()
    {
        using var dir = new TempDir();
        using var exporter = new MlExporter();
        int port = FakeTarget.FreePort();
        var config = MlConfig(dir, exporter.Address, selfPort: port);
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(dir.Path, "data"), port);
        // Rates need two samples in a window, and $__rate_interval is a minute: a few seconds of scrapes suffice.
        // Dashboards end at "now" on step boundaries: wait until rates have existed for more than a step (15 s).
        await Wait.UntilAsync("samples from both jobs for 16 s", async () =>
        {
            var (_, output) = await MlobsProcess.RunAsync("query", "count(rate(model_predictions_total[1m] offset 16s)) and count(rate(mlobs_tsdb_samples_appended_total[1m] offset 16s))", "--server", mlobs.BaseUrl);
            return output.Contains("{}", StringComparison.Ordinal);
        }, seconds: 60);

        // ML Service Logs reads the log store: lines of every level.
        await LokiPush.ServiceLogsAsync(mlobs.BaseUrl, "model-server");

        var (offline, offlineOutput) = await MlobsProcess.RunAsync(["check", "dashboard", .. Shipped]);
        Assert.True(offline == 0, offlineOutput);

        var (exit, output) = await MlobsProcess.RunAsync(["check", "dashboard", "--server", mlobs.BaseUrl, "--from", "now-2m", .. Shipped]);
        Assert.True(exit == 0, output);
        Assert.Equal(5, output.Split('\n').Count(l => l.Contains("SUCCESS:")));
        Assert.Contains("\"ML Pipeline Overview\" (uid ml-pipeline-overview): 6 panels, 6 queries ran, 0 errors, 0 without data", output);
        Assert.Contains("\"ML Service Logs\" (uid ml-service-logs): 4 panels, 4 queries ran, 0 errors, 0 without data", output);

        // The shipped dashboards are built into the binary and listed by Grafana's search API.
        using var http = new HttpClient();
        var search = await http.GetFromJsonAsync<JsonElement>(mlobs.BaseUrl + "/api/search?type=dash-db");
        Assert.Equal(["Airflow pipelines", "ML Pipeline Overview", "ML Service Logs", "ML Source Freshness", "mlobs self-monitoring", "Model drift", "Model Serving"],
            search.EnumerateArray().Select(d => d.GetProperty("title").GetString()!).Order(StringComparer.OrdinalIgnoreCase).ToArray());
        Assert.All(search.EnumerateArray(), d => Assert.Equal("embedded", d.GetProperty("source").GetString()));

        await mlobs.StopAsync();
        // The same check over the data dir, with no server running.
        var (local, localOutput) = await MlobsProcess.RunAsync(["check", "dashboard", "--data", Path.Combine(dir.Path, "data"), "--from", "now-2m", Shipped[0]]);
        Assert.True(local == 0, localOutput);
        // And a snapshot from the data dir: one HTML file with its data and scripts inside, nothing to fetch.
        var html = Path.Combine(dir.Path, "overview.html");
        var (snap, snapOutput) = await MlobsProcess.RunAsync("snapshot", Shipped[0], "--data", Path.Combine(dir.Path, "data"), "--from", "now-2m", "--to", "now", "--out", html);
        Assert.True(snap == 0, snapOutput);
        Assert.Contains("wrote " + html + ": \"ML Pipeline Overview\", 6 panels", snapOutput);
        var page = File.ReadAllText(html);
        Assert.Contains("window.MLOBS_SNAPSHOT = ", page);
        Assert.Contains("\"resultType\":\"matrix\"", page);
        Assert.DoesNotContain("src=\"", page);
        Assert.DoesNotContain("href=\"/", page);
        // Log panels from the data dir's log store: checked, and their lines inside the snapshot.
        var logsDashboard = Shipped.Single(f => f.EndsWith("ml-service-logs.json", StringComparison.Ordinal));
        var (localLogs, localLogsOutput) = await MlobsProcess.RunAsync(["check", "dashboard", "--data", Path.Combine(dir.Path, "data"), "--from", "now-5m", logsDashboard]);
        Assert.True(localLogs == 0, localLogsOutput);
        var logsHtml = Path.Combine(dir.Path, "logs.html");
        (snap, snapOutput) = await MlobsProcess.RunAsync("snapshot", logsDashboard, "--data", Path.Combine(dir.Path, "data"), "--from", "now-5m", "--to", "now", "--out", logsHtml);
        Assert.True(snap == 0, snapOutput);
        Assert.Contains("error event 4", File.ReadAllText(logsHtml));
        var (missing, missingOutput) = await MlobsProcess.RunAsync("snapshot", "no-such-uid", "--data", Path.Combine(dir.Path, "data"), "--out", html);
        Assert.Equal(1, missing);
        Assert.Contains("no dashboard with that uid", missingOutput);
    }

    [Fact]
    public async Task ProblemsNamePanelAndPositionAndFailTheCheck()
    {
        using var dir = new TempDir();
        var broken = Path.Combine(dir.Path, "broken.json");
        File.WriteAllText(broken, """
            {"dashboard": {"uid": "broken", "title": "Broken", "templating": {"list": [{"name": "model", "type": "custom", "query": "a,b", "multi": true}]},
             "panels": [
              {"id": 3, "type": "stat", "title": "Accuracy", "gridPos": {"x": 0, "y": 0, "w": 6, "h": 4},
               "targets": [{"refId": "A", "expr": "avg(model_accuracy_score{model=~\"$model\"}"}]},
              {"id": 4, "type": "timeseries", "title": "Fine", "gridPos": {"x": 6, "y": 0, "w": 6, "h": 4},
               "targets": [{"refId": "A", "expr": "rate(x_total[$__rate_interval])"}]}
             ]}}
            """);
        var malformed = Path.Combine(dir.Path, "malformed.json");
        File.WriteAllText(malformed, "{\n  \"title\": \"x\",\n  \"panels\": [\n    {\"id\": 1,}\n    {\"id\": 2}\n  ]\n}\n");
        var (exit, output) = await MlobsProcess.RunAsync("check", "dashboard", broken, malformed);
        Assert.Equal(1, exit);
        Assert.Contains("error: panel \"Accuracy\" (id 3) query A: 1:37: parse error: unclosed left parenthesis in avg(model_accuracy_score{model=~\"a\"}", output);
        Assert.Contains("FAILED: \"Broken\" (uid broken): 2 panels, 2 queries parsed, 1 errors", output);
        // the trailing comma of line 4 is the first error now (Grafana refuses it as well), before the missing one of line 5
        Assert.Contains($"FAILED: {malformed}:4:14: invalid JSON: trailing comma", output);
    }

    [Fact]
    public async Task ImportedDashboardsAreServedKeptAndRefusedWhenBroken()
    {
        using var dir = new TempDir();
        using var exporter = new MlExporter();
        var data = Path.Combine(dir.Path, "data");
        var config = MlConfig(dir, exporter.Address);
        var legacy = Paths.Conformance("grafana", "node-exporter-full-old.json");
        using (var mlobs = await MlobsProcess.ServeAsync(config, data))
        {
            var (exit, output) = await MlobsProcess.RunAsync("dashboard", "import", "--server", mlobs.BaseUrl, legacy);
            Assert.True(exit == 0, output);
            Assert.Contains("imported \"Node Exporter Full Old\"", output);
            // A second import of the same uid needs --overwrite (Grafana's 412).
            (exit, output) = await MlobsProcess.RunAsync("dashboard", "import", "--server", mlobs.BaseUrl, legacy);
            Assert.Equal(1, exit);
            Assert.Contains("already exists", output);
            using var http = new HttpClient();
            var bad = await http.PostAsync(mlobs.BaseUrl + "/api/dashboards/db", new StringContent("{\"dashboard\": {\"title\": \"no panels\"}}"));
            Assert.Equal(400, (int)bad.StatusCode);
            Assert.Contains("not a Grafana dashboard", await bad.Content.ReadAsStringAsync());
            await mlobs.StopAsync();
        }
        using (var mlobs = await MlobsProcess.ServeAsync(config, data))
        {
            using var http = new HttpClient();
            var got = await http.GetFromJsonAsync<JsonElement>(mlobs.BaseUrl + "/api/dashboards/uid/node-exporter-full-old");
            Assert.Equal("imported", got.GetProperty("meta").GetProperty("source").GetString());
            // Served laid out on the grid: rows[] became panels[] with gridPos, as Grafana migrates it.
            var panels = got.GetProperty("dashboard").GetProperty("panels");
            Assert.True(panels.GetArrayLength() > 0);
            Assert.False(got.GetProperty("dashboard").TryGetProperty("rows", out _));
            Assert.All(panels.EnumerateArray(), p => Assert.True(p.TryGetProperty("gridPos", out _)));
            var missing = await http.GetAsync(mlobs.BaseUrl + "/api/dashboards/uid/nope");
            Assert.Equal(404, (int)missing.StatusCode);
        }
    }

    [Fact]
    public async Task PanelsUseTheServersScrapeIntervalOnThePageAndInSnapshots()
    {
        using var dir = new TempDir();
        var config = Path.Combine(dir.Path, "mlobs.yml");
        File.WriteAllText(config, "global:\n  scrape_interval: 30s\n");
        var dashboard = Path.Combine(dir.Path, "rates.json");
        File.WriteAllText(dashboard, """
            {"uid": "rates", "title": "Rates", "panels": [{"id": 1, "type": "timeseries", "title": "Predictions",
              "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8}, "targets": [{"refId": "A", "expr": "rate(model_predictions_total[$__rate_interval])"}]}]}
            """);
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(dir.Path, "data"));

        // Grafana's datasource list carries the scrape interval as the Prometheus datasource's timeInterval; the page reads it.
        using var http = new HttpClient();
        var sources = await http.GetFromJsonAsync<JsonElement>(mlobs.BaseUrl + "/api/datasources");
        var prometheus = sources.EnumerateArray().Single(s => s.GetProperty("type").GetString() == "prometheus");
        Assert.Equal("30s", prometheus.GetProperty("jsonData").GetProperty("timeInterval").GetString());

        // A snapshot asks the server the same, so it interpolates as the page does: 1 h over 900 points is 5 s, floored
        // by the 30 s scrape interval; $__rate_interval = max(30 s + 30 s, 4 × 30 s) = 2m.
        var html = Path.Combine(dir.Path, "rates.html");
        var (exit, output) = await MlobsProcess.RunAsync("snapshot", dashboard, "--server", mlobs.BaseUrl, "--from", "now-1h", "--to", "now", "--out", html);
        Assert.True(exit == 0, output);
        var page = File.ReadAllText(html);
        Assert.Contains("\"scrapeMs\":30000", page);
        Assert.Contains("\"expr\":\"rate(model_predictions_total[2m])\"", page);
        Assert.Contains("\"stepS\":30", page);
    }
}
