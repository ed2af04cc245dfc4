using System.Globalization;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// `mlobs push FILE` and `mlobs push dbt-freshness` against the published binary serving the shipped freshness rules:
/// pushed files become series, a broken file is refused with its line before anything is sent, a delete makes the
/// series stale, and a dbt table last loaded three days ago fires the shipped DataSourceStale alert.
/// </summary>
public sealed class PushCliTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task PushesFilesAndDbtFreshnessResults()
    {
        var rules = Path.Combine(Paths.RepoRoot, "config", "rules", "data-freshness.yml");
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, $"global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: ['{rules}']\npush:\n  interval: 1s\n");
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));

        var metrics = Path.Combine(_dir.Path, "run.prom");
        File.WriteAllText(metrics, "# TYPE training_rows_total counter\ntraining_rows_total 1200\n# TYPE training_loss gauge\ntraining_loss{model=\"fraud\"} 0.27"); // no final newline
        var (exit, output) = await MlobsProcess.RunAsync("push", metrics, "--job", "nightly_training", "--label", "stage=eval", "--label", "path=/data/in", "--server", mlobs.BaseUrl);
        Assert.True(exit == 0, output);
        await Wait.UntilAsync("pushed series stored", async () =>
            await ValueAsync(mlobs.BaseUrl, "training_loss{job=\"nightly_training\",stage=\"eval\",path=\"/data/in\",model=\"fraud\"}") == "0.27");

        File.WriteAllText(metrics, "training_loss 1\ntraining_loss{ 2\n");
        (exit, output) = await MlobsProcess.RunAsync("push", metrics, "--job", "nightly_training", "--server", mlobs.BaseUrl);
        Assert.Equal(1, exit);
        Assert.StartsWith($"{metrics}: text format parsing error in line 2: ", output);

        (exit, output) = await MlobsProcess.RunAsync("push", "--method", "delete", "--job", "nightly_training", "--label", "stage=eval", "--label", "path=/data/in", "--server", mlobs.BaseUrl);
        Assert.True(exit == 0, output);
        await Wait.UntilAsync("deleted group stale", async () => await ValueAsync(mlobs.BaseUrl, "training_loss") is null);

        // dbt: transactions fresh, labels three days old (warn in dbt, DataSourceStale in the shipped rules).
        var now = DateTimeOffset.UtcNow;
        string Result(string table, DateTimeOffset loaded, string status) => $$"""
            {"unique_id": "source.ml_platform.raw.{{table}}", "max_loaded_at": "{{loaded:yyyy-MM-ddTHH:mm:ss}}+00:00",
             "snapshotted_at": "{{now:yyyy-MM-ddTHH:mm:ss}}+00:00", "max_loaded_at_time_ago_in_s": {{(now - loaded).TotalSeconds.ToString(CultureInfo.InvariantCulture)}},
             "status": "{{status}}", "criteria": {"warn_after": {"count": 2, "period": "day"}, "error_after": {"count": 5, "period": "day"}, "filter": null},
             "adapter_response": {}, "timing": [], "thread_id": "Thread-1", "execution_time": 0.1}
            """;
        var sources = Path.Combine(_dir.Path, "sources.json");
        var results = Result("transactions", now.AddMinutes(-20), "pass") + ", " + Result("labels", now.AddDays(-3), "warn");
        File.WriteAllText(sources, "{\"metadata\": {\"dbt_schema_version\": \"https://schemas.getdbt.com/dbt/sources/v3.json\", \"dbt_version\": \"1.7.4\"}, " +
            $"\"results\": [{results}], \"elapsed_time\": 1.0}}");
        (exit, output) = await MlobsProcess.RunAsync("push", "dbt-freshness", sources, "--server", mlobs.BaseUrl);
        Assert.True(exit == 0, output);
        await Wait.UntilAsync("DataSourceStale firing for labels only", async () =>
        {
            using var doc = JsonDocument.Parse(await _http.GetStringAsync(mlobs.BaseUrl + "/api/v1/alerts"));
            var firing = doc.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray()
                .Where(a => a.GetProperty("state").GetString() == "firing")
                .Select(a => a.GetProperty("labels").GetProperty("alertname").GetString() + "/" + a.GetProperty("labels").GetProperty("source").GetString())
                .ToList();
            return firing.SequenceEqual(["DataSourceStale/labels"]);
        });
        Assert.Equal("1", await ValueAsync(mlobs.BaseUrl, "dbt_source_freshness_status{table=\"labels\",status=\"warn\"}"));
        Assert.Equal("172800", await ValueAsync(mlobs.BaseUrl, "dbt_source_freshness_warn_after_seconds{table=\"transactions\"}"));

        File.WriteAllText(sources, "{\"nodes\": {}}");
        (exit, output) = await MlobsProcess.RunAsync("push", "dbt-freshness", sources, "--server", mlobs.BaseUrl);
        Assert.Equal(1, exit);
        Assert.Contains($"{sources}: no \"results\" array", output);
    }

    private async Task<string?> ValueAsync(string baseUrl, string query)
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync(baseUrl + "/api/v1/query?query=" + Uri.EscapeDataString(query)));
        var result = doc.RootElement.GetProperty("data").GetProperty("result");
        return result.GetArrayLength() == 0 ? null : result[0].GetProperty("value")[1].GetString();
    }
}
