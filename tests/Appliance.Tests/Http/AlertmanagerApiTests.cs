using System.Net;
using System.Text;
using System.Text.Json;
using Mlobs.Alertmanager;
using Mlobs.Config.Alertmanager;
using Mlobs.Config.Yaml;
using Mlobs.Tests.Support;

namespace Mlobs.Appliance.Tests.Http;

/// <summary>Alertmanager's API v2 for the built-in router in process: status, alerts, silences, and its error strings.</summary>
public sealed class AlertmanagerApiTests
{
    private const string RouterYaml = "route:\n  receiver: team\nreceivers:\n  - name: team\n";

    [Fact]
    public async Task WithoutARouterEveryCallSaysSo()
    {
        await using var host = await ApiHost.StartAsync();
        using var response = await host.Http.GetAsync("/api/v2/alerts");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("\"the built-in Alertmanager is not configured (mlobs.alertmanager_config in the config file)\"", await response.Content.ReadAsStringAsync());
        host.Lifecycle.IsReady = false;
        using var starting = await host.Http.GetAsync("/api/v2/status");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, starting.StatusCode);
    }

    [Fact]
    public async Task SilencesLiveAndExpireAsInAlertmanager()
    {
        await using var host = await ApiHost.StartAsync();
        using var dir = new TempDir();
        using var log = NotificationLog.Open(Path.Combine(dir.Path, "notifications.sqlite"));
        var reader = new YamlNodeReader("am.yml");
        using var router = new AlertRouter(AlertmanagerConfigParser.Parse(reader, reader.LoadDocument(RouterYaml)!), log, "http://mlobs:9090");
        host.Alertmanager.Router = router;

        var status = JsonDocument.Parse(await host.Http.GetStringAsync("/api/v2/status")).RootElement;
        Assert.Equal("disabled", status.GetProperty("cluster").GetProperty("status").GetString());
        Assert.Equal(0, JsonDocument.Parse(await host.Http.GetStringAsync("/api/v2/alerts")).RootElement.GetArrayLength());

        var now = DateTimeOffset.UtcNow;
        string Silence(string comment) => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["matchers"] = new[] { new Dictionary<string, object> { ["name"] = "alertname", ["value"] = "ModelDown", ["isRegex"] = false } },
            ["startsAt"] = now.AddMinutes(-1).ToString("O"), ["endsAt"] = now.AddHours(1).ToString("O"),
            ["createdBy"] = "ops", ["comment"] = comment,
        });
        using (var invalid = await host.Http.PostAsync("/api/v2/silences", new StringContent(Silence(""), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            Assert.Equal("\"silence invalid: comment required\"", await invalid.Content.ReadAsStringAsync());
        }
        using var created = await host.Http.PostAsync("/api/v2/silences", new StringContent(Silence("retraining"), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("silenceID").GetString()!;

        var silence = JsonDocument.Parse(await host.Http.GetStringAsync($"/api/v2/silence/{id}")).RootElement;
        Assert.Equal("active", silence.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("retraining", silence.GetProperty("comment").GetString());
        Assert.Equal(1, JsonDocument.Parse(await host.Http.GetStringAsync("/api/v2/silences")).RootElement.GetArrayLength());

        Assert.Equal(HttpStatusCode.OK, (await host.Http.DeleteAsync($"/api/v2/silence/{id}")).StatusCode);
        using (var again = await host.Http.DeleteAsync($"/api/v2/silence/{id}"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, again.StatusCode);
            Assert.Equal("\"silence already expired\"", await again.Content.ReadAsStringAsync());
        }
        using (var missing = await host.Http.GetAsync("/api/v2/silence/no-such-id"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("\"silence no-such-id not found\"", await missing.Content.ReadAsStringAsync());
        }
        using (var broken = await host.Http.PostAsync("/api/v2/silences", new StringContent("{", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
            Assert.StartsWith("\"invalid silence: ", await broken.Content.ReadAsStringAsync());
        }
    }
}
