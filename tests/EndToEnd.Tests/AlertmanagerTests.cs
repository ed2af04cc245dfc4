using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// Alerts from <c>mlobs serve</c> reach a real Alertmanager (Debian's prometheus-alertmanager on loopback) through
/// its /api/v2/alerts, with external labels, expanded annotations and a generator URL; a resolved alert is re-sent
/// with its end time so Alertmanager resolves it. Skipped with a note when the package is not installed.
/// </summary>
public sealed class AlertmanagerTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly FakeTarget _target = new();

    public void Dispose()
    {
        _http.Dispose();
        _target.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task FiringAndResolvedAlertsReachARealAlertmanager()
    {
        if (!File.Exists(PeerProcess.AlertmanagerBinary))
            Assert.Fail($"{PeerProcess.AlertmanagerBinary} is not installed (./build.sh test installs Debian's prometheus-alertmanager)");
        File.WriteAllText(Path.Combine(_dir.Path, "am.yml"), "route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n");
        var (am, amPort) = await PeerProcess.StartAlertmanagerAsync(Path.Combine(_dir.Path, "am.yml"), _dir.Path);
        using var amProcess = am;
        string amUrl = $"http://127.0.0.1:{amPort}";

        _target.Body = "model_up{model=\"churn\"} 0\n";
        File.WriteAllText(Path.Combine(_dir.Path, "rules.yml"), """
            groups:
              - name: models
                interval: 1s
                rules:
                  - alert: ModelDown
                    expr: model_up == 0
                    labels: {severity: critical}
                    annotations:
                      summary: 'Model {{ $labels.model }} is down at {{ $externalLabels.site }}'
            """);
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
              external_labels: {"{"}site: edge-1{"}"}
            rule_files: [rules.yml]
            alerting:
              alertmanagers:
                - static_configs:
                    - targets: ["127.0.0.1:{amPort}"]
            scrape_configs:
              - job_name: models
                static_configs:
                  - targets: ["{_target.Address}"]
            """);
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));

        JsonElement alert = default;
        await Wait.UntilAsync("the alert arrives", async () =>
        {
            var alerts = await Get(amUrl + "/api/v2/alerts");
            var found = alerts.EnumerateArray().Where(a => a.GetProperty("labels").TryGetProperty("alertname", out var n) && n.GetString() == "ModelDown").ToList();
            if (found.Count == 0) return false;
            alert = found[0];
            return true;
        }, 60);
        var labels = alert.GetProperty("labels");
        Assert.Equal("critical", labels.GetProperty("severity").GetString());
        Assert.Equal("edge-1", labels.GetProperty("site").GetString());     // external label added
        Assert.Equal("churn", labels.GetProperty("model").GetString());
        Assert.Equal("models", labels.GetProperty("job").GetString());
        Assert.Equal("Model churn is down at edge-1", alert.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.Equal("active", alert.GetProperty("status").GetProperty("state").GetString());
        Assert.EndsWith("/graph?g0.expr=model_up+%3D%3D+0&g0.tab=1", alert.GetProperty("generatorURL").GetString());
        var startsAt = DateTimeOffset.Parse(alert.GetProperty("startsAt").GetString()!);
        Assert.True(DateTimeOffset.UtcNow - startsAt < TimeSpan.FromMinutes(1));

        // The model comes back: the resolved alert is sent with its end time and Alertmanager stops listing it as active.
        _target.Body = "model_up{model=\"churn\"} 1\n";
        // Up to the resend delay (1 min) and a bit: as in Prometheus, a post that fails (a busy machine) is dropped and
        // the resolved alert goes out again at the next resend.
        try
        {
            await Wait.UntilAsync("the alert resolves", async () =>
            {
                var alerts = await Get(amUrl + "/api/v2/alerts?active=true&silenced=false&inhibited=false&unprocessed=false");
                return !alerts.EnumerateArray().Any(a => a.GetProperty("labels").GetProperty("alertname").GetString() == "ModelDown");
            }, 80);
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException(e.Message + "\nmlobs log:\n" + string.Join("\n", mlobs.Output.Split('\n').TakeLast(30)));
        }

        // The notifier is visible on /metrics.
        var metrics = await _http.GetStringAsync(mlobs.BaseUrl + "/metrics");
        Assert.Contains($"mlobs_notifications_sent_total{{alertmanager=\"http://127.0.0.1:{amPort}/api/v2/alerts\"}}", metrics);
        Assert.Contains("mlobs_notifications_alertmanagers_discovered 1", metrics);
        Assert.Contains("mlobs_rule_group_iterations_total{rule_group=", metrics);
    }

    private async Task<JsonElement> Get(string url)
    {
        var text = await _http.GetStringAsync(url);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
