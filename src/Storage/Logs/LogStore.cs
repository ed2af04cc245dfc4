using System.Text;
using Microsoft.Data.Sqlite;
using Mlobs.Storage.Labels;

namespace Mlobs.Storage.Logs;

/// <summary>
/// Log lines in SQLite (<c>logstore.sqlite</c> in the data dir): streams by label set, lines by stream and time, and
/// an FTS5 trigram index so substring filters (<c>|= "timeout"</c>) narrow the scan to lines that contain the text.
/// A batch is one transaction, so a crash loses at most the batch in flight. Queries select streams by label
/// matchers, then walk their lines newest (or oldest) first, applying line filters, up to a limit.
/// </summary>
public sealed class LogStore : ILogQueryable, IDisposable
{
    private readonly SqliteConnection _db;
    private readonly Lock _lock = new();
    private readonly Dictionary<LabelSet, long> _streamIds = new();
    private readonly List<(long Id, LabelSet Labels)> _streams = [];

    private LogStore(SqliteConnection db) { _db = db; }

    public static LogStore Open(string path)
    {
        Tsdb.Sqlite.SqliteProvider.EnsureInitialized();
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = """
                PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
                CREATE TABLE IF NOT EXISTS streams(id INTEGER PRIMARY KEY, labels TEXT NOT NULL UNIQUE);
                CREATE TABLE IF NOT EXISTS entries(id INTEGER PRIMARY KEY, stream_id INTEGER NOT NULL, ts INTEGER NOT NULL, line TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS entries_stream_ts ON entries(stream_id, ts);
                CREATE VIRTUAL TABLE IF NOT EXISTS entries_fts USING fts5(line, content='entries', content_rowid='id', tokenize='trigram');
                CREATE TABLE IF NOT EXISTS positions(path TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, offset INTEGER NOT NULL);
                """;
            cmd.ExecuteNonQuery();
        }
        var store = new LogStore(db);
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = "SELECT id, labels FROM streams";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var labels = DecodeLabels(r.GetString(1));
                store._streamIds[labels] = r.GetInt64(0);
                store._streams.Add((r.GetInt64(0), labels));
            }
        }
        return store;
    }

    /// <summary>
    /// Stores a batch of lines in one transaction, with the file positions they were read up to: a restart resumes
    /// exactly after the last stored line, neither losing nor repeating one.
    /// </summary>
    public void Append(IReadOnlyList<LogEntry> entries, IReadOnlyList<FilePosition>? positions = null)
    {
        if (entries.Count == 0 && (positions is null || positions.Count == 0)) return;
        lock (_lock)
        {
            using var tx = _db.BeginTransaction();
            if (positions is { Count: > 0 })
            {
                using var save = _db.CreateCommand();
                save.Transaction = tx;
                save.CommandText = "INSERT INTO positions(path, fingerprint, offset) VALUES ($p, $f, $o) ON CONFLICT(path) DO UPDATE SET fingerprint=excluded.fingerprint, offset=excluded.offset";
                var pp = save.Parameters.Add("$p", SqliteType.Text);
                var pf = save.Parameters.Add("$f", SqliteType.Text);
                var po = save.Parameters.Add("$o", SqliteType.Integer);
                foreach (var pos in positions)
                {
                    pp.Value = pos.Path;
                    pf.Value = pos.Fingerprint;
                    po.Value = pos.Offset;
                    save.ExecuteNonQuery();
                }
            }
            using var insert = _db.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO entries(stream_id, ts, line) VALUES ($s, $t, $l); INSERT INTO entries_fts(rowid, line) VALUES (last_insert_rowid(), $l);";
            var s = insert.Parameters.Add("$s", SqliteType.Integer);
            var t = insert.Parameters.Add("$t", SqliteType.Integer);
            var l = insert.Parameters.Add("$l", SqliteType.Text);
            var added = new List<(long, LabelSet)>();
            foreach (var e in entries)
            {
                s.Value = StreamId(e.Stream, tx, added);
                t.Value = e.TimestampNs;
                l.Value = e.Line;
                insert.ExecuteNonQuery();
            }
            tx.Commit();
            _streams.AddRange(added);
        }
    }

    private long StreamId(LabelSet labels, SqliteTransaction tx, List<(long, LabelSet)> added)
    {
        if (_streamIds.TryGetValue(labels, out long id)) return id;
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO streams(labels) VALUES ($l) RETURNING id";
        cmd.Parameters.AddWithValue("$l", EncodeLabels(labels));
        id = (long)cmd.ExecuteScalar()!;
        _streamIds[labels] = id;
        added.Add((id, labels));
        return id;
    }

    /// <summary>
    /// Walks the lines of the streams matching every matcher, in [startNs, endNs], newest first when
    /// <paramref name="backward"/>, until <paramref name="visit"/> returns false. <paramref name="mustContain"/> (at
    /// least 3 characters) narrows the walk to lines containing that text, through the full-text index.
    /// </summary>
    public void Scan(LabelMatcher[] matchers, long startNs, long endNs, bool backward, Func<LogEntry, bool> visit, string? mustContain = null)
    {
        lock (_lock)
        {
            var streams = _streams.Where(s => matchers.All(m => m.Matches(s.Labels.Get(m.Name) ?? ""))).ToDictionary(s => s.Id, s => s.Labels);
            if (streams.Count == 0) return;
            using var cmd = _db.CreateCommand();
            var sql = new StringBuilder("SELECT e.stream_id, e.ts, e.line FROM entries e WHERE e.ts >= $start AND e.ts <= $end AND e.stream_id IN (")
                .Append(string.Join(",", streams.Keys)).Append(')');
            if (mustContain is { Length: >= 3 })
            {
                sql.Append(" AND e.id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH $match)");
                cmd.Parameters.AddWithValue("$match", "\"" + mustContain.Replace("\"", "\"\"") + "\"");
            }
            sql.Append(backward ? " ORDER BY e.ts DESC, e.id DESC" : " ORDER BY e.ts, e.id");
            cmd.CommandText = sql.ToString();
            cmd.Parameters.AddWithValue("$start", startNs);
            cmd.Parameters.AddWithValue("$end", endNs);
            using var r = cmd.ExecuteReader();
            while (r.Read())
                if (!visit(new LogEntry(streams[r.GetInt64(0)], r.GetInt64(1), r.GetString(2)))) return;
        }
    }

    /// <summary>Up to <paramref name="limit"/> lines that <paramref name="process"/> keeps (returning the entry to give back, or null).</summary>
    public List<LogEntry> Select(LabelMatcher[] matchers, long startNs, long endNs, int limit, bool backward, Func<LogEntry, LogEntry?> process, string? mustContain = null)
    {
        var result = new List<LogEntry>();
        if (limit <= 0) return result;
        Scan(matchers, startNs, endNs, backward, e =>
        {
            if (process(e) is { } kept) result.Add(kept);
            return result.Count < limit;
        }, mustContain);
        return result;
    }

    /// <summary>Up to <paramref name="limit"/> lines whose text passes <paramref name="keep"/>.</summary>
    public List<LogEntry> Select(LabelMatcher[] matchers, long startNs, long endNs, int limit, bool backward, Func<string, bool> keep, string? mustContain = null) =>
        Select(matchers, startNs, endNs, limit, backward, e => keep(e.Line) ? e : null, mustContain);

    /// <summary>Where each tailed file was read up to, as last stored.</summary>
    public Dictionary<string, FilePosition> Positions()
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT path, fingerprint, offset FROM positions";
            using var r = cmd.ExecuteReader();
            var result = new Dictionary<string, FilePosition>(StringComparer.Ordinal);
            while (r.Read()) result[r.GetString(0)] = new FilePosition(r.GetString(0), r.GetString(1), r.GetInt64(2));
            return result;
        }
    }

    /// <summary>Label names, or one label's values, over all streams (Loki's /labels and /label/x/values).</summary>
    public IReadOnlyList<string> LabelNames()
    {
        lock (_lock) return _streams.SelectMany(s => s.Labels.AsSpan().ToArray().Select(l => l.Name)).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<string> LabelValues(string name)
    {
        lock (_lock) return _streams.Select(s => s.Labels.Get(name)).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
    }

    // Streams' labels as name\0value\0...: unambiguous, and read back without a parser.
    private static string EncodeLabels(LabelSet labels)
    {
        var sb = new StringBuilder();
        foreach (var l in labels.AsSpan()) sb.Append(l.Name).Append('\0').Append(l.Value).Append('\0');
        return sb.ToString();
    }

    private static LabelSet DecodeLabels(string text)
    {
        var parts = text.Split('\0');
        var pairs = new List<(string, string)>();
        for (int i = 0; i + 1 < parts.Length; i += 2) pairs.Add((parts[i], parts[i + 1]));
        return LabelSet.From(pairs.ToArray());
    }

    public void Dispose()
    {
        lock (_lock) _db.Dispose();
    }
}
