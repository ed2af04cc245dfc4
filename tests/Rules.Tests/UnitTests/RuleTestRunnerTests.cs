using Mlobs.Config.Yaml;
using Mlobs.Rules.UnitTests;
using Mlobs.Tests.Support;

namespace Mlobs.Rules.Tests.UnitTests;

/// <summary>promtool's rule unit-test semantics, on files written to a temp dir.</summary>
public class RuleTestRunnerTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    private RuleTestResult RunFile(string rules, string test)
    {
        File.WriteAllText(Path.Combine(_dir.Path, "rules.yml"), rules);
        var path = Path.Combine(_dir.Path, "test.yml");
        File.WriteAllText(path, test);
        return RuleTestRunner.Run(RuleTestFileParser.Load(path));
    }

    private const string Rules = """
        groups:
          - name: first
            rules:
              - record: doubled
                expr: requests * 2
          - name: second
            rules:
              - record: doubled_again
                expr: doubled * 2
              - alert: High
                expr: doubled_again > 10
                for: 2m
                labels: {severity: page}
                annotations: {summary: 'value {{ $value }}'}
        """;

    [Fact]
    public void GroupsRunInTheGivenOrderAndAlertsFireAfterFor()
    {
        var result = RunFile(Rules, """
            rule_files: [rules.yml]
            group_eval_order: [first, second]
            tests:
              - interval: 1m
                input_series:
                  - series: requests
                    values: '1 2 3 4 5'
                promql_expr_test:
                  - expr: doubled_again
                    eval_time: 4m
                    exp_samples:
                      - labels: doubled_again
                        value: 20
                alert_rule_test:
                  - eval_time: 3m
                    alertname: High
                    exp_alerts: []
                  - eval_time: 4m
                    alertname: High
                    exp_alerts:
                      - exp_labels: {severity: page}
                        exp_annotations: {summary: value 20}
            """);
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
    }

    [Fact]
    public void ReportsMissingAlertNamesBadSeriesAndRepeatedGroupOrder()
    {
        var missing = RunFile(Rules, """
            rule_files: [rules.yml]
            tests:
              - name: g
                alert_rule_test:
                  - eval_time: 1m
                    exp_alerts: []
            """);
        Assert.Equal(["an item under alert_rule_test misses required attribute alertname at eval_time 1m (in TestGroup g)"], missing.Errors);

        var badSeries = RunFile(Rules, """
            tests:
              - input_series:
                  - series: 'up{job="a"'
                    values: '1'
            """);
        Assert.Single(badSeries.Errors);
        Assert.Contains("parse error", badSeries.Errors[0]);

        var repeated = RunFile(Rules, "rule_files: [rules.yml]\ngroup_eval_order: [first, first]\ntests: []\n");
        Assert.Equal(["group name repeated in evaluation order: first"], repeated.Errors);
    }

    [Fact]
    public void UnknownFieldsAreErrorsWithPositions()
    {
        File.WriteAllText(Path.Combine(_dir.Path, "test.yml"), "tests:\n  - interval: 1m\n    input_seriez: []\n");
        var e = Assert.Throws<ConfigException>(() => RuleTestFileParser.Load(Path.Combine(_dir.Path, "test.yml")));
        Assert.Contains(":3:5:", e.Message);
        Assert.Contains("input_seriez", e.Message);
    }
}

/// <summary>Rule groups over logs (<c>query_language: logql</c>) and their unit tests with <c>input_logs</c>.</summary>
public class LogRuleTestRunnerTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    public const string LogRules = """
        groups:
          - name: pipeline-logs
            query_language: logql
            rules:
              - alert: PipelineErrorBurst
                expr: sum(count_over_time({service="ml-pipeline", level="error"}[5m])) > 5
                for: 1m
                labels: {severity: page}
                annotations: {summary: '{{ $value }} error lines in 5 minutes'}
              - record: service:failed_lines:count5m
                expr: sum by (service) (count_over_time({service="ml-pipeline"} |= "failed" [5m]))
        """;

    public const string LogTests = """
        rule_files: [log-rules.yml]
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_logs:
              - stream: '{service="ml-pipeline", level="error"}'
                lines:
                  - {at: 30s, line: "step 3 failed: timeout", count: 7, every: 10s}
              - stream: '{service="ml-pipeline", level="info"}'
                lines:
                  - {at: 1m, line: "step 4 started"}
            alert_rule_test:
              - eval_time: 2m
                alertname: PipelineErrorBurst
                exp_alerts: []
              - eval_time: 3m
                alertname: PipelineErrorBurst
                exp_alerts:
                  - exp_labels: {severity: page}
                    exp_annotations: {summary: '7 error lines in 5 minutes'}
              - eval_time: 7m
                alertname: PipelineErrorBurst
                exp_alerts: []
            promql_expr_test:
              - expr: service:failed_lines:count5m
                eval_time: 2m
                exp_samples:
                  - labels: 'service:failed_lines:count5m{service="ml-pipeline"}'
                    value: 7
        """;

    private RuleTestResult Run(string rules, string test)
    {
        File.WriteAllText(Path.Combine(_dir.Path, "log-rules.yml"), rules);
        var path = Path.Combine(_dir.Path, "test.yml");
        File.WriteAllText(path, test);
        return RuleTestRunner.Run(RuleTestFileParser.Load(path));
    }

    [Fact]
    public void LogQlAlertsFireFromInputLogLinesAndRecordingRulesRecordTheirCounts()
    {
        var result = Run(LogRules, LogTests);
        Assert.True(result.Passed, string.Join("\n", result.Errors));
    }

    [Fact]
    public void AWrongExpectationReportsWhatFiredAsPromtoolDoes()
    {
        var result = Run(LogRules, LogTests.Replace("eval_time: 2m\n        alertname: PipelineErrorBurst\n        exp_alerts: []", "eval_time: 2m\n        alertname: PipelineErrorBurst\n        exp_alerts: []").Replace("'7 error lines", "'6 error lines"));
        var error = Assert.Single(result.Errors);
        Assert.Contains("alertname: PipelineErrorBurst, time: 3m", error);
        Assert.Contains("summary=\"7 error lines in 5 minutes\"", error);
    }

    [Fact]
    public void InputLogsNeedAStreamAndLines()
    {
        File.WriteAllText(Path.Combine(_dir.Path, "log-rules.yml"), LogRules);
        var path = Path.Combine(_dir.Path, "test.yml");
        File.WriteAllText(path, "rule_files: [log-rules.yml]\ntests:\n  - interval: 1m\n    input_logs:\n      - lines:\n          - {at: 1m}\n");
        var ex = Assert.Throws<ConfigException>(() => RuleTestFileParser.Load(path));
        Assert.Contains("field 'line' must be set", ex.Message);
        Assert.Contains(":6:", ex.Message);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void FuzzyCompareAcceptsARelativeDifferenceBelowOneInAMillion(bool fuzzy, bool passes)
    {
        // 0.1 + 0.2 is 0.30000000000000004: equal to 0.3 only within promtool's epsilon.
        File.WriteAllText(Path.Combine(_dir.Path, "rules.yml"), "groups: [{name: g, rules: [{record: sum_ab, expr: a + b}]}]\n");
        var path = Path.Combine(_dir.Path, "test.yml");
        File.WriteAllText(path, $$"""
            rule_files: [rules.yml]
            fuzzy_compare: {{(fuzzy ? "true" : "false")}}
            tests:
              - interval: 1m
                input_series:
                  - {series: a, values: '0.1'}
                  - {series: b, values: '0.2'}
                promql_expr_test:
                  - expr: a + b
                    eval_time: 0m
                    exp_samples: [{labels: '{}', value: 0.3}]
            """);
        Assert.Equal(passes, RuleTestRunner.Run(RuleTestFileParser.Load(path)).Passed);
    }
}
