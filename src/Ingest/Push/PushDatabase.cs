using System.Text;
using Microsoft.Data.Sqlite;
using Mlobs.Ingest.Scrape;
using Mlobs.Model.Labels;
using Mlobs.Storage.Tsdb.Sqlite;

namespace Mlobs.Ingest.Push;

/// <summary>
/// The pushed groups in SQLite (<c>pushgateway.sqlite</c> in the data dir), so they survive a restart. Each push is
/// written in its own transaction before it is acknowledged (the Pushgateway writes its file at most every 5 minutes
/// and loses what came after). A family is kept as its text exposition, which <see cref="PushTextParser"/> reads back.
/// </summary>
public sealed class PushDatabase : IDisposable
{
    private readonly SqliteConnection _db;

    private PushDatabase(SqliteConnection db) => _db = db;

    public static PushDatabase Open(string path)
    {
        SqliteProvider.EnsureInitialized();
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS push_groups (
                grouping_key TEXT PRIMARY KEY,
                labels       TEXT NOT NULL,
                created_ticks   INTEGER NOT NULL,
                push_ticks      INTEGER,
                failure_ticks   INTEGER
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS push_families (
                grouping_key TEXT NOT NULL,
                name         TEXT NOT NULL,
                pushed_ticks    INTEGER NOT NULL,
                exposition   TEXT NOT NULL,
                PRIMARY KEY (grouping_key, name)
            ) WITHOUT ROWID;
            """;
        cmd.ExecuteNonQuery();
        return new PushDatabase(db);
    }

    /// <summary>Writes a group as it now is: its row, and its families replaced by <paramref name="group"/>'s.</summary>
    public void Save(PushGroup group)
    {
        using var tx = _db.BeginTransaction();
        using (var cmd = _db.CreateCommand())
        {
            cmd.CommandText = """
                INSERT INTO push_groups (grouping_key, labels, created_ticks, push_ticks, failure_ticks) VALUES ($k, $l, $c, $p, $f)
                ON CONFLICT (grouping_key) DO UPDATE SET push_ticks = excluded.push_ticks, failure_ticks = excluded.failure_ticks;
                DELETE FROM push_families WHERE grouping_key = $k;
                """;
            cmd.Parameters.AddWithValue("$k", group.Key.Key);
            cmd.Parameters.AddWithValue("$l", LabelBlock(group.Key.Labels));
            cmd.Parameters.AddWithValue("$c", group.Created.UtcTicks);
            cmd.Parameters.AddWithValue("$p", (object?)group.LastPush?.UtcTicks ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$f", (object?)group.LastFailure?.UtcTicks ?? DBNull.Value);
            cmd.ExecuteNonQuery();
        }
        using (var cmd = _db.CreateCommand())
        {
            cmd.CommandText = "INSERT INTO push_families (grouping_key, name, pushed_ticks, exposition) VALUES ($k, $n, $t, $e)";
            var k = cmd.Parameters.Add("$k", SqliteType.Text);
            var n = cmd.Parameters.Add("$n", SqliteType.Text);
            var t = cmd.Parameters.Add("$t", SqliteType.Integer);
            var e = cmd.Parameters.Add("$e", SqliteType.Text);
            k.Value = group.Key.Key;
            var sb = new StringBuilder();
            foreach (var tf in group.Families.Values)
            {
                sb.Clear();
                PushTextWriter.Write(sb, tf.Family);
                n.Value = tf.Family.Name;
                t.Value = tf.PushedAt.UtcTicks;
                e.Value = sb.ToString();
                cmd.ExecuteNonQuery();
            }
        }
        tx.Commit();
    }

    public void Delete(GroupingKey key)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "DELETE FROM push_families WHERE grouping_key = $k; DELETE FROM push_groups WHERE grouping_key = $k;";
        cmd.Parameters.AddWithValue("$k", key.Key);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Every stored group; a row that no longer parses is reported through <paramref name="onCorrupt"/> and skipped.</summary>
    public List<PushGroup> LoadAll(Action<string, Exception>? onCorrupt = null)
    {
        var families = new Dictionary<string, Dictionary<string, TimestampedFamily>>(StringComparer.Ordinal);
        using (var cmd = _db.CreateCommand())
        {
            cmd.CommandText = "SELECT grouping_key, name, pushed_ticks, exposition FROM push_families";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var key = r.GetString(0);
                try
                {
                    var parsed = PushTextParser.Parse(Encoding.UTF8.GetBytes(r.GetString(3)));
                    if (!parsed.TryGetValue(r.GetString(1), out var family)) continue;
                    if (!families.TryGetValue(key, out var map)) families[key] = map = new(StringComparer.Ordinal);
                    map[family.Name] = new TimestampedFamily(family, FromTicks(r.GetInt64(2)));
                }
                catch (PushRequestException ex) { onCorrupt?.Invoke(key, ex); }
            }
        }
        var groups = new List<PushGroup>();
        using (var cmd = _db.CreateCommand())
        {
            cmd.CommandText = "SELECT grouping_key, labels, created_ticks, push_ticks, failure_ticks FROM push_groups";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var stored = r.GetString(0);
                try
                {
                    var key = GroupingKey.FromLabels(ParseLabelBlock(r.GetString(1)));
                    groups.Add(new PushGroup(key,
                        families.TryGetValue(stored, out var map) ? map : new Dictionary<string, TimestampedFamily>(),
                        r.IsDBNull(3) ? null : FromTicks(r.GetInt64(3)),
                        r.IsDBNull(4) ? null : FromTicks(r.GetInt64(4)),
                        FromTicks(r.GetInt64(2)), 1));
                }
                catch (ExpositionParseException ex) { onCorrupt?.Invoke(stored, ex); }
            }
        }
        return groups;
    }

    /// <summary>Labels as the text format writes them (<c>{job="a",x="b"}</c>); read back by the exposition parser.</summary>
    private static string LabelBlock(Label[] labels)
    {
        var sb = new StringBuilder();
        PushTextWriter.Write(sb, new PushedFamily("g", "", MetricKind.Untyped, [new PushedMetric(labels, MetricKind.Untyped)]));
        var text = sb.ToString();
        int start = text.IndexOf("\ng", StringComparison.Ordinal) + 2;
        return text[start..text.LastIndexOf(' ')];
    }

    private static IEnumerable<Label> ParseLabelBlock(string block)
    {
        var body = Encoding.UTF8.GetBytes("g" + block + " 0\n");
        var parser = new ExpositionParser().Reset(body, body.Length, openMetrics: false);
        parser.Next();
        var labels = new List<Label>();
        parser.ReadLabels(labels);
        return labels.Where(l => l.Name != LabelSet.MetricName).ToArray();
    }

    /// <summary>Times are kept as .NET ticks (100 ns), so a group reads back exactly as it was pushed.</summary>
    private static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);

    public void Dispose() => _db.Dispose();
}
