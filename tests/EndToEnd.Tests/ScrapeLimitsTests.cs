using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// sample_limit, label_limit, label_name_length_limit, label_value_length_limit, body_size_limit and target_limit,
/// through the published binary beside Debian's Prometheus 2.42 on the same config and the same targets: every
/// target's health and error on /api/v1/targets must be the same. (Global defaults for these limits came in
/// Prometheus 2.45, so 2.42 cannot read them; mlobs follows 3.x there, checked by the config tests.)
/// </summary>
public sealed class ScrapeLimitsTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task EachLimitFailsTheScrapeAsPrometheusDoes()
    {
        var longValue = new string('v', 60);
        using var labelled = new FakeTarget { Body = $"# TYPE model_info gauge\nmodel_info{{model=\"fraud\",version=\"{longValue}\"}} 1\nrows_total 2\n" };
        using var big = new FakeTarget { Body = string.Concat(Enumerable.Range(0, 20).Select(i => $"feature_{i}_value {i}\n")) };
        using var bigGzip = new FakeTarget { Body = big.Body, Gzip = true };
        using var second = new FakeTarget { Body = "other 1\n" };

        string Job(string name, string limit, params FakeTarget[] targets) =>
            $"  - job_name: {name}\n    {limit}\n    static_configs: [{{targets: [{string.Join(", ", targets.Select(t => $"'{t.Address}'"))}]}}]\n";
        var config = Path.Combine(_dir.Path, "limits.yml");
        File.WriteAllText(config, "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n" +
            Job("within", "sample_limit: 10", labelled) +
            Job("sample_limit", "sample_limit: 1", labelled) +
            Job("label_limit", "label_limit: 4", labelled) +
            Job("label_name_length_limit", "label_name_length_limit: 7", labelled) +
            Job("label_value_length_limit", "label_value_length_limit: 20", labelled) +
            Job("body_size_limit", "body_size_limit: 100B", big) +
            Job("body_size_limit_gzip", "body_size_limit: 100B", bigGzip) +
            Job("body_size_fits", "body_size_limit: 1KB", big) +
            Job("target_limit", "target_limit: 1", labelled, second));

        var (exit, output) = await MlobsProcess.RunAsync("check", "config", config);
        Assert.True(exit == 0, output);
        Assert.DoesNotContain("WARNING", output); // the limits are used, not merely accepted

        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));
        using var prometheus = await PrometheusPeer.StartAsync(config, Path.Combine(_dir.Path, "prometheus"));
        var ours = await ScrapedTargetsAsync(mlobs.BaseUrl, 10);
        var theirs = await ScrapedTargetsAsync(prometheus.BaseUrl, 10);
        Assert.Equal(theirs, ours);

        // What the comparison covered, so a shared mistake cannot pass unnoticed.
        Assert.Contains("within up ", ours);
        Assert.Contains("sample_limit down sample limit exceeded", ours);
        Assert.Contains("label_limit down label_limit exceeded (metric: model_info, number of labels: 5, limit: 4)", ours);
        Assert.Contains("body_size_limit_gzip down body size limit exceeded", ours);
        Assert.Contains($"target_limit down target_limit exceeded (number of targets: 2, limit: 1)", ours);

        // Nothing of a failed scrape is stored.
        using var doc = JsonDocument.Parse(await _http.GetStringAsync(mlobs.BaseUrl + "/api/v1/query?query=count by (job) (rows_total)"));
        var jobs = doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(r => r.GetProperty("metric").GetProperty("job").GetString()).ToList();
        Assert.Equal(["within"], jobs);
    }

    /// <summary>"job health error" for every active target once each has been scraped, sorted.</summary>
    private async Task<List<string>> ScrapedTargetsAsync(string baseUrl, int expected)
    {
        var targets = new List<string>();
        await Wait.UntilAsync($"{baseUrl}: every target scraped", async () =>
        {
            using var doc = JsonDocument.Parse(await _http.GetStringAsync(baseUrl + "/api/v1/targets"));
            var active = doc.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().ToList();
            targets = active
                .Select(t => $"{t.GetProperty("scrapePool").GetString()} {t.GetProperty("health").GetString()} {t.GetProperty("lastError").GetString()}")
                .Order(StringComparer.Ordinal).ToList();
            return active.Count == expected && active.All(t => t.GetProperty("health").GetString() != "unknown");
        });
        return targets;
    }
}
