using System.Net;
using System.Text;
using System.Text.Json;

namespace Mlobs.Appliance.Tests.Http;

/// <summary>Grafana's search, get and import calls over a real dashboard library in process, in Grafana's shapes.</summary>
public sealed class DashboardsApiTests
{
    private const string Dashboard = """{"uid": "drift-a", "title": "Drift A", "tags": ["psi-test"], "panels": [{"type": "timeseries", "title": "PSI", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8}, "targets": [{"expr": "psi"}]}]}""";

    [Fact]
    public async Task SearchGetAndImport()
    {
        await using var host = await ApiHost.StartAsync();
        var builtIn = JsonDocument.Parse(await host.Http.GetStringAsync("/api/search")).RootElement;
        Assert.True(builtIn.GetArrayLength() > 0); // the embedded dashboards

        using var imported = await host.Http.PostAsync("/api/dashboards/db", new StringContent($"{{\"dashboard\": {Dashboard}}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var result = JsonDocument.Parse(await imported.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("success", result.GetProperty("status").GetString());
        Assert.Equal("/d/drift-a/drift-a", result.GetProperty("url").GetString());

        var found = Assert.Single(JsonDocument.Parse(await host.Http.GetStringAsync("/api/search?tag=psi-test")).RootElement.EnumerateArray());
        Assert.Equal("drift-a", found.GetProperty("uid").GetString());
        Assert.Equal("dash-db", found.GetProperty("type").GetString());
        Assert.Equal(1, found.GetProperty("panels").GetInt32());

        var get = JsonDocument.Parse(await host.Http.GetStringAsync("/api/dashboards/uid/drift-a")).RootElement;
        Assert.Equal("Drift A", get.GetProperty("dashboard").GetProperty("title").GetString());
        Assert.Equal("drift-a", get.GetProperty("meta").GetProperty("slug").GetString());

        using (var exists = await host.Http.PostAsync("/api/dashboards/db", new StringContent($"{{\"dashboard\": {Dashboard}}}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, exists.StatusCode);
            Assert.Equal("name-exists", JsonDocument.Parse(await exists.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        }
        using (var overwrite = await host.Http.PostAsync("/api/dashboards/db", new StringContent($"{{\"dashboard\": {Dashboard}, \"overwrite\": true}}", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.OK, overwrite.StatusCode);
        using (var missing = await host.Http.GetAsync("/api/dashboards/uid/no-such"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("{\"message\":\"Dashboard not found\"}", await missing.Content.ReadAsStringAsync());
        }
        using (var broken = await host.Http.PostAsync("/api/dashboards/db", new StringContent("{\"dashboard\": {", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
            Assert.StartsWith("dashboard:", JsonDocument.Parse(await broken.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task DatasourcesCarryTheScrapeInterval()
    {
        await using var host = await ApiHost.StartAsync();
        host.Status.Config = Mlobs.Config.ConfigLoader.Parse("global:\n  scrape_interval: 1m30s\n", "prometheus.yml");
        var sources = JsonDocument.Parse(await host.Http.GetStringAsync("/api/datasources")).RootElement.EnumerateArray().ToList();
        Assert.Equal(["prometheus", "loki"], sources.Select(s => s.GetProperty("type").GetString()));
        Assert.Equal("1m30s", sources[0].GetProperty("jsonData").GetProperty("timeInterval").GetString());
        Assert.True(sources[0].GetProperty("isDefault").GetBoolean());
        Assert.False(sources[1].GetProperty("jsonData").TryGetProperty("timeInterval", out _));
    }
}
