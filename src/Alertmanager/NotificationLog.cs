using System.Globalization;
using Microsoft.Data.Sqlite;
using Mlobs.Storage.Tsdb.Sqlite;

namespace Mlobs.Alertmanager;

/// <summary>What was last notified for one group and receiver integration: the firing and resolved alerts, and when.</summary>
public sealed record NotificationEntry(IReadOnlySet<ulong> Firing, IReadOnlySet<ulong> Resolved, DateTimeOffset Timestamp);

/// <summary>
/// The router's state in SQLite: the notification log (Alertmanager's nflog) and, beside it, the silences. The log holds, per group key, receiver and integration, the alerts of
/// the last successful notification. The dedup step reads it, so a restart neither repeats a notification that
/// went out nor forgets that one is due. Entries expire after the retention (Alertmanager's 120 h).
/// </summary>
public sealed class NotificationLog : IDisposable
{
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromHours(120);

    private readonly SqliteConnection _db;
    private readonly Lock _lock = new();

    private NotificationLog(SqliteConnection db)
    {
        _db = db;
        Silences = new SilenceStore(db, _lock);
        Alerts = new AlertStore(db, _lock);
    }

    /// <summary>The router's alerts, kept in the same database.</summary>
    public AlertStore Alerts { get; }

    /// <summary>The silences, kept in the same database.</summary>
    public SilenceStore Silences { get; }

    public static NotificationLog Open(string path)
    {
        SqliteProvider.EnsureInitialized();
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS nflog (
                group_key   TEXT NOT NULL,
                receiver    TEXT NOT NULL,
                integration TEXT NOT NULL,
                firing      TEXT NOT NULL,
                resolved    TEXT NOT NULL,
                timestamp   INTEGER NOT NULL,
                expires     INTEGER NOT NULL,
                PRIMARY KEY (group_key, receiver, integration)
            ) WITHOUT ROWID;
            """;
        cmd.ExecuteNonQuery();
        return new NotificationLog(db);
    }

    public NotificationEntry? Query(string groupKey, string receiver, string integration)
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT firing, resolved, timestamp FROM nflog WHERE group_key=$g AND receiver=$r AND integration=$i";
            cmd.Parameters.AddWithValue("$g", groupKey);
            cmd.Parameters.AddWithValue("$r", receiver);
            cmd.Parameters.AddWithValue("$i", integration);
            using var r = cmd.ExecuteReader();
            if (!r.Read()) return null;
            return new NotificationEntry(ParseSet(r.GetString(0)), ParseSet(r.GetString(1)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)));
        }
    }

    public void Log(string groupKey, string receiver, string integration, IEnumerable<ulong> firing, IEnumerable<ulong> resolved,
        DateTimeOffset at, TimeSpan retention)
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = """
                INSERT INTO nflog(group_key, receiver, integration, firing, resolved, timestamp, expires)
                VALUES($g, $r, $i, $f, $s, $t, $e)
                ON CONFLICT(group_key, receiver, integration) DO UPDATE SET
                    firing=excluded.firing, resolved=excluded.resolved, timestamp=excluded.timestamp, expires=excluded.expires
                """;
            cmd.Parameters.AddWithValue("$g", groupKey);
            cmd.Parameters.AddWithValue("$r", receiver);
            cmd.Parameters.AddWithValue("$i", integration);
            cmd.Parameters.AddWithValue("$f", FormatSet(firing));
            cmd.Parameters.AddWithValue("$s", FormatSet(resolved));
            cmd.Parameters.AddWithValue("$t", at.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$e", (at + retention).ToUnixTimeMilliseconds());
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Deletes expired entries; returns how many.</summary>
    public int GarbageCollect(DateTimeOffset now)
    {
        Silences.GarbageCollect(now, DefaultRetention);
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "DELETE FROM nflog WHERE expires <= $now";
            cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            return cmd.ExecuteNonQuery();
        }
    }

    private static string FormatSet(IEnumerable<ulong> set) => string.Join(",", set.Order().Select(Fingerprints.Format));

    private static HashSet<ulong> ParseSet(string text) =>
        text.Length == 0 ? [] : text.Split(',').Select(s => ulong.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToHashSet();

    public void Dispose()
    {
        lock (_lock) _db.Dispose();
    }
}
