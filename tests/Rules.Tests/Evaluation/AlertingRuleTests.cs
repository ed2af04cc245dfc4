using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Rules.Evaluation;

namespace Mlobs.Rules.Tests.Evaluation;

public class AlertingRuleTests
{
    private static readonly LabelSet Instance = LabelSet.From(("__name__", "up"), ("instance", "a"), ("job", "model"));

    /// <summary>A query that returns whatever the test put in <paramref name="result"/> at the moment.</summary>
    private static QueryFunc Returning(List<Sample> result) => (_, t, _) => result.Select(s => s with { T = t }).ToList();

    private static AlertingRule Rule(TimeSpan forDuration, TimeSpan keepFiringFor = default) =>
        new("InstanceDown", "up == 0", forDuration, keepFiringFor,
            new Dictionary<string, string> { ["severity"] = "page" }, new Dictionary<string, string> { ["summary"] = "down" });

    [Fact]
    public void PendingUntilForHasElapsedThenFiringThenResolved()
    {
        var result = new List<Sample> { new(Instance, 0, 0) };
        var rule = Rule(TimeSpan.FromMinutes(5));
        var query = Returning(result);

        var out0 = rule.Eval(0, query, 0, default);
        var alert = Assert.Single(rule.ActiveAlerts());
        Assert.Equal(AlertState.Pending, alert.State);
        Assert.Equal(LabelSet.From(("alertname", "InstanceDown"), ("instance", "a"), ("job", "model"), ("severity", "page")), alert.Labels);
        Assert.Equal("down", alert.Annotations["summary"]);
        Assert.Contains(out0, s => s.Metric.Get("__name__") == "ALERTS" && s.Metric.Get("alertstate") == "pending" && s.F == 1);
        Assert.Contains(out0, s => s.Metric.Get("__name__") == "ALERTS_FOR_STATE" && s.F == 0);

        rule.Eval(240_000, query, 0, default);
        Assert.Equal(AlertState.Pending, rule.State);
        var out5 = rule.Eval(300_000, query, 0, default);
        Assert.Equal(AlertState.Firing, rule.State);
        Assert.Contains(out5, s => s.Metric.Get("alertstate") == "firing");
        Assert.Equal(0, rule.ActiveAlerts()[0].ActiveAtMs);

        result.Clear();
        var resolved = rule.Eval(360_000, query, 0, default);
        Assert.Empty(resolved); // no ALERTS samples: the group writes staleness markers for them
        Assert.Equal(AlertState.Inactive, rule.State);
        Assert.Empty(rule.ActiveAlerts());
        var kept = Assert.Single(rule.AllAlerts()); // kept for re-sending as resolved
        Assert.Equal(360_000, kept.ResolvedAtMs);
        rule.Eval(360_000 + 16 * 60_000, query, 0, default);
        Assert.Empty(rule.AllAlerts());
    }

    [Fact]
    public void PendingAlertThatDisappearsIsDropped()
    {
        var result = new List<Sample> { new(Instance, 0, 0) };
        var rule = Rule(TimeSpan.FromMinutes(5));
        rule.Eval(0, Returning(result), 0, default);
        result.Clear();
        rule.Eval(60_000, Returning(result), 0, default);
        Assert.Empty(rule.AllAlerts());
        // Back again: a new pending alert with a new start time.
        result.Add(new(Instance, 0, 0));
        rule.Eval(120_000, Returning(result), 0, default);
        Assert.Equal(120_000, Assert.Single(rule.ActiveAlerts()).ActiveAtMs);
    }

    [Fact]
    public void ForZeroFiresAtOnceAndKeepFiringForHoldsIt()
    {
        var result = new List<Sample> { new(Instance, 0, 0) };
        var rule = Rule(TimeSpan.Zero, keepFiringFor: TimeSpan.FromMinutes(2));
        rule.Eval(0, Returning(result), 0, default);
        Assert.Equal(AlertState.Firing, rule.State);
        result.Clear();
        rule.Eval(60_000, Returning(result), 0, default);
        var a = Assert.Single(rule.ActiveAlerts());
        Assert.Equal(AlertState.Firing, a.State);
        Assert.Equal(60_000, a.KeepFiringSinceMs);
        rule.Eval(120_000, Returning(result), 0, default);
        Assert.Equal(AlertState.Firing, rule.State);
        rule.Eval(180_000, Returning(result), 0, default);
        Assert.Equal(AlertState.Inactive, rule.State);
    }

    [Fact]
    public void ValueAndAnnotationsFollowTheLatestEvaluation()
    {
        var result = new List<Sample> { new(Instance, 0, 0.5) };
        var rule = new AlertingRule("High", "x > 0", TimeSpan.Zero, TimeSpan.Zero, new Dictionary<string, string>(),
            new Dictionary<string, string> { ["v"] = "{{ $value }}" })
        {
            Expand = (text, labels, value, _, _) => text.Replace("{{ $value }}", value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        rule.Eval(0, Returning(result), 0, default);
        result[0] = new(Instance, 0, 0.75);
        rule.Eval(60_000, Returning(result), 0, default);
        var a = Assert.Single(rule.ActiveAlerts());
        Assert.Equal(0.75, a.Value);
        Assert.Equal("0.75", a.Annotations["v"]);
        Assert.Equal(0, a.ActiveAtMs);
    }

    [Fact]
    public void SameLabelsAfterDroppingTheNameIsAnError()
    {
        var result = new List<Sample>
        {
            new(LabelSet.From(("__name__", "a"), ("job", "x")), 0, 1),
            new(LabelSet.From(("__name__", "b"), ("job", "x")), 0, 1),
        };
        var e = Assert.Throws<RuleEvaluationException>(() => Rule(TimeSpan.Zero).Eval(0, Returning(result), 0, default));
        Assert.Equal("vector contains metrics with the same labelset after applying alert labels", e.Message);
    }

    [Fact]
    public void LimitCountsActiveAlerts()
    {
        var result = Enumerable.Range(0, 3).Select(i => new Sample(LabelSet.From(("instance", "i" + i)), 0, 1)).ToList();
        var rule = Rule(TimeSpan.Zero);
        var e = Assert.Throws<RuleEvaluationException>(() => rule.Eval(0, Returning(result), 2, default));
        Assert.Equal("exceeded limit of 2 with 3 alerts", e.Message);
        Assert.Empty(rule.AllAlerts());
    }

    [Fact]
    public void RestoredStartTimeLetsAFiringAlertFireAgainAtOnce()
    {
        var result = new List<Sample> { new(Instance, 0, 0) };
        var rule = Rule(TimeSpan.FromMinutes(5));
        var alertLabels = LabelSet.From(("alertname", "InstanceDown"), ("instance", "a"), ("job", "model"), ("severity", "page"));
        rule.RestoreForState(new Dictionary<LabelSet, long> { [alertLabels] = 1_000_000 });
        rule.Eval(1_000_000 + 10 * 60_000, Returning(result), 0, default);
        var a = Assert.Single(rule.ActiveAlerts());
        Assert.Equal(AlertState.Firing, a.State);
        Assert.Equal(1_000_000, a.ActiveAtMs);
    }

    [Fact]
    public void AlertsGoToAlertmanagerWhenFiringEveryResendDelayAndOnceMoreWhenResolved()
    {
        var result = new List<Sample> { new(Instance, 0, 1) };
        var rule = Rule(TimeSpan.FromMinutes(1));
        var resend = TimeSpan.FromMinutes(1);
        var interval = TimeSpan.FromSeconds(15);
        rule.Eval(0, Returning(result), 0, default);
        Assert.Empty(rule.AlertsToSend(0, resend, interval, "http://m"));                 // pending: nothing
        rule.Eval(60_000, Returning(result), 0, default);
        var firing = Assert.Single(rule.AlertsToSend(60_000, resend, interval, "http://m"));
        Assert.Equal(60_000, firing.StartsAt.ToUnixTimeMilliseconds());
        Assert.Equal(60_000 + 4 * 60_000, firing.EndsAt.ToUnixTimeMilliseconds());        // valid for 4 resend periods
        Assert.Equal("http://m/graph?g0.expr=up+%3D%3D+0&g0.tab=1", firing.GeneratorUrl);
        rule.Eval(90_000, Returning(result), 0, default);
        Assert.Empty(rule.AlertsToSend(90_000, resend, interval, "http://m"));            // sent 30 s ago
        rule.Eval(121_000, Returning(result), 0, default);
        Assert.Single(rule.AlertsToSend(121_000, resend, interval, "http://m"));          // resend delay passed
        result.Clear();
        rule.Eval(130_000, Returning(result), 0, default);
        var resolved = Assert.Single(rule.AlertsToSend(130_000, resend, interval, "http://m"));
        Assert.Equal(130_000, resolved.EndsAt.ToUnixTimeMilliseconds());                  // ends at its resolve time
        rule.Eval(140_000, Returning(result), 0, default);
        Assert.Empty(rule.AlertsToSend(140_000, resend, interval, "http://m"));
        rule.Eval(200_000, Returning(result), 0, default);
        Assert.Single(rule.AlertsToSend(200_000, resend, interval, "http://m"));          // resolved ones are re-sent too
    }
}
