using Mlobs.WebUi.Dashboards;

namespace Mlobs.WebUi.Tests.Dashboards;

public class DashboardCheckerTests
{
    /// <summary>A store with node_uname_info for two jobs; every query "returns" one series unless it names `missing`.</summary>
    private sealed class FakeSource : IDashboardDataSource
    {
        public readonly List<string> Queries = [];

        public Task<IReadOnlyList<string>> LabelValuesAsync(string label, string? match, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
        {
            IReadOnlyList<string> values = (label, match) switch
            {
                ("job", _) => ["api", "node"],
                ("nodename", "node_uname_info{job=\"node\"}") => ["box-1", "box-2"],
                ("instance", "node_uname_info{job=\"node\", nodename=\"box-1\"}") => ["10.0.0.1:9100"],
                _ => [],
            };
            return Task.FromResult(values);
        }

        public Task<IReadOnlyList<string>> LabelNamesAsync(string? match, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<string>>(["__name__", "instance", "job"]);

        public Task<PanelQueryResult> RangeQueryAsync(string expr, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken ct) => Answer(expr);

        public Task<PanelQueryResult> InstantQueryAsync(string expr, DateTimeOffset time, CancellationToken ct) => Answer(expr);

        public Task<PanelQueryResult> LogMetricQueryAsync(string expr, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken ct) => Answer("loki metric: " + expr);

        public Task<LogLinesResult> LogLinesAsync(string expr, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct)
        {
            Queries.Add($"loki lines ({limit}): {expr}");
            return Task.FromResult(expr.Contains("missing") ? new LogLinesResult([], null)
                : new LogLinesResult([new LogLine("1000", "a line", new Dictionary<string, string> { ["service"] = "api" })], null));
        }

        private Task<PanelQueryResult> Answer(string expr)
        {
            Queries.Add(expr);
            if (expr.Contains("missing")) return Task.FromResult(new PanelQueryResult([], null));
            if (expr.Contains("boom")) return Task.FromResult(PanelQueryResult.Failed("execution: boom"));
            return Task.FromResult(new PanelQueryResult([new ResultSeries(new Dictionary<string, string>(), [(1, 1)])], null));
        }
    }

    private const string Chained = """
    {"uid": "chain", "title": "Chain", "templating": {"list": [
      {"name": "job", "type": "query", "query": {"query": "label_values(node_uname_info, job)"}, "current": {"value": "node"}},
      {"name": "nodename", "type": "query", "query": "label_values(node_uname_info{job=\"$job\"}, nodename)"},
      {"name": "node", "type": "query", "query": "label_values(node_uname_info{job=\"$job\", nodename=\"$nodename\"}, instance)"}
    ]},
     "panels": [
      {"id": 1, "type": "timeseries", "title": "CPU", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
       "targets": [{"refId": "A", "expr": "rate(node_cpu_seconds_total{instance=\"$node\",job=\"$job\"}[$__rate_interval])"}]},
      {"id": 2, "type": "row", "title": "More", "collapsed": true, "panels": [
        {"id": 3, "type": "stat", "title": "Broken", "targets": [{"refId": "A", "expr": "sum(rate(x[5m])"}, {"refId": "B", "expr": "missing_metric"}]},
        {"id": 4, "type": "gauge", "title": "Fails", "targets": [{"refId": "A", "expr": "boom"}, {"refId": "B", "expr": "up", "hide": true}]}
      ]}
    ]}
    """;

    [Fact]
    public async Task ChainedVariablesResolveInOrderAndEveryQueryIsRun()
    {
        var source = new FakeSource();
        var d = DashboardParser.Parse(Chained, "chain.json");
        var to = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var check = await DashboardChecker.CheckAsync(d, source, to.AddHours(-1), to, CancellationToken.None);
        Assert.Contains("rate(node_cpu_seconds_total{instance=\"10.0.0.1:9100\",job=\"node\"}[1m])", source.Queries);
        Assert.Equal(3, check.Panels);
        Assert.Equal(4, check.Queries); // the hidden target is not run
        Assert.Collection(check.Problems,
            p => { Assert.Equal(ProblemKind.Error, p.Kind); Assert.Equal(3, p.PanelId); Assert.Equal("A", p.RefId); Assert.Contains("1:16: parse error: unclosed left parenthesis", p.Message); },
            p => { Assert.Equal(ProblemKind.NoData, p.Kind); Assert.Equal("B", p.RefId); },
            p => { Assert.Equal(ProblemKind.Error, p.Kind); Assert.Equal("Fails", p.PanelTitle); Assert.Contains("boom", p.Message); });
        Assert.Equal("error: panel \"Broken\" (id 3) query A: " + check.Problems[0].Message, check.Problems[0].ToString());
    }

    [Fact]
    public async Task OfflineCheckParsesWithSavedOrPlaceholderValues()
    {
        var d = DashboardParser.Parse(Chained, "chain.json");
        var check = await DashboardChecker.CheckAsync(d, null, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow, CancellationToken.None);
        var problem = Assert.Single(check.Problems);
        Assert.Equal(3, problem.PanelId);
    }

    [Fact]
    public async Task CustomAndConstantVariablesAndAllSelections()
    {
        const string json = """
        {"title": "vars", "templating": {"list": [
          {"name": "env", "type": "custom", "query": "prod : production, staging", "multi": true, "includeAll": true, "current": {"value": ["$__all"]}},
          {"name": "q", "type": "constant", "query": "0.95"}
        ]},
         "panels": [{"id": 1, "type": "stat", "title": "p", "targets": [{"refId": "A", "expr": "histogram_quantile($q, sum by (le) (rate(x_bucket{env=~\"$env\"}[5m])))"}]}]}
        """;
        var source = new FakeSource();
        var d = DashboardParser.Parse(json, "vars.json");
        await DashboardChecker.CheckAsync(d, source, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal("histogram_quantile(0.95, sum by (le) (rate(x_bucket{env=~\"(production|staging)\"}[5m])))", Assert.Single(source.Queries));
    }

    [Fact]
    public async Task IntervalVariablesOnAutoFollowTheRange()
    {
        const string json = """
        {"title": "auto", "templating": {"list": [
          {"name": "iv", "type": "interval", "query": "1m,10m,1h", "auto": true, "auto_count": 30, "auto_min": "10s", "current": {"text": "auto", "value": "$__auto_interval_iv"}},
          {"name": "fixed", "type": "interval", "query": "1m,10m,1h", "current": {"text": "1h", "value": "1h"}}
        ]},
         "panels": [{"id": 1, "type": "timeseries", "title": "p", "targets": [{"refId": "A", "expr": "rate(x[$iv]) + rate(y[$fixed])"}]}]}
        """;
        var source = new FakeSource();
        var to = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        await DashboardChecker.CheckAsync(DashboardParser.Parse(json, "auto.json"), source, to.AddHours(-6), to, CancellationToken.None);
        // 6 h over 30 steps is 12 m, which Grafana rounds to 10 m.
        Assert.Equal("rate(x[10m]) + rate(y[1h])", Assert.Single(source.Queries));
    }

    [Fact]
    public async Task LokiTargetsAreCheckedAsLogQlAndRunAsLogOrMetricQueries()
    {
        const string json = """
        {"uid": "logs", "title": "Logs", "templating": {"list": [{"name": "svc", "type": "custom", "query": "api,worker", "current": {"value": "api"}}]},
         "panels": [
          {"id": 1, "type": "logs", "title": "Errors", "targets": [{"refId": "A", "expr": "{service=\"$svc\"} |= \"error\"", "maxLines": 50}]},
          {"id": 2, "type": "timeseries", "title": "Error rate", "datasource": {"type": "loki", "uid": "x"},
           "targets": [{"refId": "A", "expr": "sum(count_over_time({service=\"$svc\"}[$__interval]))"}, {"refId": "B", "expr": "{service=\"api\"} |"}]},
          {"id": 3, "type": "timeseries", "title": "Mixed", "datasource": "${DS_PROMETHEUS}",
           "targets": [{"refId": "A", "expr": "up"}, {"refId": "B", "datasource": "${DS_LOKI}", "expr": "{service=\"missing\"}"}]}
        ]}
        """;
        var source = new FakeSource();
        var d = DashboardParser.Parse(json, "logs.json");
        var to = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var check = await DashboardChecker.CheckAsync(d, source, to.AddHours(-1), to, CancellationToken.None);
        Assert.Contains("loki lines (50): {service=\"api\"} |= \"error\"", source.Queries);
        Assert.Contains(source.Queries, q => q.StartsWith("loki metric: sum(count_over_time({service=\"api\"}[", StringComparison.Ordinal));
        Assert.Contains("up", source.Queries);
        Assert.Collection(check.Problems,
            p => { Assert.Equal(ProblemKind.Error, p.Kind); Assert.Equal("B", p.RefId); Assert.Contains("parse error at line 1, col 18", p.Message); },
            p => { Assert.Equal(ProblemKind.NoData, p.Kind); Assert.Equal(3, p.PanelId); Assert.Contains("no log lines for {service=\"missing\"}", p.Message); });
    }
}
