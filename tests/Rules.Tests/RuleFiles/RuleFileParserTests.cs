using Mlobs.Config.Yaml;
using Mlobs.Rules.RuleFiles;
using Mlobs.Tests.Support;

namespace Mlobs.Rules.Tests.RuleFiles;

public class RuleFileParserTests
{
    [Fact]
    public void ReadsPrometheusOwnRuleFile()
    {
        var file = RuleFileParser.Load(Paths.Conformance("promtool", "rules.yml"));
        Assert.Empty(file.Errors);
        Assert.Equal(5, file.RuleCount); // promtool: "SUCCESS: 5 rules found"
        var alerts = file.Groups[0];
        Assert.Equal("alerts", alerts.Name);
        var down = alerts.Rules[0];
        Assert.Equal("InstanceDown", down.Alert);
        Assert.Equal("up == 0", down.Expr);
        Assert.Equal(TimeSpan.FromMinutes(5), down.For);
        Assert.Equal("page", down.Labels["severity"]);
        Assert.Equal("Instance {{ $labels.instance }} down", down.Annotations["summary"]);
        Assert.Equal("job:test:count_over_time1m", file.Groups[1].Rules[0].Record);
    }

    [Fact]
    public void SyntaxErrorInExpressionIsReportedLikePromtool()
    {
        var file = RuleFileParser.Load(Paths.Conformance("promtool", "bad-rules-syntax.yml"));
        var e = Assert.Single(file.Errors);
        // promtool 2.42: bad-rules-syntax.yml: 7:15: group "bad-syntax", rule 1, "x": could not parse expression: 1:7: parse error: unexpected end of input
        Assert.EndsWith("bad-rules-syntax.yml:7:15: group \"bad-syntax\", rule 1, \"x\": could not parse expression: 1:7: parse error: unexpected end of input", e.ToString());
    }

    [Fact]
    public void CollectsEveryValidationProblemWithPromtoolsTexts()
    {
        const string text = """
            groups:
              - name: g
                rules:
                  - record: "bad name"
                    expr: up
                    annotations:
                      a: b
                  - alert: A
                    expr: ""
                  - expr: up
                  - record: x
                    alert: y
                    expr: up
                  - alert: B
                    expr: up
                    labels:
                      "0bad": x
              - name: g
                rules: []
              - name: ""
            """;
        var errors = RuleFileParser.Parse("a.yml", text).Errors.Select(e => e.ToString()).ToList();
        Assert.Equal(
        [
            "a.yml:4:17: group \"g\", rule 1, \"bad name\": invalid field 'annotations' in recording rule",
            "a.yml:4:17: group \"g\", rule 1, \"bad name\": invalid recording rule name: bad name",
            "a.yml:9:15: group \"g\", rule 2, \"A\": field 'expr' must be set in rule",
            "a.yml: group \"g\", rule 3, \"\": one of 'record' or 'alert' must be set",
            "a.yml:11:17: 12:16: group \"g\", rule 4, \"y\": only one of 'record' and 'alert' must be set",
            "a.yml: group \"g\", rule 5, \"B\": invalid label name: 0bad",
            "a.yml:18:5: groupname: \"g\" is repeated in the same file",
            "a.yml:20:5: Groupname must not be empty",
        ], errors);
    }

    [Fact]
    public void UnknownFieldsAndBadDurationsAreErrorsWithPosition()
    {
        var e = Assert.Throws<ConfigException>(() => RuleFileParser.Parse("b.yml", "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        bogus: 1\n"));
        Assert.Equal("b.yml:6:9: field bogus not found in rule", e.Message);
        e = Assert.Throws<ConfigException>(() => RuleFileParser.Parse("b.yml", "groups:\n  - name: g\n    interval: 1x\n"));
        Assert.Equal("b.yml:3:15: interval: not a valid duration string: \"1x\"", e.Message);
        e = Assert.Throws<ConfigException>(() => RuleFileParser.Parse("b.yml", "tests: []\n"));
        Assert.Equal("b.yml:1:1: field tests not found in rule file", e.Message);
    }

    [Fact]
    public void ReadsKubernetesPrometheusRuleManifests()
    {
        const string text = """
            apiVersion: monitoring.coreos.com/v1
            kind: PrometheusRule
            metadata:
              name: model-alerts
              labels: {team: ml}
            spec:
              groups:
                - name: model
                  interval: 30s
                  labels: {owner: ml}
                  rules:
                    - alert: AccuracyLow
                      expr: model_accuracy < 0.8
                      for: 15m
                      keep_firing_for: 5m
            """;
        var file = RuleFileParser.Parse("k8s.yml", text);
        Assert.Empty(file.Errors);
        var g = Assert.Single(file.Groups);
        Assert.Equal(TimeSpan.FromSeconds(30), g.Interval);
        Assert.Equal("ml", g.Labels["owner"]);
        var r = Assert.Single(g.Rules);
        Assert.Equal(TimeSpan.FromMinutes(5), r.KeepFiringFor);
    }

    [Fact]
    public void TemplatesAreNotEnvironmentExpanded()
    {
        Environment.SetEnvironmentVariable("MLOBS_RULE_TEST_VAR", "expanded");
        var file = RuleFileParser.Parse("t.yml", "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    annotations:\n      a: \"${MLOBS_RULE_TEST_VAR} {{ $value }}\"\n");
        Assert.Equal("${MLOBS_RULE_TEST_VAR} {{ $value }}", file.Groups[0].Rules[0].Annotations["a"]);
    }

    [Fact]
    public void DuplicateRulesAreFoundAcrossGroups()
    {
        var file = RuleFileParser.Load(Paths.Conformance("promtool", "rules_duplicates.yml"));
        var d = Assert.Single(DuplicateRules.Find(file));
        Assert.Equal("job:test:count_over_time1m", d.Metric);
    }
}

public class LogQlRuleGroupTests
{
    [Fact]
    public void LogQlGroupsHoldMetricQueriesAndSayWhatIsWrongWhereItIs()
    {
        var ok = RuleFileParser.Parse("logs.yml", """
            groups:
              - name: logs
                query_language: logql
                rules:
                  - alert: Errors
                    expr: sum(count_over_time({service="ml-pipeline", level="error"}[5m])) > 5
            """);
        Assert.Empty(ok.Errors);
        Assert.Equal(RuleQueryLanguage.LogQl, ok.Groups[0].Language);
        Assert.Equal(RuleQueryLanguage.PromQl, RuleFileParser.Parse("p.yml", "groups:\n  - name: g\n    rules:\n      - record: a\n        expr: up\n").Groups[0].Language);

        var bad = RuleFileParser.Parse("logs.yml", """
            groups:
              - name: logs
                query_language: logql
                rules:
                  - alert: Streams
                    expr: '{service="api"} |= "timeout"'
                  - alert: Broken
                    expr: sum(count_over_time({service="api"}[5m]) > 
                  - alert: PromQl
                    expr: up == 0
            """);
        Assert.Equal(3, bad.Errors.Count);
        Assert.Equal("logs.yml:6:15: group \"logs\", rule 1, \"Streams\": could not parse expression: a LogQL rule needs a metric query (e.g. count_over_time({...}[5m])), not a log query", bad.Errors[0].ToString());
        Assert.StartsWith("logs.yml:8:15: group \"logs\", rule 2, \"Broken\": could not parse expression: parse error at line 1", bad.Errors[1].ToString());
        Assert.StartsWith("logs.yml:10:15: group \"logs\", rule 3, \"PromQl\": could not parse expression: parse error", bad.Errors[2].ToString());

        var ex = Assert.Throws<ConfigException>(() => RuleFileParser.Parse("x.yml", "groups:\n  - name: g\n    query_language: sql\n    rules: []\n"));
        Assert.Contains("3:21", ex.Message);
        Assert.Contains("unknown language \"sql\" (promql or logql)", ex.Message);
    }
}
