using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// One time syntax everywhere, through the published binary: what `mlobs query --time` takes, `mlobs snapshot --from`
/// and the Prometheus and Loki APIs take too (RFC 3339, Unix seconds, now, now-5m, now-1h30m, now-1d/d).
/// </summary>
public sealed class TimeFormsTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    private static string[] Forms() =>
    [
        "now", "now-5m", "now-1h30m", "now-1d/d", "now/h",
        DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) + ".5",
        DateTimeOffset.UtcNow.AddMinutes(-10).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
    ];

    [Fact]
    public async Task EveryFlagAndParameterTakesTheSameForms()
    {
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, "global:\n  scrape_interval: 15s\n");
        using var p = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));
        var dashboard = Path.Combine(Paths.RepoRoot, "config", "dashboards", "ml-pipeline-overview.json");
        foreach (var form in Forms())
        {
            var (exit, output) = await MlobsProcess.RunAsync("query", "vector(1)", "--time", form, "--server", p.BaseUrl);
            Assert.True(exit == 0, $"query --time {form}: {output}");
            (exit, output) = await MlobsProcess.RunAsync("query-range", "vector(1)", "--start", form, "--end", "now+1m", "--server", p.BaseUrl);
            Assert.True(exit == 0, $"query-range --start {form}: {output}");
            var html = Path.Combine(_dir.Path, "snapshot.html");
            (exit, output) = await MlobsProcess.RunAsync("snapshot", dashboard, "--from", form, "--to", "now+1m", "--server", p.BaseUrl, "--out", html);
            Assert.True(exit == 0, $"snapshot --from {form}: {output}");

            using var prom = await _http.GetAsync(p.BaseUrl + "/api/v1/query?query=vector(1)&time=" + Uri.EscapeDataString(form));
            Assert.True(prom.IsSuccessStatusCode, $"/api/v1/query time={form}: {await prom.Content.ReadAsStringAsync()}");
            using var range = await _http.GetAsync(p.BaseUrl + "/api/v1/query_range?query=vector(1)&step=60&end=now%2B1m&start=" + Uri.EscapeDataString(form));
            Assert.True(range.IsSuccessStatusCode, $"/api/v1/query_range start={form}: {await range.Content.ReadAsStringAsync()}");
            using var loki = await _http.GetAsync(p.BaseUrl + "/loki/api/v1/query_range?query=" + Uri.EscapeDataString("{job=\"x\"}") + "&end=now%2B1m&start=" + Uri.EscapeDataString(form));
            Assert.True(loki.IsSuccessStatusCode, $"/loki/api/v1/query_range start={form}: {await loki.Content.ReadAsStringAsync()}");
        }
        // The same text is refused everywhere, with the parameter named.
        var (badExit, badOutput) = await MlobsProcess.RunAsync("query", "vector(1)", "--time", "yesterday", "--server", p.BaseUrl);
        Assert.Equal(2, badExit);
        Assert.Contains("--time", badOutput);
        using var bad = await _http.GetAsync(p.BaseUrl + "/api/v1/query?query=vector(1)&time=yesterday");
        Assert.Equal(400, (int)bad.StatusCode);
        using var doc = JsonDocument.Parse(await bad.Content.ReadAsStringAsync());
        Assert.Equal("invalid parameter \"time\": cannot parse \"yesterday\" to a valid timestamp", doc.RootElement.GetProperty("error").GetString());
    }
}
