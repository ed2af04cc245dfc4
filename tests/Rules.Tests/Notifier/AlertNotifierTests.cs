using System.Net;
using System.Text.Json;
using Mlobs.Model.Labels;
using Mlobs.Rules.Notifier;

namespace Mlobs.Rules.Tests.Notifier;

public class AlertNotifierTests
{
    /// <summary>Answers every post with a fixed status and keeps the bodies.</summary>
    private sealed class RecordingHandler(HttpStatusCode status) : HttpMessageHandler
    {
        public readonly List<(Uri Url, string Body, string? Auth)> Posts = [];
        public readonly SemaphoreSlim Received = new(0);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var body = await request.Content!.ReadAsStringAsync(ct);
            lock (Posts) Posts.Add((request.RequestUri!, body, request.Headers.Authorization?.ToString()));
            Received.Release();
            return new HttpResponseMessage(status) { Content = new StringContent("") };
        }
    }

    private static NotifierAlert Alert(string name, params (string, string)[] labels) =>
        new(LabelSet.From([("alertname", name), .. labels]), new Dictionary<string, string> { ["summary"] = name + " fired" },
            DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_240_000),
            "http://mlobs:9090/graph?g0.expr=up&g0.tab=1");

    [Fact]
    public void PayloadHasAlertmanagersV2Shape()
    {
        var json = JsonDocument.Parse(AlertPayload.Serialize([Alert("A", ("job", "api"))])).RootElement;
        var a = json[0];
        Assert.Equal("""{"alertname":"A","job":"api"}""", a.GetProperty("labels").GetRawText());
        Assert.Equal("A fired", a.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.Equal("2023-11-14T22:13:20.000Z", a.GetProperty("startsAt").GetString());
        Assert.Equal("2023-11-14T22:17:20.000Z", a.GetProperty("endsAt").GetString());
        Assert.Equal("http://mlobs:9090/graph?g0.expr=up&g0.tab=1", a.GetProperty("generatorURL").GetString());
    }

    [Fact]
    public async Task PostsToEveryAlertmanagerWithExternalLabelsAndRelabeling()
    {
        var handler = new RecordingHandler(HttpStatusCode.OK);
        using var notifier = new AlertNotifier(handler);
        var one = AlertmanagerEndpoint.For("http", "am1:9093", "/", TimeSpan.FromSeconds(5));
        var two = AlertmanagerEndpoint.For("http", "am2:9093", "/prefix/", TimeSpan.FromSeconds(5),
            new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "secret"));
        notifier.ApplyConfig([one, two], new Dictionary<string, string> { ["site"] = "edge", ["job"] = "ignored" },
            labels => labels.Get("alertname") == "Drop" ? null : labels);
        notifier.Send([Alert("A", ("job", "api")), Alert("Drop")]);
        Assert.True(await handler.Received.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await handler.Received.WaitAsync(TimeSpan.FromSeconds(10)));
        var urls = handler.Posts.Select(p => p.Url.ToString()).Order().ToList();
        Assert.Equal(["http://am1:9093/api/v2/alerts", "http://am2:9093/prefix/api/v2/alerts"], urls);
        Assert.Equal("Bearer secret", handler.Posts.Single(p => p.Url.Host == "am2").Auth);
        var alerts = JsonDocument.Parse(handler.Posts[0].Body).RootElement;
        Assert.Equal(1, alerts.GetArrayLength());   // the relabeling dropped "Drop"
        // External labels fill in only what the alert lacks.
        Assert.Equal("""{"alertname":"A","job":"api","site":"edge"}""", alerts[0].GetProperty("labels").GetRawText());
    }

    [Fact]
    public async Task FailedPostsAreCountedAndReported()
    {
        var handler = new RecordingHandler(HttpStatusCode.InternalServerError);
        var errors = new List<string>();
        using var notifier = new AlertNotifier(handler) { OnError = (url, n, e) => { lock (errors) errors.Add($"{url} {n} {e}"); } };
        var am = AlertmanagerEndpoint.For("http", "am:9093", "", TimeSpan.FromSeconds(5));
        notifier.ApplyConfig([am], new Dictionary<string, string>());
        notifier.Send([Alert("A"), Alert("B")]);
        Assert.True(await handler.Received.WaitAsync(TimeSpan.FromSeconds(10)));
        for (int i = 0; i < 100 && Interlocked.Read(ref notifier.Dropped) == 0; i++) await Task.Delay(20);
        Assert.Equal(2, Interlocked.Read(ref notifier.Stats[am.AlertsUrl].Errors));
        Assert.Equal(2, Interlocked.Read(ref notifier.Dropped));
        lock (errors) Assert.StartsWith("http://am:9093/api/v2/alerts 2 bad response status 500", Assert.Single(errors));
    }
}
