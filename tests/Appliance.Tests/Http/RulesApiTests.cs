using System.Net;
using Mlobs.Model.Labels;
using Mlobs.Rules.Evaluation;
using Mlobs.Tests.Support;

namespace Mlobs.Appliance.Tests.Http;

/// <summary>/api/v1/rules and /api/v1/alerts over real rule groups evaluated once against a real TSDB.</summary>
public sealed class RulesApiTests
{
    [Fact]
    public async Task RulesAndAlertsInPrometheusShapes()
    {
        await using var host = await ApiHost.StartAsync();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000;
        host.Append((LabelSet.From(("__name__", "model_accuracy"), ("model", "fraud")), now - 10_000, 0.7));
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "rules.yml");
        File.WriteAllText(file, """
            groups:
              - name: quality
                interval: 30s
                rules:
                  - record: model:accuracy:min
                    expr: min(model_accuracy)
                  - alert: AccuracyLow
                    expr: model_accuracy < 0.8
                    labels: { severity: page }
                    annotations: { summary: "{{ $labels.model }} at {{ $value }}" }
            """);
        using var manager = new RuleManager(host.Tsdb, EngineQueryFunc.Create(host.Engine));
        var groups = manager.LoadGroups([file], TimeSpan.FromMinutes(1));
        foreach (var g in groups) g.Eval(now, CancellationToken.None);
        host.Rules.Groups.AddRange(groups);

        var data = await host.DataAsync("/api/v1/rules");
        var group = Assert.Single(data.GetProperty("groups").EnumerateArray());
        Assert.Equal("quality", group.GetProperty("name").GetString());
        Assert.Equal(file, group.GetProperty("file").GetString());
        Assert.Equal(30, group.GetProperty("interval").GetDouble());
        var rules = group.GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(["recording", "alerting"], rules.Select(r => r.GetProperty("type").GetString()));
        Assert.Equal("ok", rules[0].GetProperty("health").GetString());
        Assert.False(rules[0].TryGetProperty("state", out _));
        Assert.Equal("firing", rules[1].GetProperty("state").GetString()); // no `for`: fires at once
        var alert = Assert.Single(rules[1].GetProperty("alerts").EnumerateArray());
        Assert.Equal("fraud at 0.7", alert.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.Equal("7e-01", alert.GetProperty("value").GetString());

        var alertsOnly = await host.DataAsync("/api/v1/rules?type=alert&exclude_alerts=true");
        var onlyRule = Assert.Single(Assert.Single(alertsOnly.GetProperty("groups").EnumerateArray()).GetProperty("rules").EnumerateArray());
        Assert.Equal("AccuracyLow", onlyRule.GetProperty("name").GetString());
        Assert.False(onlyRule.TryGetProperty("alerts", out _));
        var none = await host.DataAsync("/api/v1/rules?rule_name[]=NoSuchRule");
        Assert.Equal(0, none.GetProperty("groups").GetArrayLength());
        await host.AssertErrorAsync("/api/v1/rules?type=recording", HttpStatusCode.BadRequest, "bad_data",
            "invalid parameter \"type\": not supported value \"recording\"");

        var alerts = await host.DataAsync("/api/v1/alerts");
        var firing = Assert.Single(alerts.GetProperty("alerts").EnumerateArray());
        Assert.Equal("AccuracyLow", firing.GetProperty("labels").GetProperty("alertname").GetString());
        Assert.Equal("page", firing.GetProperty("labels").GetProperty("severity").GetString());
        Assert.Equal("firing", firing.GetProperty("state").GetString());
    }
}
