using System.Diagnostics;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// The web UI in Debian's Chromium (headless, driven by playwright-core through browser/ui-check.mjs) against the
/// published binary with data: every page loads without console errors, Explore draws a chart, every shipped
/// dashboard draws every panel with data, a collapsed row expands, a variable change queries again, and Node
/// Exporter Full (both forms) renders against a real node_exporter. Screenshots go to TestResults/ui-artifacts.
/// Run apart from the other end-to-end tests: Chromium and a loaded server share two cores.
/// </summary>
[Collection(Serial)]
public class BrowserTests
{
    public const string Serial = "browser (not in parallel)";

    private static readonly string BrowserDir = Path.Combine(Paths.RepoRoot, "tests", "EndToEnd.Tests", "browser");
    internal static string Artifacts(string name) => Path.Combine(Paths.RepoRoot, "TestResults", "ui-artifacts", name);

    /// <summary>The Model Serving dashboard over the last ten minutes and the next one, in Grafana's URL form (epoch ms).</summary>
    private static string GrafanaLink(DateTimeOffset now) =>
        $"/d/model-serving?from={now.AddMinutes(-10).ToUnixTimeMilliseconds()}&to={now.AddMinutes(1).ToUnixTimeMilliseconds()}";

    internal static Task<JsonElement> UiCheckAsync(string baseUrl, string artifacts, params string[] args) =>
        RunScriptAsync("ui-check.mjs", baseUrl, artifacts, args);

    /// <summary>Runs one of browser/*.mjs against a server; the script writes ARTIFACTS/report.json, returned parsed.</summary>
    internal static async Task<JsonElement> RunScriptAsync(string script, string baseUrl, string artifacts, params string[] args)
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "Debian's chromium is missing: ./build.sh test installs it");
        Assert.True(Directory.Exists(Path.Combine(BrowserDir, "node_modules", "playwright-core")), "playwright-core is missing: ./build.sh test runs npm ci in " + BrowserDir);
        var psi = new ProcessStartInfo("node") { WorkingDirectory = BrowserDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[script, baseUrl, artifacts, .. args]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await p.WaitForExitAsync(cts.Token);
        Assert.True(p.ExitCode == 0, script + " failed: " + await stderr + await stdout);
        return JsonDocument.Parse(File.ReadAllText(Path.Combine(artifacts, "report.json"))).RootElement.Clone();
    }

    private static void AssertEveryPanelDrawnWithData(JsonElement d, string name)
    {
        int panels = d.GetProperty("panels").GetInt32();
        Assert.True(panels > 0, name);
        Assert.True(panels == d.GetProperty("drawn").GetInt32(), $"{name}: {d}");
        Assert.True(panels == d.GetProperty("withData").GetInt32(), $"{name}: {d}");
        Assert.True(0 == d.GetProperty("noData").GetInt32(), $"{name}: {d}");
        Assert.True(d.GetProperty("unsupported").GetArrayLength() == 0, $"{name}: {d}");
        Assert.True(d.GetProperty("errors").GetArrayLength() == 0, $"{name}: {d}");
        Assert.True(d.GetProperty("consoleErrors").GetArrayLength() == 0, $"{name}: {d}");
    }

    internal static void AssertLayoutFits(JsonElement d, string name)
    {
        var layout = d.GetProperty("layout");
        foreach (var size in new[] { "1280x800", "1920x1080" })
        {
            var l = layout.GetProperty(size);
            Assert.True(l.GetProperty("panels").GetInt32() > 0, $"{name} {size}: {l}");
            Assert.True(l.GetProperty("panels").GetInt32() == l.GetProperty("drawn").GetInt32(), $"{name} {size}: {l}");
            Assert.True(l.GetProperty("problems").GetArrayLength() == 0, $"{name} {size}: {l}");
            Assert.True(l.GetProperty("consoleErrors").GetArrayLength() == 0, $"{name} {size}: {l}");
        }
    }

    [Fact]
    public async Task PagesExploreAndShippedDashboardsWorkInChromium()
    {
        using var dir = new TempDir();
        using var exporter = new MlExporter();
        int port = FakeTarget.FreePort();
        // The built-in router is on, so the Alerts page's Silence button has somewhere to go; the shipped ML rules fire
        // on the exporter's accuracy (below 0.8 for one model).
        var rules = Path.Combine(Paths.RepoRoot, "config", "rules", "ml-models.yml");
        var config = DashboardTests.MlConfig(dir, exporter.Address, selfPort: port, ruleFile: rules);
        File.AppendAllText(config, "mlobs:\n  alertmanager_config:\n    route:\n      receiver: nowhere\n    receivers:\n      - name: nowhere\n");
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(dir.Path, "data"), port);
        // Dashboards end at "now" on step boundaries: wait until rates have existed for more than a step (15 s).
        await Wait.UntilAsync("rates from both jobs for 16 s", async () =>
        {
            var (_, output) = await MlobsProcess.RunAsync("query", "count(rate(model_predictions_total[1m] offset 16s)) and count(rate(mlobs_tsdb_samples_appended_total[1m] offset 16s))", "--server", mlobs.BaseUrl);
            return output.Contains("{}", StringComparison.Ordinal);
        }, seconds: 60);
        await LokiPush.ServiceLogsAsync(mlobs.BaseUrl, "model-server");
        using (var http = new HttpClient())
        {
            var pushed = await http.PutAsync(mlobs.BaseUrl + "/metrics/job/nightly_training/stage/eval", new StringContent("training_loss 0.27\n"));
            Assert.True(pushed.IsSuccessStatusCode, await pushed.Content.ReadAsStringAsync());
            // A group whose labels need base64 in the URL (a "/" and an empty value), deleted from the page below.
            pushed = await http.PutAsync(mlobs.BaseUrl + "/metrics/job/scratch_run/path@base64/L2RhdGEvaW4/note@base64/=", new StringContent("rows 1\n"));
            Assert.True(pushed.IsSuccessStatusCode, await pushed.Content.ReadAsStringAsync());
        }
        string[] shipped = ["ml-pipeline-overview", "ml-service-logs", "ml-source-freshness", "model-serving", "mlobs-self"];
        // The other shipped dashboards (their data comes from drift monitors and StatsD, tested elsewhere) for the layout only.
        string[] layoutOnly = ["model-drift", "airflow-pipelines"];
        // A snapshot of a dashboard the server has, by uid: opened later from disk with the network off.
        Directory.CreateDirectory(Artifacts("app"));
        var snapshot = Path.Combine(Artifacts("app"), "model-serving-snapshot.html");
        var (snapExit, snapOutput) = await MlobsProcess.RunAsync("snapshot", "model-serving", "--server", mlobs.BaseUrl, "--from", "now-5m", "--to", "now", "--out", snapshot);
        Assert.True(snapExit == 0, snapOutput);
        var logsSnapshot = Path.Combine(Artifacts("app"), "ml-service-logs-snapshot.html");
        (snapExit, snapOutput) = await MlobsProcess.RunAsync("snapshot", "ml-service-logs", "--server", mlobs.BaseUrl, "--from", "now-5m", "--to", "now", "--out", logsSnapshot);
        Assert.True(snapExit == 0, snapOutput);
        var grafanaLink = GrafanaLink(DateTimeOffset.UtcNow);
        var report = await UiCheckAsync(mlobs.BaseUrl, Artifacts("app"),
            ["--pages", "--explore", "model_predictions_total", "--logs", "{service=\"model-server\"}", "--snapshot", snapshot, "--snapshot", logsSnapshot, "--silence", "--push-delete", "scratch_run", "--import", Paths.Conformance("grafana", "node-exporter-full.json"),
             .. shipped.Concat(layoutOnly).SelectMany(uid => new[] { "--dashboard", uid }), "--layout", "--url", grafanaLink, "--url", "/explore?expr=up"]);

        foreach (var page in report.GetProperty("pages").EnumerateObject())
            Assert.True(page.Value.GetProperty("errors").GetArrayLength() == 0, $"{page.Name}: {page.Value}");
        // The Overview home page: ingestion, series and store size charts (mlobs scrapes itself), targets by health,
        // alerts with their age, disk against retention, error log lines and links.
        var overview = report.GetProperty("pages").GetProperty("overview");
        var overviewText = overview.GetProperty("text").GetString()!;
        foreach (var part in new[] { "Samples ingested / s", "Active series", "Store size", "Targets", "Alerts", "Disk and retention", "Newest error log lines", "Go to", "ML Pipeline Overview" })
            Assert.Contains(part, overviewText);
        Assert.Matches(@"\d+ up\s+\d+ down", overviewText);
        Assert.Matches(@"\d+ firing\s+\d+ pending", overviewText);
        Assert.Contains("error event", overviewText); // the pushed level="error" lines
        Assert.Contains("Data directory's filesystem", overviewText);
        Assert.True(overview.GetProperty("charts").GetInt32() == 3, overview.ToString());
        Assert.Contains("model-server", report.GetProperty("pages").GetProperty("targets").GetProperty("text").GetString());
        Assert.Contains("ML Pipeline Overview", report.GetProperty("pages").GetProperty("dashboards").GetProperty("text").GetString());
        var push = report.GetProperty("pages").GetProperty("push").GetProperty("text").GetString();
        Assert.Contains("nightly_training", push); // the Push page lists the pushed group, its state and families
        Assert.Contains("OK", push);
        Assert.Contains("1 family", push);
        var pushDelete = report.GetProperty("pushDelete");
        Assert.Equal("DELETE /metrics/job/scratch_run/note@base64/=/path@base64/L2RhdGEvaW4", pushDelete.GetProperty("request").GetString());
        Assert.Equal(["nightly_training"], pushDelete.GetProperty("remaining").EnumerateArray().Select(g => g.GetProperty("job").GetString()));
        Assert.Equal(0, pushDelete.GetProperty("errors").GetArrayLength());

        var explore = report.GetProperty("explore");
        Assert.True(explore.GetProperty("chart").GetBoolean(), explore.ToString());
        Assert.True(explore.GetProperty("errors").GetArrayLength() == 0, explore.ToString());
        Assert.Equal("sum(rate(x[5m])\n               ^", explore.GetProperty("caret").GetString());
        Assert.Contains("model_predictions_total", explore.GetProperty("suggested").EnumerateArray().Select(x => x.GetString()));
        Assert.Contains("/graph?expr=", explore.GetProperty("url").GetString());
        Assert.Contains("from=now-1h&to=now", explore.GetProperty("url").GetString());
        // Several queries on one chart (legend names carry their query's letter), each in the URL.
        var multi = explore.GetProperty("multi");
        var legend = multi.GetProperty("legend").EnumerateArray().Select(x => x.GetString()!).ToList();
        Assert.Contains(legend, n => n.StartsWith("A: ", StringComparison.Ordinal));
        Assert.Equal(["B: {}"], legend.Where(n => n.StartsWith("B: ", StringComparison.Ordinal)));
        Assert.Contains("expr=model_predictions_total&expr=sum%28model_predictions_total%29", multi.GetProperty("url").GetString());
        // Split: LogQL lines beside the PromQL chart, over the same range.
        var split = explore.GetProperty("split");
        Assert.True(split.GetProperty("rows").GetInt32() > 0, split.ToString());
        Assert.Equal(1, split.GetProperty("metricsChart").GetInt32());
        Assert.Contains("logs=%7Bservice%3D%22model-server%22%7D", split.GetProperty("url").GetString());
        // Query history kept in the browser across a reload; an entry runs again.
        var history = explore.GetProperty("history").EnumerateArray().Select(x => x.GetString()).ToList();
        Assert.Contains("sum(model_predictions_total)", history);
        Assert.Contains("{service=\"model-server\"}", history);
        Assert.Equal(1, explore.GetProperty("fromHistory").GetProperty("chart").GetInt32());
        Assert.Equal(0, explore.GetProperty("laterErrors").GetArrayLength());

        foreach (var uid in shipped) AssertEveryPanelDrawnWithData(report.GetProperty("dashboards").GetProperty(uid), uid);
        // Every shipped dashboard at 1280x800 and 1920x1080, every row open: nothing inside a panel scrolls or is cut off.
        foreach (var uid in shipped.Concat(layoutOnly)) AssertLayoutFits(report.GetProperty("dashboards").GetProperty(uid), uid);
        // A dashboard link as Grafana writes it (epoch milliseconds) draws the same range, and /explore is Explore.
        AssertEveryPanelDrawnWithData(report.GetProperty("urls").GetProperty(grafanaLink), "model-serving via a Grafana link");
        var exploreAlias = report.GetProperty("urls").GetProperty("/explore?expr=up");
        Assert.DoesNotContain("Page not found", exploreAlias.GetProperty("text").GetString());
        Assert.Equal(0, exploreAlias.GetProperty("consoleErrors").GetArrayLength());
        // Logs page: lines newest first, a level histogram, a JSON line expanded, a pushed line shown live, errors with a caret.
        var logs = report.GetProperty("logs");
        Assert.True(logs.GetProperty("errors").GetArrayLength() == 0, logs.ToString());
        Assert.Equal(15, logs.GetProperty("rows").GetInt32());
        Assert.True(logs.GetProperty("histogram").GetBoolean(), logs.ToString());
        Assert.Equal(["error", "warn", "info"], logs.GetProperty("legend").EnumerateArray().Select(x => x.GetString()!).Where(x => x != "Time").ToArray());
        var times = logs.GetProperty("times").EnumerateArray().Select(x => x.GetString()!).ToList();
        Assert.Equal(times.OrderDescending(StringComparer.Ordinal), times);
        Assert.Contains("\"msg\": \"", logs.GetProperty("json").GetString());
        Assert.True(logs.GetProperty("live").GetBoolean(), logs.ToString());
        Assert.Contains("^", logs.GetProperty("caret").GetString());
        Assert.Contains("/logs?query=", logs.GetProperty("url").GetString());
        Assert.Contains("&from=now-15m&to=now&", logs.GetProperty("url").GetString()); // the time picker's range, kept in the URL
        // Fields sidebar: stream labels and parsed JSON fields, each value's share of the lines; a click filters.
        var fields = logs.GetProperty("fields");
        var names = fields.GetProperty("names").EnumerateArray().Select(x => x.GetString()).ToList();
        Assert.Contains("level", names);
        Assert.Contains("model", names);
        Assert.Contains("latency_ms", names);
        Assert.All(fields.GetProperty("levelShares").EnumerateArray(), x => Assert.Matches(@"^(error|warn|info) \d+(\.\d)?%$", x.GetString()));
        Assert.Equal("{service=\"model-server\", level=\"error\"}", fields.GetProperty("afterLabel").GetProperty("query").GetString());
        Assert.Equal(["error"], fields.GetProperty("afterLabel").GetProperty("levels").EnumerateArray().Select(x => x.GetString()));
        Assert.Matches(@"^\{service=""model-server"", level=""error""\} \| json \| model=""\w+""$", fields.GetProperty("afterField").GetProperty("query").GetString());
        Assert.True(fields.GetProperty("afterField").GetProperty("rows").GetInt32() > 0, fields.ToString());
        // mlobs self-monitoring keeps runtime details in a collapsed row: expanding it draws its panels.
        var expanded = report.GetProperty("dashboards").GetProperty("mlobs-self").GetProperty("expanded");
        Assert.Equal(expanded.GetProperty("before").GetInt32() + 2, expanded.GetProperty("after").GetInt32());
        Assert.Equal(expanded.GetProperty("after").GetInt32(), expanded.GetProperty("withData").GetInt32());
        // Model Serving repeats its accuracy gauge per model (All selected: one per model).
        var titles = report.GetProperty("dashboards").GetProperty("model-serving").GetProperty("titles").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Contains("Accuracy: churn", titles);
        Assert.Contains("Accuracy: fraud", titles);
        // Model Serving: choosing one model queries again, and the choice is kept in the URL.
        var change = report.GetProperty("dashboards").GetProperty("model-serving").GetProperty("variableChange");
        Assert.True(change.GetProperty("queries").GetInt32() > 0, change.ToString());
        Assert.Contains("var-" + change.GetProperty("name").GetString() + "=", change.GetProperty("url").GetString());
        Assert.True(File.Exists(Path.Combine(Artifacts("app"), "dashboard-model-serving.png")));
        // Alerts page: a pending or firing ModelAccuracyLow alert is silenced from its button.
        var silence = report.GetProperty("silence");
        Assert.StartsWith("silenced 2h (", silence.GetProperty("result").GetString());
        Assert.True(silence.GetProperty("consoleErrors").GetArrayLength() == 0, silence.ToString());
        var (_, silences) = await MlobsProcess.RunAsync("silence", "list", "--server", mlobs.BaseUrl);
        Assert.Contains("alertname=\"ModelAccuracyLow\"", silences);
        // Uploading a Grafana export on the Dashboards page imports it and lists it.
        var imported = report.GetProperty("imports").GetProperty(Paths.Conformance("grafana", "node-exporter-full.json"));
        Assert.Equal("Node Exporter Full", imported.GetProperty("link").GetString());
        Assert.Contains("Node Exporter Full", imported.GetProperty("listed").EnumerateArray().Select(x => x.GetString()));
        Assert.True(imported.GetProperty("consoleErrors").GetArrayLength() == 0, imported.ToString());
        // Accessibility: axe-core over every page and every shipped dashboard, light and dark: no serious or critical
        // violation; every control on each is reached with Tab. Its screenshots (both themes) are the artifacts.
        string[] pages = ["/", "/explore?expr=up", "/logs?query=%7Bservice%3D%22model-server%22%7D", "/dashboards", "/alerts", "/rules", "/targets", "/push", "/drift"];
        var a11y = await RunScriptAsync("a11y-check.mjs", mlobs.BaseUrl, Artifacts("a11y"), [.. pages, .. shipped.Concat(layoutOnly).Select(uid => "/d/" + uid)]);
        foreach (var page in a11y.EnumerateObject())
        {
            foreach (var scheme in new[] { "light", "dark" })
            {
                Assert.True(page.Value.GetProperty(scheme).GetProperty("violations").GetArrayLength() == 0, $"{page.Name} ({scheme}): {page.Value.GetProperty(scheme)}");
                Assert.True(page.Value.GetProperty(scheme).GetProperty("errors").GetArrayLength() == 0, $"{page.Name} ({scheme}): {page.Value.GetProperty(scheme)}");
            }
            var keyboard = page.Value.GetProperty("keyboard");
            Assert.True(keyboard.GetProperty("total").GetInt32() > 0, page.Name);
            Assert.True(keyboard.GetProperty("unreached").GetArrayLength() == 0, $"{page.Name}: {keyboard}");
        }
        Assert.Equal(pages.Length + shipped.Length + layoutOnly.Length, a11y.EnumerateObject().Count());

        // The snapshot draws every panel from the data inside it, with no request leaving the file.
        var snap = report.GetProperty("snapshots").GetProperty(snapshot);
        AssertEveryPanelDrawnWithData(snap, "snapshot");
        Assert.True(snap.GetProperty("network").GetArrayLength() == 0, snap.ToString());
        // So does a snapshot of log panels, their lines inside the file.
        var logsSnap = report.GetProperty("snapshots").GetProperty(logsSnapshot);
        AssertEveryPanelDrawnWithData(logsSnap, "logs snapshot");
        Assert.True(logsSnap.GetProperty("network").GetArrayLength() == 0, logsSnap.ToString());
    }

    [Fact]
    public async Task TheTargetsPageShowsSamplesTheStoreRejected()
    {
        using var dir = new TempDir();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), old = now - 20L * 86_400_000;
        // A target exposing timestamps: one series repeats its timestamp with another value, one is older than retention.
        using var target = new FakeTarget { Body = $"m_dup 1 {now}\nm_old 1 {old}\n" };
        var config = Path.Combine(dir.Path, "mlobs.yml");
        File.WriteAllText(config, $"global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: timestamped\n    static_configs: [{{targets: [\"{target.Address}\"]}}]\n");
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(dir.Path, "data"));
        using var http = new HttpClient();
        await Wait.UntilAsync("a first scrape", async () => (await http.GetStringAsync(mlobs.BaseUrl + "/api/v1/targets")).Contains("\"health\":\"up\""));
        target.Body = $"m_dup 2 {now}\nm_old 1 {old}\n";
        await Wait.UntilAsync("rejections", async () => (await http.GetStringAsync(mlobs.BaseUrl + "/api/v1/targets")).Contains("\"duplicateTimestamp\":2"));
        var report = await UiCheckAsync(mlobs.BaseUrl, Artifacts("targets"), "--pages");
        var targets = report.GetProperty("pages").GetProperty("targets");
        Assert.True(targets.GetProperty("errors").GetArrayLength() == 0, targets.ToString());
        var text = targets.GetProperty("text").GetString()!;
        Assert.Contains("Rejected", text);
        Assert.Matches(@"\d+ duplicate timestamp, \d+ out of bounds", text);
    }

    [Fact]
    public async Task NodeExporterFullBothFormsCheckAndRenderAgainstARealNodeExporter()
    {
        if (!File.Exists(PeerProcess.NodeExporterBinary)) Assert.Fail("prometheus-node-exporter is missing: ./build.sh test installs it");
        using var dir = new TempDir();
        int nodePort = FakeTarget.FreePort();
        using var node = PeerProcess.Start(PeerProcess.NodeExporterBinary, $"--web.listen-address=127.0.0.1:{nodePort}");
        var config = Path.Combine(dir.Path, "mlobs.yml");
        File.WriteAllText(config, $"global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: [\"127.0.0.1:{nodePort}\"]\nmlobs:\n  dashboards_dir: {Paths.Conformance("grafana")}\n");
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(dir.Path, "data"));
        await Wait.UntilAsync("node_exporter rates", async () =>
        {
            var (_, output) = await MlobsProcess.RunAsync("query", "count(rate(node_cpu_seconds_total[1m]))", "--server", mlobs.BaseUrl);
            return output.Contains("{}", StringComparison.Ordinal);
        });

        string[] files = [Paths.Conformance("grafana", "node-exporter-full.json"), Paths.Conformance("grafana", "node-exporter-full-old.json")];
        var (exit, output) = await MlobsProcess.RunAsync(["check", "dashboard", "--server", mlobs.BaseUrl, "--from", "now-2m", "--allow-empty", .. files]);
        Assert.True(exit == 0, output);
        Assert.Contains("\"Node Exporter Full\" (uid rYdddlPWk): 125 panels, 275 queries ran, 0 errors", output);
        Assert.Contains("\"Node Exporter Full Old\" (uid node-exporter-full-old): 172 panels, 463 queries ran, 0 errors", output);

        var report = await UiCheckAsync(mlobs.BaseUrl, Artifacts("node-exporter"), "--dashboard", "rYdddlPWk", "--dashboard", "node-exporter-full-old", "--layout");
        foreach (var uid in new[] { "rYdddlPWk", "node-exporter-full-old" })
        {
            var d = report.GetProperty("dashboards").GetProperty(uid);
            // Every panel drawn or clearly marked; nothing blank, no errors.
            Assert.True(d.GetProperty("panels").GetInt32() == d.GetProperty("drawn").GetInt32(), $"{uid}: {d}");
            Assert.True(d.GetProperty("blank").GetArrayLength() == 0, $"{uid}: {d}");
            Assert.True(d.GetProperty("errors").GetArrayLength() == 0, $"{uid}: {d}");
            Assert.True(d.GetProperty("consoleErrors").GetArrayLength() == 0, $"{uid}: {d}");
            var expanded = d.GetProperty("expanded");
            Assert.True(expanded.GetProperty("after").GetInt32() > expanded.GetProperty("before").GetInt32(), $"{uid}: {d}");
            Assert.Equal(expanded.GetProperty("after").GetInt32(), expanded.GetProperty("drawn").GetInt32());
            // All 125 (172) panels laid out at both sizes, nothing inside any of them scrolling or cut off.
            AssertLayoutFits(d, uid);
        }
        // The chained job → nodename → node variables resolve to this node_exporter.
        var full = report.GetProperty("dashboards").GetProperty("rYdddlPWk");
        var vars = full.GetProperty("variables");
        Assert.Equal("node", vars.GetProperty("job").GetProperty("selected")[0].GetString());
        Assert.Equal(Environment.MachineName, vars.GetProperty("nodename").GetProperty("selected")[0].GetString());
        Assert.Equal($"127.0.0.1:{nodePort}", vars.GetProperty("node").GetProperty("selected")[0].GetString());
        Assert.True(full.GetProperty("withData").GetInt32() > full.GetProperty("panels").GetInt32() / 2, full.ToString());
    }
}

[CollectionDefinition(BrowserTests.Serial, DisableParallelization = true)]
public sealed class BrowserCollection;
