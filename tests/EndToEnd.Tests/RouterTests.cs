using System.Net;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// The built-in router through <c>mlobs serve</c>: a firing alert reaches a webhook as Alertmanager's version 4
/// message — compared field by field with what Debian's real Alertmanager sends for the same alert and route —
/// a restart does not repeat it, and the resolution is notified.
/// </summary>
public sealed class RouterTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTarget _target = new();
    private readonly WebhookSink _hook = new();

    public void Dispose()
    {
        _hook.Dispose();
        _target.Dispose();
        _dir.Dispose();
    }

    /// <summary>mlobs.yml: 1 s scrapes of the fake target, rules.yml, the router from am.yml, plus <paramref name="extra"/> top-level YAML.</summary>
    private string WriteConfig(string extra = "")
    {
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [rules.yml]
            scrape_configs:
              - job_name: models
                static_configs:
                  - targets: ["{_target.Address}"]
            mlobs:
              alertmanager_config_file: am.yml

            """ + extra);
        return config;
    }

    private string RouterYaml(string hookPath) => $"""
            route:
              receiver: ml-team
              group_by: [alertname]
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: ml-team
                webhook_configs:
                  - url: http://127.0.0.1:{_hook.Port}{hookPath}
                    send_resolved: true
            """;

    [Fact]
    public async Task WebhookGetsAlertmanagersMessageOnceAcrossARestartAndTheResolution()
    {
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
                      summary: 'Model {{ $labels.model }} is down'
            """);
        File.WriteAllText(Path.Combine(_dir.Path, "am.yml"), RouterYaml("/mlobs"));

        // Debian's Alertmanager, when installed, gets the same alerts and the same route, posting to /am.
        PeerProcess? am = null;
        string alerting = "";
        if (File.Exists(PeerProcess.AlertmanagerBinary))
        {
            File.WriteAllText(Path.Combine(_dir.Path, "real-am.yml"), RouterYaml("/am"));
            (am, int amPort) = await PeerProcess.StartAlertmanagerAsync(Path.Combine(_dir.Path, "real-am.yml"), _dir.Path);
            alerting = $"alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [\"127.0.0.1:{amPort}\"]\n";
        }
        using var amProcess = am;
        var config = WriteConfig(alerting);
        var data = Path.Combine(_dir.Path, "data");
        using (var mlobs = await MlobsProcess.ServeAsync(config, data))
        {
            await Wait.UntilAsync("webhook posts", () => Task.FromResult(_hook.Posts("/mlobs").Count > 0), 30);
            var msg = _hook.Posts("/mlobs")[0];
            Assert.Equal("ml-team", msg.GetProperty("receiver").GetString());
            Assert.Equal("firing", msg.GetProperty("status").GetString());
            Assert.Equal("4", msg.GetProperty("version").GetString());
            Assert.Equal("{}:{alertname=\"ModelDown\"}", msg.GetProperty("groupKey").GetString());
            Assert.Equal(0, msg.GetProperty("truncatedAlerts").GetInt32());
            Assert.Equal(mlobs.BaseUrl.Replace("127.0.0.1", Environment.MachineName), msg.GetProperty("externalURL").GetString());
            var alert = msg.GetProperty("alerts")[0];
            Assert.Equal("""{"alertname":"ModelDown","instance":"TARGET","job":"models","model":"churn","severity":"critical"}""".Replace("TARGET", _target.Address),
                alert.GetProperty("labels").GetRawText());
            Assert.Equal("Model churn is down", alert.GetProperty("annotations").GetProperty("summary").GetString());
            Assert.Equal("0001-01-01T00:00:00Z", alert.GetProperty("endsAt").GetString());

            if (am is not null)
            {
                await Wait.UntilAsync("webhook posts", () => Task.FromResult(_hook.Posts("/am").Count > 0), 30);
                var real = _hook.Posts("/am")[0];
                // Same shape and content, field by field (only the external URL names a different server).
                Assert.Equal(real.EnumerateObject().Select(p => p.Name), msg.EnumerateObject().Select(p => p.Name));
                foreach (var field in new[] { "receiver", "status", "groupLabels", "commonLabels", "commonAnnotations", "version", "groupKey", "truncatedAlerts" })
                    Assert.Equal(real.GetProperty(field).GetRawText(), msg.GetProperty(field).GetRawText());
                var realAlert = real.GetProperty("alerts")[0];
                Assert.Equal(realAlert.EnumerateObject().Select(p => p.Name), alert.EnumerateObject().Select(p => p.Name));
                foreach (var field in new[] { "status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint" })
                    Assert.Equal(realAlert.GetProperty(field).GetRawText(), alert.GetProperty(field).GetRawText());
            }
        }

        // A restart: the alert is still firing (its state restored), but the notification log says it was sent.
        using (var mlobs = await MlobsProcess.ServeAsync(config, data))
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            Assert.Single(_hook.Posts("/mlobs"));
            // The model recovers: one resolved notification.
            _target.Body = "model_up{model=\"churn\"} 1\n";
            await Wait.UntilAsync("webhook posts", () => Task.FromResult(_hook.Posts("/mlobs").Count > 1), 30);
            var resolved = _hook.Posts("/mlobs")[1];
            Assert.Equal("resolved", resolved.GetProperty("status").GetString());
            Assert.Equal("resolved", resolved.GetProperty("alerts")[0].GetProperty("status").GetString());
            var metrics = await new HttpClient().GetStringAsync(mlobs.BaseUrl + "/metrics");
            Assert.Contains("mlobs_router_notifications_total{receiver=\"ml-team\",integration=\"webhook[0]\"} 1", metrics);
        }
    }

    private string ReceiversYaml(string prefix) => $"""
            route:
              receiver: ml-team
              group_by: [alertname]
              group_wait: 1s
              group_interval: 1s
            receivers:
              - name: ml-team
                slack_configs:
                  - api_url: http://127.0.0.1:{_hook.Port}{prefix}/slack
                    channel: '#ml-alerts'
                    title: '{"{{"} .Status | toUpper {"}}"}: {"{{"} .CommonLabels.alertname {"}}"}'
                    text: '{"{{"} range .Alerts {"}}"}{"{{"} .Annotations.description {"}}"} {"{{"} end {"}}"}'
                  - api_url: http://127.0.0.1:{_hook.Port}{prefix}/slack-default
                pagerduty_configs:
                  - routing_key: R0UT1NGKEY
                    url: http://127.0.0.1:{_hook.Port}{prefix}/pagerduty
                    severity: '{"{{"} .CommonLabels.severity {"}}"}'
                discord_configs:
                  - webhook_url: http://127.0.0.1:{_hook.Port}{prefix}/discord
            """;

    /// <summary>
    /// Slack (templates as a user seeds them and Alertmanager's defaults), PagerDuty Events v2 and Discord messages
    /// from the router equal what Debian's Alertmanager sends for the same alerts and receivers — apart from the
    /// external URL, which names each server.
    /// </summary>
    [Fact]
    public async Task SlackPagerDutyAndDiscordMessagesMatchAlertmanagers()
    {
        if (!File.Exists(PeerProcess.AlertmanagerBinary))
            Assert.Fail($"{PeerProcess.AlertmanagerBinary} is not installed (./build.sh test installs it)");
        _target.Body = "model_up{model=\"churn\"} 0\nmodel_up{model=\"fraud\"} 0\n";
        File.WriteAllText(Path.Combine(_dir.Path, "rules.yml"), """
            groups:
              - name: models
                interval: 1s
                rules:
                  - alert: ModelDown
                    expr: model_up == 0
                    labels: {severity: critical}
                    annotations:
                      summary: 'Model {{ $labels.model }} is down'
                      description: '{{ $labels.model }} has not answered <&> since {{ $value }}'
            """);
        File.WriteAllText(Path.Combine(_dir.Path, "am.yml"), ReceiversYaml("/mlobs"));
        File.WriteAllText(Path.Combine(_dir.Path, "real-am.yml"), ReceiversYaml("/am"));
        var (am, amPort) = await PeerProcess.StartAlertmanagerAsync(Path.Combine(_dir.Path, "real-am.yml"), _dir.Path);
        using var amProcess = am;
        var config = WriteConfig($"alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [\"127.0.0.1:{amPort}\"]\n");
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));
        string[] kinds = ["slack", "slack-default", "pagerduty", "discord"];
        await Wait.UntilAsync("webhook posts", () => Task.FromResult(kinds.All(k => _hook.Posts("/mlobs/" + k).Count > 0 && _hook.Posts("/am/" + k).Count > 0)), 40);
        string ours = mlobs.BaseUrl.Replace("127.0.0.1", Environment.MachineName), theirs = $"http://{Environment.MachineName}:{amPort}";
        foreach (var kind in kinds)
        {
            // The first message of each: both saw the two alerts fire within the same second.
            var mine = _hook.Posts("/mlobs/" + kind)[0].GetRawText().Replace(ours, "EXTERNAL_URL");
            // (mlobs's own URL also appears in both as the alerts' generatorURL.)
            var real = _hook.Posts("/am/" + kind)[0].GetRawText().Replace(ours, "EXTERNAL_URL").Replace(theirs, "EXTERNAL_URL");
            Assert.True(real == mine, $"{kind}:\nalertmanager: {real}\nmlobs:        {mine}");
        }
        var slack = _hook.Posts("/mlobs/slack")[0];
        Assert.Equal("FIRING: ModelDown", slack.GetProperty("attachments")[0].GetProperty("title").GetString());
    }

    /// <summary>
    /// Silences through <c>mlobs silence</c> and Debian's amtool against mlobs's /api/v2: a silenced alert is muted
    /// (and shown suppressed in /api/v2/alerts), expiring the silence lets its notification out, and silences
    /// survive a restart.
    /// </summary>
    [Fact]
    public async Task SilencesMuteAlertsAndWorkWithAmtool()
    {
        File.WriteAllText(Path.Combine(_dir.Path, "rules.yml"), """
            groups:
              - name: models
                interval: 1s
                rules:
                  - alert: ModelDown
                    expr: model_up == 0
            """);
        File.WriteAllText(Path.Combine(_dir.Path, "am.yml"), RouterYaml("/hook").Replace("group_by: [alertname]", "group_by: [alertname, model]"));
        var config = WriteConfig();
        var data = Path.Combine(_dir.Path, "data");
        string id;
        using (var mlobs = await MlobsProcess.ServeAsync(config, data))
        {
            var (exit, output) = await MlobsProcess.RunAsync("silence", "add", "model=churn", "-c", "retraining churn", "-d", "1h", "--server", mlobs.BaseUrl);
            Assert.True(exit == 0, output);
            id = output.Trim();
            Assert.Matches("^[0-9a-f-]{36}$", id);

            _target.Body = "model_up{model=\"churn\"} 0\nmodel_up{model=\"fraud\"} 0\n";
            await Wait.UntilAsync("webhook posts", () => Task.FromResult(_hook.Posts("/hook").Count > 0), 30);
            await Task.Delay(TimeSpan.FromSeconds(3));
            var models = _hook.Posts("/hook").Select(p => p.GetProperty("groupLabels").GetProperty("model").GetString()).ToList();
            Assert.Equal(["fraud"], models);                              // churn is silenced

            using var http = new HttpClient();
            var alerts = JsonDocument.Parse(await http.GetStringAsync(mlobs.BaseUrl + "/api/v2/alerts")).RootElement;
            var churn = alerts.EnumerateArray().Single(a => a.GetProperty("labels").GetProperty("model").GetString() == "churn");
            Assert.Equal("suppressed", churn.GetProperty("status").GetProperty("state").GetString());
            Assert.Equal(id, churn.GetProperty("status").GetProperty("silencedBy")[0].GetString());
            Assert.Equal("ml-team", churn.GetProperty("receivers")[0].GetProperty("name").GetString());

            if (File.Exists("/usr/bin/amtool"))
            {
                var url = "--alertmanager.url=" + mlobs.BaseUrl;
                var (amExit, amOut) = await PeerProcess.RunAsync("/usr/bin/amtool", "silence", "query", "-o", "json", url);
                Assert.True(amExit == 0, amOut);
                Assert.Contains(id, amOut);
                (amExit, amOut) = await PeerProcess.RunAsync("/usr/bin/amtool", "silence", "add", "model=other", "--comment=from amtool", "--duration=2h", url);
                Assert.True(amExit == 0, amOut);
                var (listExit, list) = await MlobsProcess.RunAsync("silence", "list", "--server", mlobs.BaseUrl);
                Assert.True(listExit == 0, list);
                Assert.Contains(amOut.Split('\n')[0].Trim(), list);   // amtool prints the id, then any warnings
                Assert.Contains("from amtool", list);
                (amExit, amOut) = await PeerProcess.RunAsync("/usr/bin/amtool", "alert", "query", "-o", "json", url);
                Assert.True(amExit == 0, amOut);
                Assert.Contains("fraud", amOut);
            }

            // Expiring the silence lets churn's notification out at the group's next flush.
            (exit, output) = await MlobsProcess.RunAsync("silence", "expire", id, "--server", mlobs.BaseUrl);
            Assert.True(exit == 0, output);
            await Wait.UntilAsync("webhook posts", () => Task.FromResult(_hook.Posts("/hook").Any(p => p.GetProperty("groupLabels").GetProperty("model").GetString() == "churn")), 30);
        }
        using (var mlobs = await MlobsProcess.ServeAsync(config, data))
        {
            var (exit, output) = await MlobsProcess.RunAsync("silence", "list", "--expired", "--server", mlobs.BaseUrl);
            Assert.True(exit == 0, output);
            Assert.Contains(id, output);                                  // kept across the restart
            Assert.Contains("expired", output);
            (exit, output) = await MlobsProcess.RunAsync("silence", "expire", "no-such-id", "--server", mlobs.BaseUrl);
            Assert.Equal(1, exit);
            Assert.Contains("404", output);
        }
    }
}
