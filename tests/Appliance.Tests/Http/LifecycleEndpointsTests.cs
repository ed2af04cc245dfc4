using System.Net;

namespace Mlobs.Appliance.Tests.Http;

/// <summary>/-/healthy, /-/ready, /-/reload and /metrics in process, ready and not.</summary>
public sealed class LifecycleEndpointsTests
{
    [Fact]
    public async Task HealthReadinessAndReloadAnswerAsPrometheus()
    {
        await using var host = await ApiHost.StartAsync();
        Assert.Equal("mlobs is Healthy.\n", await host.Http.GetStringAsync("/-/healthy"));
        Assert.Equal("mlobs is Ready.\n", await host.Http.GetStringAsync("/-/ready"));

        using (var ok = await host.Http.PostAsync("/-/reload", null)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        host.Lifecycle.ReloadError = "rules.yml:3:5: group \"g\": could not parse expression";
        using (var failed = await host.Http.PutAsync("/-/reload", null))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
            Assert.Equal("failed to reload config: rules.yml:3:5: group \"g\": could not parse expression\n", await failed.Content.ReadAsStringAsync());
        }
        Assert.Equal(2, host.Lifecycle.Reloads);
        using (var get = await host.Http.GetAsync("/-/reload"))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
            Assert.Equal("Only POST or PUT requests allowed", await get.Content.ReadAsStringAsync());
        }

        host.Lifecycle.IsReady = false;
        using (var starting = await host.Http.GetAsync("/-/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, starting.StatusCode);
            Assert.Equal("Service Unavailable", await starting.Content.ReadAsStringAsync());
        }
        using (var reload = await host.Http.PostAsync("/-/reload", null)) Assert.Equal(HttpStatusCode.ServiceUnavailable, reload.StatusCode);
        Assert.Equal(2, host.Lifecycle.Reloads); // not reloaded while starting
        Assert.Equal("mlobs is Healthy.\n", await host.Http.GetStringAsync("/-/healthy"));
    }

    [Fact]
    public async Task OwnMetricsAreTheTextFormat()
    {
        await using var host = await ApiHost.StartAsync();
        await host.Http.GetStringAsync("/-/healthy");
        using var response = await host.Http.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE mlobs_http_requests_total counter", body);
        Assert.Contains("handler=\"/-/healthy\"", body);
    }
}
