using System.Diagnostics;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// Alert state across restarts and reloads through the published binary, compared with Debian's Prometheus 2.42
/// where they agree: a resolved alert does not come back firing after a restart; an edited expression keeps a firing
/// alert firing; a renamed or removed rule's series end at the next evaluation; a reload does not wait.
/// </summary>
public sealed class AlertStateTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    private string Config => Path.Combine(_dir.Path, "prometheus.yml");
    private string Rules => Path.Combine(_dir.Path, "rules.yml");

    private async Task<JsonElement> Data(string baseUrl, string path)
    {
        var body = await _http.GetStringAsync(baseUrl + path);
        return JsonDocument.Parse(body).RootElement.GetProperty("data").Clone();
    }

    private async Task<List<JsonElement>> Alerts(string baseUrl) =>
        (await Data(baseUrl, "/api/v1/alerts")).GetProperty("alerts").EnumerateArray().ToList();

    private async Task<string> AlertsSeries(string baseUrl, string alertname) =>
        string.Join(" ", (await Data(baseUrl, "/api/v1/query?query=" + Uri.EscapeDataString($"ALERTS{{alertname=\"{alertname}\"}}")))
            .GetProperty("result").EnumerateArray().Select(s => s.GetProperty("metric").GetProperty("alertstate").GetString()).Order());

    private static string RuleFile(string alert, string expr, string forDuration) =>
        $"groups:\n  - name: g\n    interval: 1s\n    rules:\n      - alert: {alert}\n        expr: {expr}\n        for: {forDuration}\n";

    private void WriteConfig(FakeTarget target, string extra = "") => File.WriteAllText(Config,
        $"global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: [rules.yml]\nscrape_configs:\n  - job_name: app\n    static_configs: [{{targets: [\"{target.Address}\"]}}]\n{extra}");

    [Fact]
    public async Task AnAlertThatResolvedBeforeARestartStartsPendingAgainAfterIt()
    {
        using var target = new FakeTarget { Body = "myval 1\n" };
        WriteConfig(target);
        File.WriteAllText(Rules, RuleFile("MyValPositive", "myval > 0", "3s"));
        var data = Path.Combine(_dir.Path, "data");
        string firstActiveAt;
        using (var p = await MlobsProcess.ServeAsync(Config, data))
        {
            await Wait.UntilAsync("firing", async () => (await Alerts(p.BaseUrl)).Any(a => a.GetProperty("state").GetString() == "firing"));
            firstActiveAt = (await Alerts(p.BaseUrl))[0].GetProperty("activeAt").GetString()!;
            target.Body = "myval 0\n";
            await Wait.UntilAsync("resolved", async () => (await Alerts(p.BaseUrl)).Count == 0);
            await Task.Delay(1500); // its ALERTS_FOR_STATE series has ended (staleness marker)
            Assert.Equal(0, await p.StopAsync());
        }
        target.Body = "myval 1\n";
        var restarted = DateTimeOffset.UtcNow;
        using (var p = await MlobsProcess.ServeAsync(Config, data))
        {
            await Wait.UntilAsync("the alert is back", async () => (await Alerts(p.BaseUrl)).Count == 1);
            var alert = (await Alerts(p.BaseUrl))[0];
            // A new episode: pending, started after the restart, firing only once `for` has passed again.
            Assert.Equal("pending", alert.GetProperty("state").GetString());
            Assert.NotEqual(firstActiveAt, alert.GetProperty("activeAt").GetString());
            Assert.True(DateTimeOffset.Parse(alert.GetProperty("activeAt").GetString()!) >= restarted.AddSeconds(-1));
            await Wait.UntilAsync("firing after for", async () => (await Alerts(p.BaseUrl))[0].GetProperty("state").GetString() == "firing");
        }
    }

    [Fact]
    public async Task EditingAFiringAlertsExpressionKeepsItFiringAsPrometheusDoes()
    {
        using var target = new FakeTarget { Body = "myval 1\n" };
        using var webhook = new WebhookSink();
        WriteConfig(target);
        File.WriteAllText(Rules, RuleFile("Edited", "myval > 0", "3s"));
        // mlobs routes to a webhook with its built-in router (alertmanager.yml inline); Prometheus does not read it.
        var mlobsConfig = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(mlobsConfig, File.ReadAllText(Config) +
            $"mlobs:\n  alertmanager_config:\n    route: {{receiver: hook, group_wait: 0s, group_interval: 1s}}\n    receivers:\n      - name: hook\n        webhook_configs: [{{url: \"http://127.0.0.1:{webhook.Port}/hook\", send_resolved: true}}]\n");
        using var mlobs = await MlobsProcess.ServeAsync(mlobsConfig, Path.Combine(_dir.Path, "data"));
        using var prometheus = await PrometheusPeer.StartAsync(Config, Path.Combine(_dir.Path, "prometheus"));
        foreach (var baseUrl in new[] { mlobs.BaseUrl, prometheus.BaseUrl })
            await Wait.UntilAsync("firing", async () => await AlertsSeries(baseUrl, "Edited") == "firing", 30);
        var activeAt = (await Alerts(mlobs.BaseUrl))[0].GetProperty("activeAt").GetString();
        await Wait.UntilAsync("the firing notification", () => Task.FromResult(webhook.Posts("/hook").Count > 0));

        File.WriteAllText(Rules, RuleFile("Edited", "myval > 0.5", "3s")); // still true
        using (var r = await _http.PostAsync(mlobs.BaseUrl + "/-/reload", null)) Assert.True(r.IsSuccessStatusCode);
        prometheus.Reload();
        await Wait.UntilAsync("Prometheus reloaded", async () =>
            (await Data(prometheus.BaseUrl, "/api/v1/rules")).GetProperty("groups")[0].GetProperty("rules")[0].GetProperty("query").GetString() == "myval > 0.5", 20);
        for (int i = 0; i < 4; i++)
        {
            await Task.Delay(1000);
            Assert.Equal("firing", await AlertsSeries(prometheus.BaseUrl, "Edited"));
            Assert.Equal("firing", await AlertsSeries(mlobs.BaseUrl, "Edited"));
        }
        var alert = (await Alerts(mlobs.BaseUrl))[0];
        Assert.Equal("firing", alert.GetProperty("state").GetString());
        Assert.Equal(activeAt, alert.GetProperty("activeAt").GetString());
        Assert.DoesNotContain(webhook.Posts("/hook"), p => p.GetProperty("status").GetString() == "resolved");
    }

    [Fact]
    public async Task ARenamedRulesSeriesEndAtTheNextEvaluationAsPrometheusDoes()
    {
        using var target = new FakeTarget { Body = "myval 1\n" };
        WriteConfig(target);
        File.WriteAllText(Rules, RuleFile("Old", "myval > 0", "0s"));
        using var mlobs = await MlobsProcess.ServeAsync(Config, Path.Combine(_dir.Path, "data"));
        using var prometheus = await PrometheusPeer.StartAsync(Config, Path.Combine(_dir.Path, "prometheus"));
        foreach (var baseUrl in new[] { mlobs.BaseUrl, prometheus.BaseUrl })
            await Wait.UntilAsync("Old firing", async () => await AlertsSeries(baseUrl, "Old") == "firing", 30);
        File.WriteAllText(Rules, RuleFile("New", "myval > 0", "0s"));
        using (var r = await _http.PostAsync(mlobs.BaseUrl + "/-/reload", null)) Assert.True(r.IsSuccessStatusCode);
        prometheus.Reload();
        foreach (var (name, baseUrl) in new[] { ("mlobs", mlobs.BaseUrl), ("prometheus", prometheus.BaseUrl) })
        {
            await Wait.UntilAsync($"{name}: New firing", async () => await AlertsSeries(baseUrl, "New") == "firing", 20);
            // not answered for the five-minute lookback: ended by a staleness marker
            await Wait.UntilAsync($"{name}: Old's series end", async () => await AlertsSeries(baseUrl, "Old") == "", 10);
        }
    }

    [Fact]
    public async Task AReloadThatChangesTheRouterDoesNotWaitForNotificationsOrEvaluations()
    {
        using var target = new FakeTarget { Body = "myval 1\n" };
        using var webhook = new WebhookSink();
        var mlobsConfig = Path.Combine(_dir.Path, "mlobs.yml");
        string Router(string path) => $"global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: [rules.yml]\nmlobs:\n  alertmanager_config:\n    route: {{receiver: hook, group_by: [alertname], group_wait: 0s, group_interval: 1s}}\n    receivers:\n      - name: hook\n        webhook_configs: [{{url: \"http://127.0.0.1:{webhook.Port}/{path}\"}}]\n";
        File.WriteAllText(Rules, "groups:\n  - name: a\n    interval: 1s\n    rules:\n      - alert: A\n        expr: vector(1)\n  - name: b\n    interval: 1m\n    rules:\n      - alert: B\n        expr: vector(1)\n");
        File.WriteAllText(mlobsConfig, Router("one"));
        using var mlobs = await MlobsProcess.ServeAsync(mlobsConfig, Path.Combine(_dir.Path, "data"));
        await Wait.UntilAsync("notified", () => Task.FromResult(webhook.Posts("/one").Count > 0));
        for (int i = 0; i < 3; i++)
        {
            File.WriteAllText(mlobsConfig, Router("path" + i));
            var sw = Stopwatch.StartNew();
            using (var r = await _http.PostAsync(mlobs.BaseUrl + "/-/reload", null)) Assert.True(r.IsSuccessStatusCode);
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), $"reload took {sw.Elapsed}");
        }
        // (Notifications already sent are not repeated at the new URL before repeat_interval: the notification log
        // is keyed by receiver and group, as Alertmanager's.)
    }
}

/// <summary>Smaller contract fixes through the published binary: strict dashboard JSON, amtool's config show.</summary>
public sealed class ApiContractTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task DashboardJsonGrafanaWouldRefuseIsRefusedByTheCheckAndTheApiWithItsPosition()
    {
        var file = Path.Combine(_dir.Path, "trailing.json");
        const string Json = "{\"title\": \"T\", \"uid\": \"t\",\n \"panels\": [{\"id\": 1, \"type\": \"text\", \"title\": \"x\"}],\n}";
        File.WriteAllText(file, Json);
        var (code, output) = await MlobsProcess.RunAsync("check", "dashboard", file);
        Assert.Equal(1, code);
        Assert.Contains($"{file}:3:1: invalid JSON: trailing comma", output);
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, "global:\n  scrape_interval: 15s\n");
        using var p = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));
        using var r = await _http.PostAsync(p.BaseUrl + "/api/dashboards/db", new StringContent("{\"dashboard\": " + Json + ", \"overwrite\": true}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)r.StatusCode);
        Assert.Contains("trailing comma", await r.Content.ReadAsStringAsync());
        using var comment = await _http.PostAsync(p.BaseUrl + "/api/dashboards/db", new StringContent("{\"dashboard\": {\"title\": \"C\", // note\n \"panels\": []}}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)comment.StatusCode);
    }

    [Fact]
    public async Task AmtoolConfigShowPrintsTheRoutersAlertmanagerConfiguration()
    {
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, """
            global:
              scrape_interval: 15s
            mlobs:
              alertmanager_config:
                route:
                  receiver: team-ml   # the ML on-call
                  group_by: [alertname]
                receivers:
                  - name: team-ml
            """);
        using var p = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));
        var (code, output) = await PeerProcess.RunAsync("/usr/bin/amtool", "config", "show", "--alertmanager.url=" + p.BaseUrl);
        Assert.True(code == 0, output);
        Assert.Contains("route:\n  receiver: team-ml   # the ML on-call\n  group_by: [alertname]\nreceivers:\n  - name: team-ml", output);
        Assert.DoesNotContain("scrape_interval", output);
        Assert.DoesNotContain("mlobs:", output);
        // what it prints is an alertmanager.yml Alertmanager itself accepts
        var shown = Path.Combine(_dir.Path, "shown.yml");
        var yaml = output[output.IndexOf("route:", StringComparison.Ordinal)..];
        int warning = yaml.IndexOf("Warning:", StringComparison.Ordinal); // amtool's version notice, on stderr
        File.WriteAllText(shown, warning < 0 ? yaml : yaml[..warning]);
        var (check, checkOutput) = await PeerProcess.RunAsync("/usr/bin/amtool", "check-config", shown);
        Assert.True(check == 0, checkOutput);
    }
}
