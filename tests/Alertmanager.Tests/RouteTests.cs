using Mlobs.Alertmanager;
using Mlobs.Config.Alertmanager;
using Mlobs.Config.Yaml;
using Mlobs.Model.Labels;

namespace Mlobs.Alertmanager.Tests;

public class RouteTests
{
    private static AlertmanagerConfig Parse(string yaml)
    {
        var r = new YamlNodeReader("am.yml");
        return AlertmanagerConfigParser.Parse(r, r.LoadDocument(yaml)!);
    }

    private const string Config = """
        route:
          receiver: default
          group_by: [alertname]
          group_wait: 10s
          routes:
            - matchers: ['severity="page"']
              receiver: pager
              continue: true
            - match: {team: ml}
              receiver: ml
              group_by: [...]
              repeat_interval: 1h
              routes:
                - match_re: {model: "churn|fraud"}
                  receiver: models
            - matchers: [team=~"data.*"]
              receiver: data
        receivers:
          - name: default
          - name: pager
          - name: ml
          - name: models
          - name: data
        """;

    [Fact]
    public void AlertsGoToTheDeepestMatchingRoutesWithInheritedOptions()
    {
        var root = Route.Build(Parse(Config).Route);
        string Receivers(params (string, string)[] labels) => string.Join(",", root.Match(LabelSet.From(labels)).Select(r => r.Receiver));
        Assert.Equal("default", Receivers(("alertname", "X")));
        Assert.Equal("pager,ml", Receivers(("severity", "page"), ("team", "ml")));        // continue: true goes on
        Assert.Equal("models", Receivers(("team", "ml"), ("model", "churn")));
        Assert.Equal("ml", Receivers(("team", "ml"), ("model", "churnx")));                 // regexes are anchored
        Assert.Equal("data", Receivers(("team", "data-eng")));

        var models = root.Match(LabelSet.From(("team", "ml"), ("model", "fraud")))[0];
        Assert.True(models.GroupByAll);                                   // inherited from the ml route
        Assert.Equal(TimeSpan.FromSeconds(10), models.GroupWait);         // from the root
        Assert.Equal(TimeSpan.FromHours(1), models.RepeatInterval);       // from the ml route
        Assert.Equal(TimeSpan.FromMinutes(5), models.GroupInterval);      // Alertmanager's default
        Assert.Equal("{}/{team=\"ml\"}/{model=~\"churn|fraud\"}", models.Key);
    }

    [Fact]
    public void GroupKeysReadAsAlertmanagers()
    {
        var root = Route.Build(Parse(Config).Route);
        var labels = LabelSet.From(("alertname", "ModelDown"), ("instance", "a"));
        var route = root.Match(labels)[0];
        Assert.Equal("{}:{alertname=\"ModelDown\"}", AggregationGroupKey(route, labels));
    }

    private static string AggregationGroupKey(Route route, LabelSet labels) => AggregationGroup.KeyFor(route, route.GroupLabels(labels));

    [Theory]
    [InlineData("route: {receiver: x}\nreceivers: [{name: y}]\n", "am.yml:1:8: undefined receiver \"x\" used in route")]
    [InlineData("route: {receiver: x, matchers: ['a=b']}\nreceivers: [{name: x}]\n", "am.yml:1:8: root route must not have any matchers")]
    [InlineData("route: {}\nreceivers: []\n", "am.yml:1:8: root route must specify a default receiver")]
    [InlineData("route: {receiver: x}\nreceivers: [{name: x}, {name: x}]\n", "am.yml:2:24: notification config name \"x\" is not unique")]
    [InlineData("route: {receiver: x}\nreceivers: [{name: x, email_configs: [{to: a@b}]}]\n", "am.yml:2:23: email_configs are not supported by mlobs's router yet")]
    [InlineData("route: {receiver: x, group_by: ['...', a]}\nreceivers: [{name: x}]\n", "am.yml:1:32: cannot have wildcard group_by (`...`) and other other labels at the same time")]
    [InlineData("route: {receiver: x, continue: true}\nreceivers: [{name: x}]\n", "am.yml:1:22: cannot have continue in root route")]
    [InlineData("route: {receiver: x}\ninhibit_rules: [{source_matchers: ['a=~(']}]\nreceivers: [{name: x}]\n", "am.yml:2:35: invalid regular expression")]
    [InlineData("route: {receiver: x}\nreceivers: [{name: x, pagerduty_configs: [{service_key: k}]}]\n", "am.yml:2:44: PagerDuty's Events API v1 (service_key) is not supported by mlobs's router; use routing_key (Events API v2)")]
    [InlineData("route: {receiver: x}\nreceivers: [{name: x, slack_configs: [{channel: '#ml'}]}]\n", "am.yml:2:39: no global Slack API URL set either inline or in a file")]
    [InlineData("route: {receiver: x}\nreceivers: [{name: x, webhook_configs: [{send_resolved: true}]}]\n", "am.yml:2:41: one of url or url_file must be configured")]
    [InlineData("route: {receiver: x}\nreceivers: [{name: x, webhook_configs: [{urls: 'http://a'}]}]\n", "am.yml:2:42: field urls not found in webhook config")]
    public void ConfigErrorsNameThePosition(string yaml, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => Parse(yaml));
        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void KeysAlertmanagerAcceptsButTheRouterDoesNotUseAreWarned()
    {
        var r = new Mlobs.Config.Yaml.YamlNodeReader("am.yml");
        var config = AlertmanagerConfigParser.Parse(r, r.LoadDocument("""
            global:
              smtp_from: ml@example.com
              resolve_timeout: 1m
            route: {receiver: x}
            receivers:
              - name: x
                webhook_configs:
                  - url: http://hooks.example/
                    http_config: {proxy_url: 'http://proxy:3128', bearer_token: t}
            """)!);
        Assert.Equal(TimeSpan.FromMinutes(1), config.ResolveTimeout);
        Assert.Equal("Bearer t", config.Receivers[0].WebhookConfigs[0].Authorization);
        Assert.Equal(
        [
            "am.yml:2:3: global.smtp_from: accepted but not used by mlobs",
            "am.yml:9:23: http_config.proxy_url: accepted but not used by mlobs",
        ], r.Warnings.Select(w => w.ToString()));
    }

    [Fact]
    public void MatchersParseAlertmanagersSyntax()
    {
        var m = AlertmanagerMatchers.Parse("{severity=\"page\", team=~\"ml|data\", env != prod}");
        Assert.Equal(["severity=\"page\"", "team=~\"ml|data\"", "env!=\"prod\""], m.Select(x => x.ToString()));
        Assert.True(m[1].Matches("ml"));
        Assert.False(m[1].Matches("mlx"));
        Assert.True(m[2].Matches(""));   // a missing label is the empty string
    }

    [Fact]
    public void DedupNotifiesOnChangesAndAfterTheRepeatInterval()
    {
        var now = DateTimeOffset.UtcNow;
        var repeat = TimeSpan.FromHours(4);
        HashSet<ulong> S(params ulong[] x) => [.. x];
        Assert.True(NotificationPipeline.NeedsUpdate(null, S(1), S(), repeat, true, now));
        Assert.False(NotificationPipeline.NeedsUpdate(null, S(), S(1), repeat, true, now));         // only resolved, never notified
        var entry = new NotificationEntry(S(1), S(), now.AddMinutes(-5));
        Assert.False(NotificationPipeline.NeedsUpdate(entry, S(1), S(), repeat, true, now));        // nothing new
        Assert.True(NotificationPipeline.NeedsUpdate(entry, S(1, 2), S(), repeat, true, now));      // a new firing alert
        Assert.True(NotificationPipeline.NeedsUpdate(entry, S(), S(1), repeat, false, now));        // all resolved
        Assert.True(NotificationPipeline.NeedsUpdate(new NotificationEntry(S(1, 2), S(), now), S(1), S(2), repeat, true, now));
        Assert.False(NotificationPipeline.NeedsUpdate(new NotificationEntry(S(1, 2), S(), now), S(1), S(2), repeat, false, now));
        Assert.True(NotificationPipeline.NeedsUpdate(new NotificationEntry(S(1), S(), now.AddHours(-5)), S(1), S(), repeat, true, now));
    }
}
