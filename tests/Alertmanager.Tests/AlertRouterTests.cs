using System.Net;
using System.Text.Json;
using Mlobs.Alertmanager;
using Mlobs.Config.Alertmanager;
using Mlobs.Config.Yaml;
using Mlobs.Model.Labels;
using Mlobs.Tests.Support;

namespace Mlobs.Alertmanager.Tests;

/// <summary>The built-in router end to end in process: grouping, webhook payload, retries, inhibition, dedup across a restart.</summary>
public sealed class AlertRouterTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    /// <summary>A webhook that answers with the queued statuses (then 200) and keeps every body.</summary>
    private sealed class Webhook : HttpMessageHandler
    {
        public readonly Queue<HttpStatusCode> Statuses = new();
        public readonly List<JsonElement> Bodies = [];
        public readonly SemaphoreSlim Posted = new(0);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var body = await request.Content!.ReadAsStringAsync(ct);
            HttpStatusCode status;
            lock (Bodies)
            {
                Bodies.Add(JsonDocument.Parse(body).RootElement.Clone());
                status = Statuses.Count > 0 ? Statuses.Dequeue() : HttpStatusCode.OK;
            }
            Posted.Release();
            return new HttpResponseMessage(status) { Content = new StringContent(status == HttpStatusCode.OK ? "" : "try later") };
        }
    }

    private static AlertmanagerConfig Config(string extra = "") => Parse($$"""
        route:
          receiver: team
          group_by: [alertname]
          # An alert older than group_wait is flushed at once (as Alertmanager does): 1s keeps a test's alerts,
          # made just before they are received, in one notification even on a loaded machine.
          group_wait: 1s
          group_interval: 500ms
          repeat_interval: 1h
        receivers:
          - name: team
            webhook_configs:
              - url: http://hooks.example/alerts
        {{extra}}
        """);

    private static AlertmanagerConfig Parse(string yaml)
    {
        var r = new YamlNodeReader("am.yml");
        return AlertmanagerConfigParser.Parse(r, r.LoadDocument(yaml)!);
    }

    private static PostableAlert Firing(string name, string instance, string severity = "page") =>
        new(LabelSet.From(("alertname", name), ("instance", instance), ("severity", severity)),
            new Dictionary<string, string> { ["summary"] = $"{instance} down" },
            DateTimeOffset.UtcNow.AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(4), "http://mlobs:9090/graph?g0.expr=up&g0.tab=1");

    private NotificationLog Log() => NotificationLog.Open(Path.Combine(_dir.Path, "notifications.sqlite"));

    [Fact]
    public async Task GroupsAlertsAndPostsAlertmanagersWebhookMessage()
    {
        var hook = new Webhook();
        using var log = Log();
        using var router = new AlertRouter(Config(), log, "http://mlobs:9090", hook);
        router.Receive([Firing("ModelDown", "b:1"), Firing("ModelDown", "a:1")]);
        Assert.True(await hook.Posted.WaitAsync(TimeSpan.FromSeconds(10)));
        var msg = hook.Bodies[0];
        Assert.Equal(["receiver", "status", "alerts", "groupLabels", "commonLabels", "commonAnnotations", "externalURL", "version", "groupKey", "truncatedAlerts"],
            msg.EnumerateObject().Select(p => p.Name));
        Assert.Equal("team", msg.GetProperty("receiver").GetString());
        Assert.Equal("firing", msg.GetProperty("status").GetString());
        Assert.Equal("4", msg.GetProperty("version").GetString());
        Assert.Equal("{}:{alertname=\"ModelDown\"}", msg.GetProperty("groupKey").GetString());
        Assert.Equal("""{"alertname":"ModelDown"}""", msg.GetProperty("groupLabels").GetRawText());
        Assert.Equal("""{"alertname":"ModelDown","severity":"page"}""", msg.GetProperty("commonLabels").GetRawText());
        Assert.Equal("{}", msg.GetProperty("commonAnnotations").GetRawText());
        Assert.Equal("http://mlobs:9090", msg.GetProperty("externalURL").GetString());
        var alerts = msg.GetProperty("alerts");
        Assert.Equal(2, alerts.GetArrayLength());
        Assert.Equal("a:1", alerts[0].GetProperty("labels").GetProperty("instance").GetString());   // sorted by instance
        Assert.Equal("0001-01-01T00:00:00Z", alerts[0].GetProperty("endsAt").GetString());          // not reached yet: hidden
        Assert.Equal(["status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"],
            alerts[0].EnumerateObject().Select(p => p.Name));
        Assert.Matches("^[0-9a-f]{16}$", alerts[0].GetProperty("fingerprint").GetString());
    }

    [Fact]
    public async Task RetriesServerErrorsThenResolvesAndDoesNotRepeatAfterARestart()
    {
        var hook = new Webhook();
        hook.Statuses.Enqueue(HttpStatusCode.ServiceUnavailable);
        var alert = Firing("ModelDown", "a:1");
        using (var log = Log())
        using (var router = new AlertRouter(Config(), log, "http://mlobs:9090", hook, TimeSpan.FromMilliseconds(50)))
        {
            router.Receive([alert]);
            Assert.True(await hook.Posted.WaitAsync(TimeSpan.FromSeconds(10)));   // 503
            Assert.True(await hook.Posted.WaitAsync(TimeSpan.FromSeconds(10)));   // retried, 200
            Assert.Equal([2L, 1L], router.Deliveries["team/webhook[0]"]);
        }
        // A new router on the same notification log (a restart): the same firing alert is not notified again.
        using (var log = Log())
        using (var router = new AlertRouter(Config(), log, "http://mlobs:9090", hook))
        {
            router.Receive([alert]);
            Assert.False(await hook.Posted.WaitAsync(TimeSpan.FromSeconds(1.5)));
            // It resolves: one resolved notification.
            router.Receive([alert with { EndsAt = DateTimeOffset.UtcNow }]);
            Assert.True(await hook.Posted.WaitAsync(TimeSpan.FromSeconds(10)));
            var msg = hook.Bodies[^1];
            Assert.Equal("resolved", msg.GetProperty("status").GetString());
            Assert.NotEqual("0001-01-01T00:00:00Z", msg.GetProperty("alerts")[0].GetProperty("endsAt").GetString());
            Assert.False(await hook.Posted.WaitAsync(TimeSpan.FromSeconds(1.5)));   // and no more
        }
    }

    [Fact]
    public async Task AnAlertThatEndsWhileTheRouterIsDownIsNotifiedAsResolvedAfterTheRestart()
    {
        var hook = new Webhook();
        var alert = Firing("ModelDown", "a:1") with { EndsAt = DateTimeOffset.UtcNow.AddSeconds(2) };  // valid for 2 s unless re-sent
        using (var log = Log())
        using (var router = new AlertRouter(Config(), log, "http://mlobs:9090", hook))
        {
            router.Receive([alert]);
            Assert.True(await hook.Posted.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal("firing", hook.Bodies[0].GetProperty("status").GetString());
        }
        await Task.Delay(TimeSpan.FromSeconds(2.5));   // down; nobody re-sends the alert
        using (var log = Log())
        using (var router = new AlertRouter(Config(), log, "http://mlobs:9090", hook))
        {
            Assert.True(await hook.Posted.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal("resolved", hook.Bodies[1].GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task InhibitedAlertsAreMuted()
    {
        var hook = new Webhook();
        using var log = Log();
        var config = Config("""
            inhibit_rules:
              - source_matchers: [severity="critical"]
                target_matchers: [severity="warning"]
                equal: [instance]
            """);
        using var router = new AlertRouter(config with { Route = config.Route with { GroupBy = [] } }, log, "http://mlobs:9090", hook);
        router.Receive([Firing("DiskFull", "a:1", "critical"), Firing("DiskSlow", "a:1", "warning"), Firing("DiskSlow", "b:1", "warning")]);
        // On a loaded machine the group may flush after the first alert and again with the rest: read every
        // notification until both expected alerts went out; the inhibited one must be in none of them.
        List<string> Sent()
        {
            lock (hook.Bodies)
                return hook.Bodies.SelectMany(b => b.GetProperty("alerts").EnumerateArray())
                    .Select(a => a.GetProperty("labels").GetProperty("alertname").GetString() + "@" + a.GetProperty("labels").GetProperty("instance").GetString())
                    .Distinct().Order(StringComparer.Ordinal).ToList();
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Sent().Count < 2 && DateTime.UtcNow < deadline) await hook.Posted.WaitAsync(TimeSpan.FromMilliseconds(200));
        Assert.Equal(["DiskFull@a:1", "DiskSlow@b:1"], Sent());
    }

    [Fact]
    public void SilenceRulesFailAsSilenceErrorsWithAlertmanagersWording()
    {
        using var log = Log();
        using var router = new AlertRouter(Config(), log, "http://mlobs:9090");
        var now = DateTimeOffset.UtcNow;
        LabelMatcher[] matchers = [LabelMatcher.Equal("alertname", "ModelDown")];
        var invalid = Assert.Throws<SilenceException>(() => router.Silences.Upsert(null, matchers, now, now.AddHours(1), "ops", "", now));
        Assert.Equal("comment required", invalid.Message);
        var id = router.Silences.Upsert(null, matchers, now.AddMinutes(-1), now.AddHours(1), "ops", "retraining", now);
        Assert.True(router.Silences.Expire(id, now));
        var twice = Assert.Throws<SilenceException>(() => router.Silences.Expire(id, now.AddSeconds(1)));
        Assert.Equal("silence already expired", twice.Message);
    }
}
