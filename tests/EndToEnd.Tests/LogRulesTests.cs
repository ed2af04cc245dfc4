using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>Alerts on logs through the binary: LogQL rule groups checked, unit-tested with input lines, firing and routed.</summary>
public class LogRulesTests
{
    private const string Rules = """
        groups:
          - name: pipeline-logs
            query_language: logql
            interval: 1s
            rules:
              - alert: PipelineErrorBurst
                expr: sum(count_over_time({service="ml-pipeline", level="error"}[5m])) > 5
                labels: {severity: page}
                annotations: {summary: '{{ $value }} error lines in 5 minutes'}
              - record: service:failed_lines:count5m
                expr: sum by (service) (count_over_time({service="ml-pipeline"} |= "failed" [5m]))
        """;

    [Fact]
    public async Task CheckAndTestRulesUnderstandLogQlGroupsAndInputLines()
    {
        using var dir = new TempDir();
        var rules = Path.Combine(dir.Path, "log-rules.yml");
        File.WriteAllText(rules, Rules);
        var (checkExit, checkOutput) = await MlobsProcess.RunAsync("check", "rules", rules);
        Assert.True(checkExit == 0, checkOutput);
        Assert.Contains("SUCCESS: 2 rules found", checkOutput);

        var test = Path.Combine(dir.Path, "test.yml");
        File.WriteAllText(test, """
            rule_files: [log-rules.yml]
            evaluation_interval: 1m
            tests:
              - interval: 1m
                input_logs:
                  - stream: '{service="ml-pipeline", level="error"}'
                    lines:
                      - {at: 30s, line: "step 3 failed: timeout", count: 7, every: 10s}
                alert_rule_test:
                  - eval_time: 1m
                    alertname: PipelineErrorBurst
                    exp_alerts: []
                  - eval_time: 2m
                    alertname: PipelineErrorBurst
                    exp_alerts:
                      - exp_labels: {severity: page}
                        exp_annotations: {summary: '7 error lines in 5 minutes'}
                promql_expr_test:
                  - expr: service:failed_lines:count5m
                    eval_time: 2m
                    exp_samples:
                      - labels: 'service:failed_lines:count5m{service="ml-pipeline"}'
                        value: 7
            """);
        var (testExit, testOutput) = await MlobsProcess.RunAsync("test", "rules", test);
        Assert.True(testExit == 0, testOutput);
        Assert.Contains("SUCCESS", testOutput);

        File.WriteAllText(test, File.ReadAllText(test).Replace("value: 7", "value: 8"));
        var (failExit, failOutput) = await MlobsProcess.RunAsync("test", "rules", test);
        Assert.Equal(1, failExit);
        Assert.Contains("exp: {__name__=\"service:failed_lines:count5m\", service=\"ml-pipeline\"} 8E+00", failOutput);

        File.WriteAllText(rules, Rules.Replace("sum(count_over_time(", "sum(count_over_time(}"));
        var (badExit, badOutput) = await MlobsProcess.RunAsync("check", "rules", rules);
        Assert.Equal(1, badExit);
        Assert.Contains("log-rules.yml:7:15: group \"pipeline-logs\", rule 1, \"PipelineErrorBurst\": could not parse expression: parse error", badOutput);
    }

    [Fact]
    public async Task ALogAlertFiresFromPushedLinesAndIsRoutedToTheWebhook()
    {
        using var dir = new TempDir();
        using var hook = new WebhookSink();
        File.WriteAllText(Path.Combine(dir.Path, "log-rules.yml"), Rules);
        var config = Path.Combine(dir.Path, "mlobs.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 15s
              evaluation_interval: 1s
            rule_files: [log-rules.yml]
            mlobs:
              alertmanager_config:
                route:
                  receiver: ml-team
                  group_wait: 1s
                  group_interval: 1s
                receivers:
                  - name: ml-team
                    webhook_configs:
                      - url: http://127.0.0.1:{hook.Port}/logs
            """);
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(dir.Path, "data"));
        using var http = new HttpClient();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var push = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["streams"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["stream"] = new Dictionary<string, string> { ["service"] = "ml-pipeline", ["level"] = "error" },
                    ["values"] = Enumerable.Range(0, 7).Select(i => new[] { (now - (7 - i) * 1_000_000_000L).ToString(), $"batch {i} failed: feature store timeout" }).ToArray(),
                },
            },
        });
        Assert.Equal(204, (int)(await http.PostAsync(mlobs.BaseUrl + "/loki/api/v1/push", new StringContent(push, Encoding.UTF8, "application/json"))).StatusCode);

        await Wait.UntilAsync("the webhook", () => Task.FromResult(hook.Posts("/logs").Count > 0), 30);
        var alert = hook.Posts("/logs")[0].GetProperty("alerts")[0];
        Assert.Equal("PipelineErrorBurst", alert.GetProperty("labels").GetProperty("alertname").GetString());
        Assert.Equal("page", alert.GetProperty("labels").GetProperty("severity").GetString());
        Assert.Equal("7 error lines in 5 minutes", alert.GetProperty("annotations").GetProperty("summary").GetString());

        var alerts = await http.GetFromJsonAsync<JsonElement>(mlobs.BaseUrl + "/api/v1/alerts");
        Assert.Contains(alerts.GetProperty("data").GetProperty("alerts").EnumerateArray(), a => a.GetProperty("state").GetString() == "firing");
        // The recording rule's output is a metric like any other.
        var recorded = await http.GetFromJsonAsync<JsonElement>(mlobs.BaseUrl + "/api/v1/query?query=service:failed_lines:count5m");
        Assert.Equal("7", Assert.Single(recorded.GetProperty("data").GetProperty("result").EnumerateArray()).GetProperty("value")[1].GetString());
    }
}
