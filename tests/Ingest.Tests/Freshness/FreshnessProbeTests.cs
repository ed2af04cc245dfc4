using Microsoft.Data.Sqlite;
using Mlobs.Config;
using Mlobs.Ingest.Freshness;
using Mlobs.Tests.Support;

namespace Mlobs.Ingest.Tests.Freshness;

/// <summary>Each probe kind against a real source: files in a temp dir, a SQLite file, an HTTP server on loopback.</summary>
public sealed class FreshnessProbeTests : IDisposable
{
    private readonly TempDir _dir = new();
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly DateTimeOffset Loaded = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void FilesGiveTheNewestModificationTimeAmongTheMatches()
    {
        var older = Path.Combine(_dir.Path, "part-0.parquet");
        var newer = Path.Combine(_dir.Path, "part-1.parquet");
        File.WriteAllText(older, "a");
        File.WriteAllText(newer, "b");
        File.SetLastWriteTimeUtc(older, Loaded.UtcDateTime.AddHours(-5));
        File.SetLastWriteTimeUtc(newer, Loaded.UtcDateTime);
        var probe = new FreshnessProbeConfig { Source = "landing", Files = [Path.Combine(_dir.Path, "*.parquet")] };
        Assert.Equal(1_790_000_000, FreshnessProbe.Run(probe, Timeout));
        var none = new FreshnessProbeConfig { Source = "x", Files = [Path.Combine(_dir.Path, "*.csv")] };
        Assert.StartsWith("no file matches ", Assert.Throws<FreshnessProbeException>(() => FreshnessProbe.Run(none, Timeout)).Message);
    }

    [Fact]
    public void SqliteTakesTheQuerysFirstValueAsSecondsMillisecondsOrText()
    {
        var path = Path.Combine(_dir.Path, "labels.db");
        Mlobs.Storage.Tsdb.Sqlite.SqliteProvider.EnsureInitialized();
        using (var db = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "CREATE TABLE labels (updated_at INTEGER, updated_text TEXT); INSERT INTO labels VALUES (1790000000123, '2026-09-21T14:13:20Z'), (1789000000000, '2026-01-01T00:00:00Z');";
            cmd.ExecuteNonQuery();
        }
        Assert.Equal(1_790_000_000.123, FreshnessProbe.Run(new FreshnessProbeConfig { Source = "l", SqlitePath = path, SqliteQuery = "SELECT max(updated_at) FROM labels" }, Timeout), 3);
        Assert.Equal(1_790_000_000, FreshnessProbe.Run(new FreshnessProbeConfig { Source = "l", SqlitePath = path, SqliteQuery = "SELECT max(updated_text) FROM labels" }, Timeout));
        var bad = new FreshnessProbeConfig { Source = "l", SqlitePath = path, SqliteQuery = "SELECT max(nope) FROM labels" };
        Assert.Contains("no such column: nope", Assert.Throws<FreshnessProbeException>(() => FreshnessProbe.Run(bad, Timeout)).Message);
        var empty = new FreshnessProbeConfig { Source = "l", SqlitePath = path, SqliteQuery = "SELECT updated_at FROM labels WHERE 0" };
        Assert.Equal("the query returned no value", Assert.Throws<FreshnessProbeException>(() => FreshnessProbe.Run(empty, Timeout)).Message);
    }

    [Fact]
    public void HttpReadsAJsonFieldOrTheLastModifiedHeader()
    {
        using var server = new FakeTarget { Body = """{"status": {"last_updated": "2026-09-21T14:13:20Z", "epoch_ms": 1790000000000}}""", ContentType = "application/json" };
        var url = $"http://{server.Address}/status";
        Assert.Equal(1_790_000_000, FreshnessProbe.Run(new FreshnessProbeConfig { Source = "api", HttpUrl = url, HttpJsonField = "status.last_updated" }, Timeout));
        Assert.Equal(1_790_000_000, FreshnessProbe.Run(new FreshnessProbeConfig { Source = "api", HttpUrl = url, HttpJsonField = "status.epoch_ms" }, Timeout));
        Assert.Equal("the body has no field status.missing",
            Assert.Throws<FreshnessProbeException>(() => FreshnessProbe.Run(new FreshnessProbeConfig { Source = "api", HttpUrl = url, HttpJsonField = "status.missing" }, Timeout)).Message);
        Assert.StartsWith("the response has no Last-Modified header",
            Assert.Throws<FreshnessProbeException>(() => FreshnessProbe.Run(new FreshnessProbeConfig { Source = "api", HttpUrl = url }, Timeout)).Message);
        server.LastModified = "Mon, 21 Sep 2026 14:13:20 GMT";
        Assert.Equal(1_790_000_000, FreshnessProbe.Run(new FreshnessProbeConfig { Source = "api", HttpUrl = url }, Timeout));
        server.Status = 503;
        Assert.StartsWith("server returned HTTP status 503",
            Assert.Throws<FreshnessProbeException>(() => FreshnessProbe.Run(new FreshnessProbeConfig { Source = "api", HttpUrl = url, HttpJsonField = "x" }, Timeout)).Message);
    }
}
