using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// `freshness_probes` through the published binary: a file glob, an HTTP JSON field and a SQLite query each give
/// mlobs_source_last_update_timestamp_seconds{source}; a probe that fails shows its error on the targets API.
/// </summary>
public sealed class FreshnessProbesTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task EachProbeKindReportsItsSourcesLastUpdate()
    {
        var landing = Path.Combine(_dir.Path, "landing");
        Directory.CreateDirectory(landing);
        File.WriteAllText(Path.Combine(landing, "events-001.parquet"), "x");
        File.SetLastWriteTimeUtc(Path.Combine(landing, "events-001.parquet"), DateTimeOffset.FromUnixTimeSeconds(1_790_000_000).UtcDateTime);
        using var api = new FakeTarget { Body = """{"feature_store": {"last_materialized": 1790000500}}""", ContentType = "application/json" };
        var labelsDb = Path.Combine(_dir.Path, "labels.db");
        Mlobs.Storage.Tsdb.Sqlite.SqliteProvider.EnsureInitialized();
        using (var db = new SqliteConnection($"Data Source={labelsDb};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "CREATE TABLE labels (created_at TEXT); INSERT INTO labels VALUES ('2026-09-21T14:30:00Z');";
            cmd.ExecuteNonQuery();
        }
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
            freshness_probes:
              - source: raw_events
                files: ["landing/*.parquet"]
              - source: features
                http: {"{"}url: "http://{api.Address}/status", json_field: feature_store.last_materialized{"}"}
              - source: labels
                sqlite: {"{"}path: labels.db, query: "SELECT max(created_at) FROM labels"{"}"}
              - source: missing
                interval: 2s
                files: ["nowhere/*.csv"]
            """);
        var (exit, output) = await MlobsProcess.RunAsync("check", "config", config);
        Assert.True(exit == 0, output);
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));

        var expected = new Dictionary<string, double> { ["raw_events"] = 1_790_000_000, ["features"] = 1_790_000_500, ["labels"] = 1_790_001_000 };
        await Wait.UntilAsync("every probe's time stored", async () =>
        {
            using var doc = JsonDocument.Parse(await _http.GetStringAsync(mlobs.BaseUrl + "/api/v1/query?query=mlobs_source_last_update_timestamp_seconds"));
            var got = doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().ToDictionary(
                r => r.GetProperty("metric").GetProperty("source").GetString()!,
                r => double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture));
            return got.Count == 3 && expected.All(e => got.GetValueOrDefault(e.Key) == e.Value);
        });

        var probes = new Dictionary<string, (string? Health, string? Error)>();
        await Wait.UntilAsync("every probe has run", async () =>
        {
            using var targets = JsonDocument.Parse(await _http.GetStringAsync(mlobs.BaseUrl + "/api/v1/targets?scrapePool=freshness_probes"));
            probes = targets.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                .ToDictionary(t => t.GetProperty("labels").GetProperty("source").GetString()!, t => (t.GetProperty("health").GetString(), t.GetProperty("lastError").GetString()));
            return probes.Count == 4 && probes.Values.All(p => p.Health != "unknown");
        });
        Assert.Equal(("up", ""), probes["labels"]);
        Assert.Equal("down", probes["missing"].Health);
        Assert.StartsWith("no file matches ", probes["missing"].Error);
    }
}
