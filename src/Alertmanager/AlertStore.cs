using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Mlobs.Model.Labels;

namespace Mlobs.Alertmanager;

/// <summary>
/// The router's alerts, persisted beside the notification log so a restart does not forget them: an alert that
/// was firing comes back, and one whose end time passes while mlobs is down is notified as resolved afterwards
/// (the rule engine does not re-send alerts that resolved before the restart).
/// </summary>
public sealed class AlertStore
{
    private readonly SqliteConnection _db;
    private readonly Lock _lock;

    internal AlertStore(SqliteConnection db, Lock dbLock)
    {
        _db = db;
        _lock = dbLock;
        using var cmd = _db.CreateCommand();
        cmd.CommandText = """
            CREATE TABLE IF NOT EXISTS alerts (
                fingerprint INTEGER PRIMARY KEY, labels TEXT NOT NULL, annotations TEXT NOT NULL, starts_at INTEGER NOT NULL,
                ends_at INTEGER NOT NULL, generator_url TEXT NOT NULL, updated_at INTEGER NOT NULL
            );
            """;
        cmd.ExecuteNonQuery();
    }

    public void Save(IEnumerable<RouterAlert> alerts)
    {
        lock (_lock)
        {
            using var tx = _db.BeginTransaction();
            using var cmd = _db.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO alerts(fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at)
                VALUES($f, $l, $a, $s, $e, $g, $u)
                ON CONFLICT(fingerprint) DO UPDATE SET labels=excluded.labels, annotations=excluded.annotations,
                    starts_at=excluded.starts_at, ends_at=excluded.ends_at, generator_url=excluded.generator_url, updated_at=excluded.updated_at
                """;
            var f = cmd.Parameters.Add("$f", SqliteType.Integer);
            var l = cmd.Parameters.Add("$l", SqliteType.Text);
            var a = cmd.Parameters.Add("$a", SqliteType.Text);
            var s = cmd.Parameters.Add("$s", SqliteType.Integer);
            var e = cmd.Parameters.Add("$e", SqliteType.Integer);
            var g = cmd.Parameters.Add("$g", SqliteType.Text);
            var u = cmd.Parameters.Add("$u", SqliteType.Integer);
            foreach (var alert in alerts)
            {
                f.Value = unchecked((long)alert.Fingerprint);
                l.Value = WriteMap(alert.Labels.AsSpan().ToArray().Select(x => (x.Name, x.Value)));
                a.Value = WriteMap(alert.Annotations.Select(kv => (kv.Key, kv.Value)));
                s.Value = alert.StartsAt.ToUnixTimeMilliseconds();
                e.Value = alert.EndsAt.ToUnixTimeMilliseconds();
                g.Value = alert.GeneratorUrl;
                u.Value = alert.UpdatedAt.ToUnixTimeMilliseconds();
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }

    public void Delete(IEnumerable<ulong> fingerprints)
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "DELETE FROM alerts WHERE fingerprint=$f";
            var f = cmd.Parameters.Add("$f", SqliteType.Integer);
            foreach (var fp in fingerprints)
            {
                f.Value = unchecked((long)fp);
                cmd.ExecuteNonQuery();
            }
        }
    }

    public List<RouterAlert> LoadAll()
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT labels, annotations, starts_at, ends_at, generator_url, updated_at FROM alerts";
            using var r = cmd.ExecuteReader();
            var result = new List<RouterAlert>();
            while (r.Read())
            {
                var labels = LabelSet.From(ReadMap(r.GetString(0)).Select(kv => new Label(kv.Key, kv.Value)));
                result.Add(new RouterAlert(labels, ReadMap(r.GetString(1)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
                    DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)), r.GetString(4), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5))));
            }
            return result;
        }
    }

    private static string WriteMap(IEnumerable<(string Key, string Value)> pairs) =>
        Encoding.UTF8.GetString(IntegrationHttp.Json(w =>
        {
            w.WriteStartObject();
            foreach (var (k, v) in pairs) w.WriteString(k, v);
            w.WriteEndObject();
        }));

    private static Dictionary<string, string> ReadMap(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
    }
}
