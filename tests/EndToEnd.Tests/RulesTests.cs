using System.Diagnostics;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>Rule files through the published binary: <c>check rules</c> against promtool, and rules evaluated by <c>serve</c>.</summary>
public sealed class RulesTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    public void Dispose() { _http.Dispose(); _dir.Dispose(); }

    /// <summary>
    /// Prometheus's own rule files: same verdict as promtool (<c>rules-bad.yml</c>: an undefined template variable).
    /// </summary>
    [Theory]
    [InlineData("rules.yml", 0, "SUCCESS: 5 rules found")]
    [InlineData("bad-rules-syntax.yml", 1, "7:15: group \"bad-syntax\", rule 1, \"x\": could not parse expression: 1:7: parse error: unexpected end of input")]
    [InlineData("rules_duplicates.yml", 0, "1 duplicate rule(s) found.")]
    [InlineData("bad-promql.yml", 1, "field tests not found in rule file")]
    [InlineData("bad-rules-error.yml", 0, "SUCCESS: 1 rules found")]
    [InlineData("at-modifier.yml", 0, "SUCCESS")]
    [InlineData("negative-offset.yml", 0, "SUCCESS")]
    [InlineData("rules-bad.yml", 1, "rules-bad.yml: group \"alerts\", rule 1, \"InstanceDown\": annotation \"summary\": template: __alert_InstanceDown:1: undefined variable \"$label\"")]
    public async Task CheckRulesGivesPromtoolsVerdict(string file, int expectedExit, string expectedText)
    {
        var path = Paths.Conformance("promtool", file);
        var (exit, output) = await MlobsProcess.RunAsync("check", "rules", path);
        Assert.Equal(expectedExit, exit);
        Assert.Contains(expectedText, output);
        if (File.Exists("/usr/bin/promtool"))
        {
            var (promExit, promOutput) = await PeerProcess.RunAsync("/usr/bin/promtool", "check", "rules", path);
            Assert.True(promExit == expectedExit, $"promtool says {promExit}: {promOutput}");
        }
    }

    /// <summary>
    /// promtool's own unit-test files, with the verdicts Prometheus 3.5's promtool gives them (its main_test.go).
    /// Where Debian's promtool is installed, it must agree — except on the two files whose verdict changed after
    /// Debian's 2.42: <c>unittest.yml</c> (2.42 does not know the native-histogram <c>histogram</c> field) and
    /// <c>no-test-group-interval.yml</c> (2.42 does not default a test group's interval to evaluation_interval).
    /// </summary>
    [Theory]
    [InlineData("unittest.yml", 0)]
    [InlineData("long-period.yml", 0)]
    [InlineData("no-test-group-interval.yml", 0)]
    [InlineData("at-modifier-test.yml", 0)]
    [InlineData("negative-offset-test.yml", 0)]
    [InlineData("failing.yml", 1)]
    [InlineData("bad-input-series.yml", 1)]
    [InlineData("bad-rules-error-test.yml", 1)]
    [InlineData("bad-rules-syntax-test.yml", 1)]
    public async Task TestRulesGivesPromtoolsVerdict(string file, int expectedExit)
    {
        var path = Paths.Conformance("promtool", file);
        var (exit, output) = await PeerProcess.RunAsync(MlobsProcess.BinaryPath, "test", "rules", path);
        Assert.True(exit == expectedExit, output);
        Assert.Contains(expectedExit == 0 ? "  SUCCESS" : "  FAILED:", output);
        if (file == "unittest.yml")
            Assert.Contains("SKIPPED: expr \"test_histogram\" at 1m: native histogram results are not supported", output);
        if (File.Exists("/usr/bin/promtool") && file is not ("unittest.yml" or "no-test-group-interval.yml"))
        {
            var (promExit, promOutput) = await PeerProcess.RunAsync("/usr/bin/promtool", "test", "rules", path);
            Assert.True(promExit == exit, $"promtool says {promExit}: {promOutput}");
        }
    }

    /// <summary>The example rules shipped in config/rules check clean and pass their unit tests, here and in promtool.</summary>
    [Fact]
    public async Task ShippedExampleRulesPassTheirTests()
    {
        var dir = Path.Combine(Paths.RepoRoot, "config", "rules");
        var tests = Directory.GetFiles(dir, "*_test.yml").Order().ToArray();
        var rules = Directory.GetFiles(dir, "*.yml").Except(tests).Order().ToArray();
        Assert.Equal(3, tests.Length);
        var (exit, output) = await PeerProcess.RunAsync(MlobsProcess.BinaryPath, ["check", "rules", .. rules]);
        Assert.True(exit == 0, output);
        (exit, output) = await PeerProcess.RunAsync(MlobsProcess.BinaryPath, ["test", "rules", .. tests]);
        Assert.True(exit == 0, output);
        Assert.Equal(tests.Length, output.Split("  SUCCESS").Length - 1);
        if (File.Exists("/usr/bin/promtool"))
        {
            var (promExit, promOutput) = await PeerProcess.RunAsync("/usr/bin/promtool", ["test", "rules", .. tests]);
            Assert.True(promExit == 0, promOutput);
        }
    }

    /// <summary>A failing test reads exactly as promtool's report: expected vs got alerts and samples.</summary>
    [Fact]
    public async Task TestRulesFailuresReadAsPromtools()
    {
        var path = Paths.Conformance("promtool", "failing.yml");
        var (_, output) = await PeerProcess.RunAsync(MlobsProcess.BinaryPath, "test", "rules", path);
        Assert.Contains("""
                name: Failing alert test,
                alertname: InstanceDown, time: 5m, 
                    exp:[], 
                    got:[
                        0:
                          Labels:{alertname="InstanceDown", job="test", severity="page"}
                          Annotations:{description=" of job test has been down for more than 5 minutes.", summary="Instance  down"}
                        ]
            """, output);
        Assert.Contains("""
                expr: "test", time: 0s,
                    exp: {__name__="test"} 1E+00
                    got: {__name__="test"} 0E+00
            """, output);
        if (File.Exists("/usr/bin/promtool"))
            Assert.Equal((await PeerProcess.RunAsync("/usr/bin/promtool", "test", "rules", path)).Output, output);
    }

    /// <summary>Templates, external labels and a recording rule feeding an alert, through <c>mlobs test rules</c>.</summary>
    [Fact]
    public async Task TestRulesChecksTemplatedAnnotationsAndRecordedSeries()
    {
        File.WriteAllText(Path.Combine(_dir.Path, "model.yml"), """
            groups:
              - name: model
                rules:
                  - record: model:accuracy:avg5m
                    expr: avg_over_time(model_accuracy[5m])
                  - alert: ModelAccuracyLow
                    expr: model:accuracy:avg5m < 0.8
                    for: 10m
                    labels: {severity: warning}
                    annotations:
                      summary: 'Accuracy of {{ $labels.model }} is {{ $value | humanizePercentage }} in {{ $externalLabels.site }}'
            """);
        var test = Path.Combine(_dir.Path, "model_test.yml");
        File.WriteAllText(test, """
            rule_files: [model.yml]
            evaluation_interval: 1m
            tests:
              - interval: 1m
                external_labels: {site: edge-1}
                input_series:
                  - series: 'model_accuracy{model="churn"}'
                    values: '0.9x10 0.7x30'
                alert_rule_test:
                  - eval_time: 15m
                    alertname: ModelAccuracyLow
                    exp_alerts: []
                  - eval_time: 30m
                    alertname: ModelAccuracyLow
                    exp_alerts:
                      - exp_labels: {severity: warning, model: churn}
                        exp_annotations:
                          summary: Accuracy of churn is 70% in edge-1
                promql_expr_test:
                  - expr: model:accuracy:avg5m
                    eval_time: 30m
                    exp_samples:
                      - labels: 'model:accuracy:avg5m{model="churn"}'
                        value: 0.7
            """);
        var (exit, output) = await PeerProcess.RunAsync(MlobsProcess.BinaryPath, "test", "rules", test);
        Assert.True(exit == 0, output);
        if (File.Exists("/usr/bin/promtool"))
        {
            var (promExit, promOutput) = await PeerProcess.RunAsync("/usr/bin/promtool", "test", "rules", test);
            Assert.True(promExit == 0, promOutput);
        }
        // The same test with a wrong expectation fails, showing the expanded annotation it got.
        File.WriteAllText(test, File.ReadAllText(test).Replace("is 70% in", "is 80% in"));
        (exit, output) = await PeerProcess.RunAsync(MlobsProcess.BinaryPath, "test", "rules", test);
        Assert.Equal(1, exit);
        Assert.Contains("Annotations:{summary=\"Accuracy of churn is 70% in edge-1\"}", output);
    }

    [Fact]
    public async Task ServeEvaluatesRecordingAndAlertingRulesAndReloadKeepsThemOnABrokenFile()
    {
        var rules = Path.Combine(_dir.Path, "rules.yml");
        File.WriteAllText(rules, """
            groups:
              - name: model
                interval: 1s
                labels: {team: ml}
                rules:
                  - record: model:accuracy:fixed
                    expr: vector(0.7)
                  - alert: ModelAccuracyLow
                    expr: model:accuracy:fixed < 0.8
                    for: 0s
                    labels: {severity: page}
                    annotations:
                      summary: 'accuracy {{ $value | humanizePercentage }} for {{ $labels.team }}'
                      broken: '{{ $value | humanize "x" }}'
                  - alert: NeverFires
                    expr: vector(1) > 2
            """);
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, "global:\n  evaluation_interval: 1s\nrule_files: [rules.yml]\n");
        using var p = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));

        await Wait.UntilAsync("the awaited condition", async () => (await Data(p, "/api/v1/alerts")).GetProperty("alerts").GetArrayLength() == 1);
        var alert = (await Data(p, "/api/v1/alerts")).GetProperty("alerts")[0];
        Assert.Equal("firing", alert.GetProperty("state").GetString());
        Assert.Equal("7e-01", alert.GetProperty("value").GetString());
        Assert.Equal("""{"alertname":"ModelAccuracyLow","severity":"page","team":"ml"}""", alert.GetProperty("labels").GetRawText());
        // Annotation templates run as Prometheus runs them; a failing one shows its error in place and the alert still fires.
        Assert.Equal("accuracy 70% for ml", alert.GetProperty("annotations").GetProperty("summary").GetString());
        var broken = alert.GetProperty("annotations").GetProperty("broken").GetString()!;
        Assert.StartsWith("<error expanding template: error executing template __alert_ModelAccuracyLow: template: __alert_ModelAccuracyLow:1:", broken);
        Assert.EndsWith("wrong number of args for humanize: want 1 got 2>", broken);

        var groups = (await Data(p, "/api/v1/rules")).GetProperty("groups");
        var group = groups[0];
        Assert.Equal("model", group.GetProperty("name").GetString());
        Assert.Equal(1, group.GetProperty("interval").GetDouble());
        Assert.Equal(0, group.GetProperty("missedIterations").GetInt64());
        var ruleList = group.GetProperty("rules");
        Assert.Equal("recording", ruleList[0].GetProperty("type").GetString());
        Assert.Equal("ok", ruleList[0].GetProperty("health").GetString());
        Assert.False(ruleList[0].TryGetProperty("state", out _));
        Assert.Equal("alerting", ruleList[1].GetProperty("type").GetString());
        Assert.Equal("firing", ruleList[1].GetProperty("state").GetString());
        Assert.Equal("inactive", ruleList[2].GetProperty("state").GetString());
        Assert.Equal(0, ruleList[2].GetProperty("alerts").GetArrayLength());
        var onlyRecording = (await Data(p, "/api/v1/rules?type=record")).GetProperty("groups")[0].GetProperty("rules");
        Assert.Equal(1, onlyRecording.GetArrayLength());
        using (var bad = await _http.GetAsync(p.BaseUrl + "/api/v1/rules?type=nope"))
            Assert.Equal(400, (int)bad.StatusCode);

        // The recording rule's series and the ALERTS series are stored and queryable.
        var recorded = (await Data(p, "/api/v1/query?query=model:accuracy:fixed")).GetProperty("result");
        Assert.Equal("0.7", recorded[0].GetProperty("value")[1].GetString());
        Assert.Equal("ml", recorded[0].GetProperty("metric").GetProperty("team").GetString());
        var alertsSeries = (await Data(p, "/api/v1/query?query=ALERTS")).GetProperty("result");
        Assert.Equal("firing", alertsSeries[0].GetProperty("metric").GetProperty("alertstate").GetString());

        // A broken rule file fails the reload and leaves the running rules alone.
        File.WriteAllText(rules, "groups:\n  - name: model\n    rules:\n      - alert: X\n        expr: up ==\n");
        using (var reload = await _http.PostAsync(p.BaseUrl + "/-/reload", null))
        {
            var body = await reload.Content.ReadAsStringAsync();
            Assert.False(reload.IsSuccessStatusCode, body);
            Assert.Contains("rules.yml:5:15: group \"model\", rule 1, \"X\": could not parse expression", body);
        }
        Assert.Equal(3, (await Data(p, "/api/v1/rules")).GetProperty("groups")[0].GetProperty("rules").GetArrayLength());
        Assert.Equal(1, (await Data(p, "/api/v1/alerts")).GetProperty("alerts").GetArrayLength());

        // A good reload replaces the rules; the alert of a rule that stays keeps its start time.
        var activeAt = alert.GetProperty("activeAt").GetString();
        File.WriteAllText(rules, """
            groups:
              - name: model
                interval: 1s
                labels: {team: ml}
                rules:
                  - record: model:accuracy:fixed
                    expr: vector(0.7)
                  - alert: ModelAccuracyLow
                    expr: model:accuracy:fixed < 0.8
                    for: 0s
                    labels: {severity: page}
                    annotations:
                      summary: 'accuracy {{ $value | humanizePercentage }} for {{ $labels.team }}'
                      broken: '{{ $value | humanize "x" }}'
            """);
        using (var reload = await _http.PostAsync(p.BaseUrl + "/-/reload", null))
            Assert.True(reload.IsSuccessStatusCode, await reload.Content.ReadAsStringAsync());
        Assert.Equal(2, (await Data(p, "/api/v1/rules")).GetProperty("groups")[0].GetProperty("rules").GetArrayLength());
        Assert.Equal(activeAt, (await Data(p, "/api/v1/alerts")).GetProperty("alerts")[0].GetProperty("activeAt").GetString());
    }

    [Fact]
    public async Task AFiringAlertStaysFiringAfterARestart()
    {
        var rules = Path.Combine(_dir.Path, "rules.yml");
        File.WriteAllText(rules, "groups:\n  - name: g\n    interval: 1s\n    rules:\n      - alert: Always\n        expr: vector(1)\n        for: 2s\n");
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, "rule_files: [rules.yml]\n");
        var data = Path.Combine(_dir.Path, "data");
        string? activeAt;
        using (var p = await MlobsProcess.ServeAsync(config, data))
        {
            await Wait.UntilAsync("the awaited condition", async () => (await Data(p, "/api/v1/alerts")).GetProperty("alerts") is { } a && a.GetArrayLength() == 1
                && a[0].GetProperty("state").GetString() == "firing");
            activeAt = (await Data(p, "/api/v1/alerts")).GetProperty("alerts")[0].GetProperty("activeAt").GetString();
            Assert.Equal(0, await p.StopAsync());
        }
        using (var p = await MlobsProcess.ServeAsync(config, data))
        {
            await Wait.UntilAsync("the awaited condition", async () => (await Data(p, "/api/v1/alerts")).GetProperty("alerts").GetArrayLength() == 1);
            var alert = (await Data(p, "/api/v1/alerts")).GetProperty("alerts")[0];
            Assert.Equal("firing", alert.GetProperty("state").GetString()); // not pending for another 2s
            Assert.Equal(activeAt, alert.GetProperty("activeAt").GetString());
        }
    }

    [Fact]
    public async Task ServeRefusesToStartOnABrokenRuleFile()
    {
        File.WriteAllText(Path.Combine(_dir.Path, "rules.yml"), "groups:\n  - name: g\n    rules:\n      - record: a\n        expr: sum(\n");
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, "rule_files: [rules.yml]\n");
        var (exit, output) = await MlobsProcess.RunAsync("serve", "--config", config, "--data", Path.Combine(_dir.Path, "data"), "--listen", "127.0.0.1:0");
        Assert.Equal(1, exit);
        Assert.Contains("rules.yml:5:15: group \"g\", rule 1, \"a\": could not parse expression: 1:5: parse error", output);
    }

    private async Task<JsonElement> Data(MlobsProcess p, string path)
    {
        var body = await _http.GetStringAsync(p.BaseUrl + path);
        return JsonDocument.Parse(body).RootElement.GetProperty("data").Clone();
    }

}
