using System.Net;
using Mlobs.Appliance.Http;
using Mlobs.Tests.Support;

namespace Mlobs.Appliance.Tests.Http;

/// <summary>
/// The running components' adapter before the data dir is open: every API answers "starting" in its own shape, and
/// the server stays healthy.
/// </summary>
public sealed class StartingServerTests
{
    [Fact]
    public async Task ApisAnswerUnavailableUntilTheRuntimeIsThere()
    {
        int port = FakeTarget.FreePort();
        await using var app = WebServer.Build(new RuntimeApiSources(new ReadinessGate()).All, new IPEndPoint(IPAddress.Loopback, port));
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/-/healthy")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/-/ready")).StatusCode);
        foreach (var path in new[] { "/api/v1/query?query=up", "/api/v1/targets", "/api/v1/rules", "/api/v1/labels", "/api/v1/status/config", "/api/search" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"Service Unavailable: mlobs is starting\"}", await response.Content.ReadAsStringAsync());
        }
        using (var loki = await http.GetAsync("/loki/api/v1/labels"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, loki.StatusCode);
            Assert.Equal("Service Unavailable: mlobs is starting\n", await loki.Content.ReadAsStringAsync());
        }
        using (var alertmanager = await http.GetAsync("/api/v2/status"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, alertmanager.StatusCode);
            Assert.Equal("\"mlobs is starting\"", await alertmanager.Content.ReadAsStringAsync());
        }
        await app.StopAsync();
    }
}
