using System.Text;
using Microsoft.Data.Sqlite;
using Mlobs.Model.Labels;

namespace Mlobs.Storage.Logs;

/// <summary>
/// Log lines in SQLite (<c>logstore.sqlite</c> in the data dir), laid out as Loki lays out chunks:
/// <list type="bullet">
/// <item>streams (label sets) in <c>streams</c>;</item>
/// <item>new lines in <c>head</c>, a row each, committed with the tailer's file positions in one transaction (so a
/// crash loses at most the batch in flight and a restart neither loses nor repeats a line);</item>
/// <item>once the head holds a few MiB or has waited a few minutes, its lines move, per stream and in time order, into
/// deflate-compressed blocks (<see cref="LogBlock"/>) in time partitions (<see cref="LogPartition"/>), each block's text
/// indexed by trigram (<see cref="LogTextIndex"/>) so substring filters read only blocks that can match.</item>
/// </list>
/// Writes go through one connection under a lock; each scan reads from its own pooled connection inside one read
/// transaction, so it sees a consistent snapshot (never a line twice while the head is flushed) and does not hold up
/// ingestion.
/// </summary>
public sealed partial class LogStore : ILogQueryable, IDisposable
{
    private readonly SqliteConnection _db;
    private readonly string _readerConnectionString;
    private readonly string _path;
    private readonly Lock _writeLock = new();
    private readonly Dictionary<LabelSet, long> _streamIds = new();
    // Streams by id, and an inverted index label → value → stream ids (the TSDB's postings index), so a selector
    // narrows to candidate streams before its matchers are checked, as series selection does.
    private readonly Dictionary<long, LabelSet> _streamsById = new();
    private readonly Tsdb.Index.PostingsIndex _streamIndex = new();
    private readonly Lock _streamIndexLock = new();
    private readonly List<LogPartition> _partitions = [];
    private Timer? _maintenance;
    private bool _disposed;

    public LogStoreOptions Options { get; }

    private LogStore(SqliteConnection db, string path, LogStoreOptions options)
    {
        _db = db;
        _path = path;
        Options = options;
        _readerConnectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
    }

    public static LogStore Open(string path, LogStoreOptions? options = null)
    {
        Tsdb.Sqlite.SqliteProvider.EnsureInitialized();
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        try
        {
            Execute(db, "PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
            bool legacy = Scalar(db, "SELECT count(*) FROM sqlite_master WHERE name='entries'") > 0;
            Execute(db, """
                CREATE TABLE IF NOT EXISTS streams(id INTEGER PRIMARY KEY, labels TEXT NOT NULL UNIQUE);
                CREATE TABLE IF NOT EXISTS head(id INTEGER PRIMARY KEY, stream_id INTEGER NOT NULL, ts INTEGER NOT NULL, line TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS partitions(start_ns INTEGER PRIMARY KEY, end_ns INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS positions(path TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, offset INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS tailed_files(identity TEXT PRIMARY KEY, path TEXT NOT NULL, fingerprint TEXT NOT NULL, offset INTEGER NOT NULL);
                """);
            if (legacy) MigrateRowPerLineLayout(db);
            var store = new LogStore(db, path, options ?? new LogStoreOptions());
            store.Load();
            return store;
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The first layout kept every line as a row with a trigram index per line (several times the text's size): its
    /// lines move into the head, to be flushed into blocks, and the file is compacted once.
    /// </summary>
    private static void MigrateRowPerLineLayout(SqliteConnection db)
    {
        using (var tx = db.BeginTransaction())
        {
            Execute(db, "INSERT INTO head(stream_id, ts, line) SELECT stream_id, ts, line FROM entries ORDER BY id; DROP TABLE IF EXISTS entries_fts; DROP TABLE entries;", tx);
            tx.Commit();
        }
        Execute(db, "PRAGMA auto_vacuum=INCREMENTAL; VACUUM;");
    }

    private void Load()
    {
        using (var cmd = _db.CreateCommand())
        {
            cmd.CommandText = "SELECT id, labels FROM streams ORDER BY id";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var labels = DecodeLabels(r.GetString(1));
                _streamIds[labels] = r.GetInt64(0);
                IndexStream(r.GetInt64(0), labels);
            }
        }
        _partitions.AddRange(ReadPartitions(_db, null));
        LoadNewest();
        _headBytes = Scalar(_db, "SELECT coalesce(sum(length(CAST(line AS BLOB))), 0) FROM head");
        if (_headBytes > 0) _headSince = DateTime.UtcNow;
    }

    private static List<LogPartition> ReadPartitions(SqliteConnection db, SqliteTransaction? tx)
    {
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT start_ns, end_ns FROM partitions ORDER BY start_ns";
        using var r = cmd.ExecuteReader();
        var result = new List<LogPartition>();
        while (r.Read()) result.Add(new LogPartition(r.GetInt64(0), r.GetInt64(1)));
        return result;
    }

    /// <summary>Flushes an aged head and applies retention, every second / minute, on a timer; errors go to <see cref="MaintenanceError"/>.</summary>
    public void StartMaintenance(TimeSpan? retentionInterval = null)
    {
        var every = retentionInterval ?? TimeSpan.FromMinutes(1);
        var lastRetention = DateTime.MinValue;
        _maintenance ??= new Timer(_ =>
        {
            try
            {
                FlushIfAged();
                if (DateTime.UtcNow - lastRetention < every) return;
                lastRetention = DateTime.UtcNow;
                ApplyRetention(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000);
            }
            catch (Exception ex)
            {
                MaintenanceError?.Invoke(ex);
            }
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Raised with errors from background maintenance, which never throws out of the timer.</summary>
    public event Action<Exception>? MaintenanceError;

    /// <summary>
    /// Where each tailed file was read up to, as last stored: by file identity, plus the positions older builds kept
    /// by path (no identity; used once, for a file at that path whose first line still matches).
    /// </summary>
    public List<FilePosition> Positions()
    {
        lock (_writeLock)
        {
            var result = new List<FilePosition>();
            using (var cmd = _db.CreateCommand())
            {
                cmd.CommandText = "SELECT path, fingerprint, offset, identity FROM tailed_files";
                using var r = cmd.ExecuteReader();
                while (r.Read()) result.Add(new FilePosition(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3)));
            }
            using (var cmd = _db.CreateCommand())
            {
                cmd.CommandText = "SELECT path, fingerprint, offset FROM positions";
                using var r = cmd.ExecuteReader();
                while (r.Read()) result.Add(new FilePosition(r.GetString(0), r.GetString(1), r.GetInt64(2)));
            }
            return result;
        }
    }

    /// <summary>Forgets the positions of files no longer tailed (drained after rotation, or gone while mlobs was down).</summary>
    public void ForgetPositions(IEnumerable<string> identities)
    {
        lock (_writeLock)
        {
            using var tx = _db.BeginTransaction();
            using var cmd = _db.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "DELETE FROM tailed_files WHERE identity = $i";
            var p = cmd.Parameters.Add("$i", SqliteType.Text);
            foreach (var identity in identities)
            {
                p.Value = identity;
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }

    /// <summary>Label names over all streams.</summary>
    public IReadOnlyList<string> LabelNames()
    {
        lock (_streamIndexLock) return _streamIndex.LabelNames.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>One label's values over all streams.</summary>
    public IReadOnlyList<string> LabelValues(string name)
    {
        lock (_streamIndexLock) return _streamIndex.LabelValues(name).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The streams whose labels satisfy every matcher, by id: candidates from the index, each then checked.</summary>
    private Dictionary<long, LabelSet> MatchingStreams(LabelMatcher[] matchers)
    {
        lock (_streamIndexLock)
        {
            var candidates = _streamIndex.Candidates(matchers);
            var result = new Dictionary<long, LabelSet>();
            foreach (long id in candidates is null ? _streamsById.Keys : candidates.Select(c => (long)c))
            {
                var labels = _streamsById[id];
                if (LabelMatcher.MatchAll(matchers, labels)) result[id] = labels;
            }
            return result;
        }
    }

    private void IndexStream(long id, LabelSet labels)
    {
        lock (_streamIndexLock)
        {
            _streamsById[id] = labels;
            _streamIndex.Add((ulong)id, labels);
        }
    }

    /// <summary>Bytes of the store's files (database, WAL and shared memory).</summary>
    public long DiskBytes()
    {
        long total = 0;
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            var f = new FileInfo(_path + suffix);
            if (f.Exists) total += f.Length;
        }
        return total;
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

    private static void Execute(SqliteConnection db, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection db, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        _maintenance?.Dispose();
        lock (_writeLock)
        {
            if (_disposed) return;
            try { FlushHead(); }
            finally
            {
                _disposed = true;
                _db.Dispose();
                using var reader = new SqliteConnection(_readerConnectionString);
                SqliteConnection.ClearPool(reader);
            }
        }
    }
}
