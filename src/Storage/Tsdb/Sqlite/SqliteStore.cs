using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Mlobs.Storage.Tsdb.Sqlite;

/// <summary>
/// The TSDB's SQLite file: schema, one writer connection with prepared statements, and a pool of reader
/// connections (WAL mode lets readers run beside the writer). Layout documented in src/Storage/FORMAT.md.
/// </summary>
internal sealed class SqliteStore : IDisposable
{
    public const int SchemaVersion = 1;
    private readonly WriteStatement[] _all;

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly ConcurrentBag<SqliteConnection> _readers = new();
    private readonly WriteStatement _begin, _commit, _rollback;
    private readonly WriteStatement _insertSymbol, _insertSeries, _insertChunks, _insertWal, _saveHead, _deleteWal;

    public SqliteStore(string path, int pageSize)
    {
        SqliteProvider.EnsureInitialized();
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        bool isNew = !File.Exists(path) || new FileInfo(path).Length == 0;
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        // A new file is created without fsyncs (a dozen on this VM, ~10 ms of start-up): until the schema exists
        // there is nothing a power cut could lose. Every later write runs with synchronous=NORMAL.
        if (isNew) Exec("PRAGMA synchronous=OFF;");
        // page_size and auto_vacuum only take effect on a new file (before the first table).
        Exec($"PRAGMA page_size={pageSize}; PRAGMA auto_vacuum=INCREMENTAL;");
        Exec("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=256; " +
             "PRAGMA journal_size_limit=1048576; PRAGMA cache_size=-1024; PRAGMA temp_store=MEMORY;");
        Exec("""
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS symbols(id INTEGER PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS series(id INTEGER PRIMARY KEY, labels BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS chunks(id INTEGER PRIMARY KEY, series_id INTEGER NOT NULL,
                min_time INTEGER NOT NULL, max_time INTEGER NOT NULL, data BLOB NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS chunks_by_series ON chunks(series_id, min_time);
            CREATE TABLE IF NOT EXISTS head(id INTEGER PRIMARY KEY CHECK (id = 1), wal_seq INTEGER NOT NULL, data BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS wal(seq INTEGER PRIMARY KEY, data BLOB NOT NULL);
            """);
        var version = ScalarString("SELECT value FROM meta WHERE key='schema_version'");
        if (version is null)
            Exec($"INSERT INTO meta(key, value) VALUES('schema_version', '{SchemaVersion}')");
        else if (version != SchemaVersion.ToString())
            throw new InvalidDataException($"{path}: schema version {version} is not supported (this build reads {SchemaVersion})");
        Exec("PRAGMA synchronous=NORMAL;");

        _insertSymbol = Prepare("INSERT OR REPLACE INTO symbols(id, value) VALUES($a, $b)");
        _insertSeries = Prepare("INSERT OR REPLACE INTO series(id, labels) VALUES($a, $b)");
        // OR IGNORE: replaying the WAL after a crash may rebuild a group that was already written.
        _insertChunks = Prepare("INSERT OR IGNORE INTO chunks(series_id, min_time, max_time, data) VALUES($a, $b, $c, $d)");
        _insertWal = Prepare("INSERT INTO wal(seq, data) VALUES($a, $b)");
        _saveHead = Prepare("INSERT OR REPLACE INTO head(id, wal_seq, data) VALUES(1, $a, zeroblob($b))");
        _deleteWal = Prepare("DELETE FROM wal WHERE seq <= $a");
        _begin = Prepare("BEGIN");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
        _all = [_begin, _commit, _rollback, _insertSymbol, _insertSeries, _insertChunks, _insertWal, _saveHead, _deleteWal];
    }

    public string Path { get; }

    /// <summary>Opens a transaction on the writer connection; every write of the store below joins it.</summary>
    public WriteTransaction BeginTransaction()
    {
        _begin.Execute();
        return new WriteTransaction(this);
    }

    internal void CommitTransaction() => _commit.Execute();

    internal void RollbackIfOpen()
    {
        if (SQLitePCL.raw.sqlite3_get_autocommit(_writer.Handle) == 0) _rollback.Execute();
    }

    public void InsertSymbol(int id, string value) => _insertSymbol.Bind(1, id).Bind(2, value).Execute();
    public void InsertSeries(ulong id, ReadOnlySpan<byte> labels) => _insertSeries.Bind(1, (long)id).Bind(2, labels).Execute();
    public void InsertChunkGroup(ulong seriesId, long minTime, long maxTime, ReadOnlySpan<byte> data) =>
        _insertChunks.Bind(1, (long)seriesId).Bind(2, minTime).Bind(3, maxTime).Bind(4, data).Execute();
    public void InsertWal(long seq, ReadOnlySpan<byte> data) => _insertWal.Bind(1, seq).Bind(2, data).Execute();
    /// <summary>
    /// Replaces the head snapshot row: allocates a blob of the given size, then lets the caller stream the bytes
    /// into it with incremental blob I/O (no multi-megabyte byte[]). Returns the bytes the writer wrote.
    /// </summary>
    public long SaveHead(long walSeq, long size, Func<Stream, long> write)
    {
        _saveHead.Bind(1, walSeq).Bind(2, size).Execute();
        using var blob = new SqliteBlob(_writer, "head", "data", 1);
        return write(blob);
    }
    public void DeleteWalUpTo(long seq) => _deleteWal.Bind(1, seq).Execute();

    public IEnumerable<(int Id, string Value)> LoadSymbols()
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "SELECT id, value FROM symbols";
        using var r = cmd.ExecuteReader();
        while (r.Read()) yield return ((int)r.GetInt64(0), r.GetString(1));
    }

    public IEnumerable<(ulong Id, byte[] Labels)> LoadSeries()
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "SELECT id, labels FROM series ORDER BY id";
        using var r = cmd.ExecuteReader();
        while (r.Read()) yield return ((ulong)r.GetInt64(0), (byte[])r.GetValue(1));
    }

    public IEnumerable<(ulong SeriesId, long MinTime)> LoadOldestChunkTimes()
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "SELECT series_id, MIN(min_time) FROM chunks GROUP BY series_id";
        using var r = cmd.ExecuteReader();
        while (r.Read()) yield return ((ulong)r.GetInt64(0), r.GetInt64(1));
    }

    public (long WalSeq, byte[] Data)? LoadHead()
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "SELECT wal_seq, data FROM head WHERE id = 1";
        using var r = cmd.ExecuteReader();
        return r.Read() ? (r.GetInt64(0), (byte[])r.GetValue(1)) : null;
    }

    public IEnumerable<(long Seq, byte[] Data)> LoadWal(long afterSeq)
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "SELECT seq, data FROM wal WHERE seq > $a ORDER BY seq";
        cmd.Parameters.AddWithValue("$a", afterSeq);
        using var r = cmd.ExecuteReader();
        while (r.Read()) yield return (r.GetInt64(0), (byte[])r.GetValue(1));
    }

    /// <summary>Deletes a series' chunks that end before the cutoff; returns the number deleted.</summary>
    public int DeleteChunksBefore(ulong seriesId, long cutoff)
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "DELETE FROM chunks WHERE series_id=$a AND min_time < $b AND max_time < $b";
        cmd.Parameters.AddWithValue("$a", (long)seriesId);
        cmd.Parameters.AddWithValue("$b", cutoff);
        return cmd.ExecuteNonQuery();
    }

    public long? OldestChunkTime(ulong seriesId)
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "SELECT MIN(min_time) FROM chunks WHERE series_id=$a";
        cmd.Parameters.AddWithValue("$a", (long)seriesId);
        var v = cmd.ExecuteScalar();
        return v is long l ? l : null;
    }

    public void DeleteSeries(ulong seriesId)
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "DELETE FROM series WHERE id=$a; DELETE FROM chunks WHERE series_id=$a;";
        cmd.Parameters.AddWithValue("$a", (long)seriesId);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Bytes in use by live pages (excludes the free list), for size-based retention.</summary>
    public long UsedBytes()
    {
        long pageSize = ScalarLong("PRAGMA page_size");
        return (ScalarLong("PRAGMA page_count") - ScalarLong("PRAGMA freelist_count")) * pageSize;
    }

    public void IncrementalVacuum() => Exec("PRAGMA incremental_vacuum;");
    public void CheckpointWal() => Exec("PRAGMA wal_checkpoint(TRUNCATE);");

    public SqliteConnection RentReader()
    {
        if (_readers.TryTake(out var c)) return c;
        c = new SqliteConnection(_connectionString + ";Mode=ReadOnly");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA cache_size=-2048;";
        cmd.ExecuteNonQuery();
        return c;
    }

    public void ReturnReader(SqliteConnection c)
    {
        if (_readers.Count < 4) _readers.Add(c); else c.Dispose();
    }

    public void Dispose()
    {
        foreach (var cmd in _all) cmd.Dispose();
        while (_readers.TryTake(out var c)) c.Dispose();
        try { CheckpointWal(); } catch (SqliteException) { /* closing anyway */ }
        _writer.Dispose();
    }

    private WriteStatement Prepare(string sql) => new(_writer.Handle!, sql);

    private void Exec(string sql)
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private long ScalarLong(string sql)
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private string? ScalarString(string sql)
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar() as string;
    }
}
