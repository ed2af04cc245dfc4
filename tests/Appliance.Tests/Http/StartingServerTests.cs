using System.Net;

namespace Mlobs.Appliance.Tests.Http;

/// <summary>While the data dir opens, the APIs that read the whole runtime answer "starting" in each API's own shape.</summary>
public sealed class StartingServerTests
{
    [Fact]
    public async Task ApisAnswerUnavailableUntilTheRuntimeIsThere()
    {
        await using var host = await ApiHost.StartAsync();
        using (var loki = await host.Http.GetAsync("/loki/api/v1/labels"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, loki.StatusCode);
            Assert.Equal("Service Unavailable: mlobs is starting\n", await loki.Content.ReadAsStringAsync());
        }
        await host.AssertErrorAsync("/api/dashboards/uid/overview", HttpStatusCode.ServiceUnavailable, "unavailable", "Service Unavailable: mlobs is starting");
        using var alertmanager = await host.Http.GetAsync("/api/v2/status");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, alertmanager.StatusCode);
    }
}
