using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// `mlobs demo` through the published binary: the UI says it is a demo, every shipped dashboard has data (the
/// model servers scraped, training and dbt freshness pushed, Airflow through StatsD, logs), a shipped alert fires at
/// once (DataSourceStale on the 60-hour-old labels table), and the feature store's outage (15 s to 2 min 45 s) makes
/// the shipped FeatureStoreDown (for: 2m) fire and then resolve.
/// </summary>
public sealed class DemoTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task TheDemoFillsEveryShippedDashboardAndFiresAnAlert()
    {
        int port = FakeTarget.FreePort();
        var data = Path.Combine(_dir.Path, "demo");
        using var demo = MlobsProcess.Start("demo", "--data", data, "--listen", $"127.0.0.1:{port}");
        var baseUrl = $"http://127.0.0.1:{port}";
        await Wait.UntilAsync("demo ready", async () => (await _http.GetAsync(baseUrl + "/-/ready")).IsSuccessStatusCode, 30);

        using (var flags = JsonDocument.Parse(await _http.GetStringAsync(baseUrl + "/api/v1/status/flags")))
            Assert.Equal("true", flags.RootElement.GetProperty("data").GetProperty("mlobs.demo").GetString());

        await Wait.UntilAsync("DataSourceStale firing for labels", async () =>
        {
            using var alerts = JsonDocument.Parse(await _http.GetStringAsync(baseUrl + "/api/v1/alerts"));
            return alerts.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray().Any(a =>
                a.GetProperty("labels").GetProperty("alertname").GetString() == "DataSourceStale" && a.GetProperty("state").GetString() == "firing"
                && a.GetProperty("labels").GetProperty("source").GetString() == "labels");
        }, 30);

        var dashboards = Directory.GetFiles(Path.Combine(data, "demo-config", "dashboards"), "*.json").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(7, dashboards.Length);
        string output = "";
        await Wait.UntilAsync("every shipped dashboard with data", async () =>
        {
            (int exit, output) = await MlobsProcess.RunAsync(["check", "dashboard", "--server", baseUrl, "--from", "now-5m", .. dashboards]);
            return exit == 0;
        }, 120); // the drift monitors score once their baseline window (offset 1m) holds data
        Assert.Equal(7, output.Split('\n').Count(l => l.Contains("0 errors, 0 without data", StringComparison.Ordinal)));

        async Task<string?> FeatureStoreDownAsync()
        {
            using var alerts = JsonDocument.Parse(await _http.GetStringAsync(baseUrl + "/api/v1/alerts"));
            return alerts.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray()
                .Where(a => a.GetProperty("labels").GetProperty("alertname").GetString() == "FeatureStoreDown")
                .Select(a => a.GetProperty("state").GetString()).FirstOrDefault();
        }
        await Wait.UntilAsync("FeatureStoreDown firing", async () => await FeatureStoreDownAsync() == "firing", 200);
        await Wait.UntilAsync("FeatureStoreDown resolved once the feature store is back", async () => await FeatureStoreDownAsync() is null, 60);
        // The fraud model's "amount" drifts from 1m30s to 4m30s: the drift monitor flags it and the shipped PSI alert fires.
        await Wait.UntilAsync("FeaturePsiDrift firing for fraud's amount", async () =>
        {
            using var alerts = JsonDocument.Parse(await _http.GetStringAsync(baseUrl + "/api/v1/alerts"));
            return alerts.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray().Any(a =>
                a.GetProperty("labels").GetProperty("alertname").GetString() == "FeaturePsiDrift" && a.GetProperty("state").GetString() == "firing"
                && a.GetProperty("labels").GetProperty("feature").GetString() == "amount" && a.GetProperty("labels").GetProperty("model").GetString() == "fraud");
        }, 90);
        using (var drift = JsonDocument.Parse(await _http.GetStringAsync(baseUrl + "/api/v1/drift")))
        {
            var inputs = drift.RootElement.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "model_inputs");
            var groups = inputs.GetProperty("lastEvaluation").GetProperty("groups").EnumerateArray().ToList();
            Assert.Equal(4, groups.Count); // two models × two features
            Assert.True(groups.Single(g => g.GetProperty("labels").GetProperty("model").GetString() == "churn"
                && g.GetProperty("labels").GetProperty("feature").GetString() == "amount").GetProperty("drifted").GetBoolean() == false);
        }
    }
}
