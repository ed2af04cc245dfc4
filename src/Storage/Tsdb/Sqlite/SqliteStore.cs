using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Mlobs.Storage.Tsdb.Sqlite;

/// <summary>
/// The TSDB's SQLite file: schema, one writer connection with prepared statements, and a pool of reader
/// connections (WAL mode lets readers run beside the writer). Layout documented in src/Storage/FORMAT.md.
/// Statements on the writer run only under the database's write lock.
/// </summary>
internal sealed class SqliteStore : IDisposable
{
    public const int SchemaVersion = 2;
    private readonly WriteStatement[] _all;

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly ConcurrentBag<SqliteConnection> _readers = new();
    private readonly WriteStatement _begin, _commit, _rollback;
    private readonly WriteStatement _insertSymbol, _insertSeries, _insertChunks, _insertWal, _saveHead, _deleteWal;
    private readonly WriteStatement _widenBounds, _setCold, _insertPosting, _deletePosting, _deleteChunk, _groupStartsAt;

    // Writer statements number their parameters (?1, ?2...): WriteStatement binds by index, and SQLite numbers
    // named parameters by first appearance, not by name.
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
        bool hasSeriesTable = ScalarLong("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='series'") > 0;
        Exec("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;");
        var version = ScalarString("SELECT value FROM meta WHERE key='schema_version'");
        if (version is null && !hasSeriesTable)
        {
            CreateSchema();
            Exec($"INSERT INTO meta(key, value) VALUES('schema_version', '{SchemaVersion}')");
            version = SchemaVersion.ToString();
        }
        if (version == "1") NeedsMigrationFromV1 = true;
        else if (version != SchemaVersion.ToString())
            throw new InvalidDataException($"{path}: schema version {version ?? "(none)"} is not supported (this build reads {SchemaVersion} and migrates 1)");
        if (NeedsMigrationFromV1) SchemaMigration.AddV2Columns(_writer);
        Exec("PRAGMA synchronous=NORMAL;");

        _insertSymbol = Prepare("INSERT OR REPLACE INTO symbols(id, value) VALUES(?1, ?2)");
        _insertSeries = Prepare("INSERT INTO series(id, labels, min_time, max_time, cold) VALUES(?1, ?2, NULL, NULL, 0)");
        // A group that starts where one of the series already does is not dropped: the caller merges it (Backfill).
        // The rowid is chosen by the group's end time (ClusterKey), so a conflict may also be on the rowid.
        _insertChunks = Prepare("INSERT INTO chunks(id, series_id, min_time, max_time, data) VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING");
        _groupStartsAt = Prepare("SELECT 1 FROM chunks WHERE series_id = ?1 AND min_time = ?2");
        _insertWal = Prepare("INSERT INTO wal(seq, data) VALUES(?1, ?2)");
        _saveHead = Prepare("INSERT OR REPLACE INTO head(id, wal_seq, data) VALUES(1, ?1, zeroblob(?2))");
        _deleteWal = Prepare("DELETE FROM wal WHERE seq <= ?1");
        _widenBounds = Prepare("""
            UPDATE series SET
              min_time = CASE WHEN min_time IS NULL OR ?2 < min_time THEN ?2 ELSE min_time END,
              max_time = CASE WHEN max_time IS NULL OR ?3 > max_time THEN ?3 ELSE max_time END
            WHERE id = ?1
            """);
        _setCold = Prepare("UPDATE series SET cold = ?2 WHERE id = ?1");
        _insertPosting = Prepare("INSERT OR IGNORE INTO cold_postings(name, value, series_id) VALUES(?1, ?2, ?3)");
        _deletePosting = Prepare("DELETE FROM cold_postings WHERE name = ?1 AND value = ?2 AND series_id = ?3");
        _deleteChunk = Prepare("DELETE FROM chunks WHERE id = ?1");
        _begin = Prepare("BEGIN");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
        _all = [_begin, _commit, _rollback, _insertSymbol, _insertSeries, _insertChunks, _insertWal, _saveHead, _deleteWal,
            _widenBounds, _setCold, _insertPosting, _deletePosting, _deleteChunk, _groupStartsAt];
    }

    public string Path { get; }

    /// <summary>The file was written by schema version 1: the database finishes the migration once the head is loaded.</summary>
    public bool NeedsMigrationFromV1 { get; private set; }

    private void CreateSchema() => Exec("""
        CREATE TABLE IF NOT EXISTS symbols(id INTEGER PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS series(id INTEGER PRIMARY KEY, labels BLOB NOT NULL,
            min_time INTEGER, max_time INTEGER, cold INTEGER NOT NULL DEFAULT 0);
        CREATE UNIQUE INDEX IF NOT EXISTS series_by_labels ON series(labels) WHERE cold = 1;
        CREATE TABLE IF NOT EXISTS chunks(id INTEGER PRIMARY KEY, series_id INTEGER NOT NULL,
            min_time INTEGER NOT NULL, max_time INTEGER NOT NULL, data BLOB NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS chunks_by_series ON chunks(series_id, min_time);
        CREATE TABLE IF NOT EXISTS cold_postings(name INTEGER NOT NULL, value INTEGER NOT NULL, series_id INTEGER NOT NULL,
            PRIMARY KEY(name, value, series_id)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS head(id INTEGER PRIMARY KEY CHECK (id = 1), wal_seq INTEGER NOT NULL, data BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS wal(seq INTEGER PRIMARY KEY, data BLOB NOT NULL);
        """);

    /// <summary>Ends a v1 migration: label sets are unique now (duplicates merged by the caller); the file is v2.</summary>
    public void CompleteMigrationFromV1()
    {
        SchemaMigration.Complete(_writer, SchemaVersion);
        NeedsMigrationFromV1 = false;
    }

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

    /// <summary>Inserts a chunk group and widens the series' bounds; false (nothing written) when a group of the series already starts at minTime.</summary>
    public bool InsertChunkGroup(ulong seriesId, long minTime, long maxTime, ReadOnlySpan<byte> data)
    {
        var insert = _insertChunks.Bind(2, (long)seriesId).Bind(3, minTime).Bind(4, maxTime).Bind(5, data);
        if ((ClusterKey(maxTime) is { } key ? insert.Bind(1, key) : insert.BindNull(1)).Execute() == 0)
        {
            if (_groupStartsAt.Bind(1, (long)seriesId).Bind(2, minTime).Exists()) return false;
            // The rowid was taken after all (a key handed out by a transaction that rolled back is not reused, but
            // be safe): SQLite picks one.
            _insertChunks.BindNull(1).Bind(2, (long)seriesId).Bind(3, minTime).Bind(4, maxTime).Bind(5, data).Execute();
        }
        _widenBounds.Bind(1, (long)seriesId).Bind(2, minTime).Bind(3, maxTime).Execute();
        return true;
    }

    private const long ClusterHourMs = 3_600_000;

    /// <summary>Hours since the epoch, rounded down (negative before 1970); <see cref="SchemaMigration"/> computes the same in SQL.</summary>
    internal static long HourOf(long timeMs)
    {
        long hour = Math.DivRem(timeMs, ClusterHourMs, out long rem) - (rem < 0 ? 1 : 0);
        return Math.Clamp(hour, int.MinValue, int.MaxValue);
    }
    private readonly Dictionary<long, long> _nextKeyInHour = new();

    /// <summary>
    /// The rowid a group is stored under: the hour its last sample falls in (high 32 bits), then a sequence within
    /// that hour. Live ingest writes groups in time order, so each new row lands at the end of the table (dense
    /// pages, as with plain rowids); history imported a series at a time lands in the hours it covers. Either way the
    /// table is ordered by end time to the hour, so the groups retention deletes first share pages, which go back to the
    /// file system whole instead of every page being left a little emptier. Null outside the range (SQLite picks).
    /// </summary>
    private long? ClusterKey(long maxTime)
    {
        long hour = HourOf(maxTime);
        if (hour is < int.MinValue or >= int.MaxValue) return null;
        if (!_nextKeyInHour.TryGetValue(hour, out long next))
        {
            if (_nextKeyInHour.Count > 4096) _nextKeyInHour.Clear();
            using var cmd = _writer.CreateCommand();
            cmd.CommandText = "SELECT coalesce(MAX(id) + 1, $lo) FROM chunks WHERE id >= $lo AND id < $hi";
            cmd.Parameters.AddWithValue("$lo", hour << 32);
            cmd.Parameters.AddWithValue("$hi", (hour + 1) << 32);
            next = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        if (next >= (hour + 1) << 32) return null;
        _nextKeyInHour[hour] = next + 1;
        return next;
    }

    public void DeleteChunkGroup(long groupId) => _deleteChunk.Bind(1, groupId).Execute();

    /// <summary>Marks a series cold (found through cold_postings, not loaded into the head) or hot again.</summary>
    public void SetCold(ulong seriesId, bool cold) => _setCold.Bind(1, (long)seriesId).Bind(2, cold ? 1 : 0).Execute();

    public void InsertPosting(int nameSymbol, int valueSymbol, ulong seriesId) =>
        _insertPosting.Bind(1, nameSymbol).Bind(2, valueSymbol).Bind(3, (long)seriesId).Execute();

    public void DeletePosting(int nameSymbol, int valueSymbol, ulong seriesId) =>
        _deletePosting.Bind(1, nameSymbol).Bind(2, valueSymbol).Bind(3, (long)seriesId).Execute();

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

    /// <summary>A series row as the head needs it: labels and the bounds of its persisted groups (null when none).</summary>
    public readonly record struct SeriesRow(ulong Id, byte[] Labels, long? MinTime, long? MaxTime);

    /// <summary>The series the head loads at open: every series not cold (one pass over the table, in id order).</summary>
    public IEnumerable<SeriesRow> LoadHotSeries()
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "SELECT id, labels, min_time, max_time FROM series WHERE cold = 0";
        using var r = cmd.ExecuteReader();
        while (r.Read()) yield return ReadSeriesRow(r);
    }

    /// <summary>A cold series by its labels' bytes (head series are found in memory).</summary>
    public SeriesRow? FindColdSeries(ReadOnlySpan<byte> labels)
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "SELECT id, labels, min_time, max_time FROM series WHERE labels = $a AND cold = 1";
        cmd.Parameters.AddWithValue("$a", labels.ToArray());
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadSeriesRow(r) : null;
    }

    public SeriesRow? GetSeries(ulong id)
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "SELECT id, labels, min_time, max_time FROM series WHERE id = $a";
        cmd.Parameters.AddWithValue("$a", (long)id);
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadSeriesRow(r) : null;
    }

    internal static SeriesRow ReadSeriesRow(SqliteDataReader r) => new(
        (ulong)r.GetInt64(0), (byte[])r.GetValue(1),
        r.IsDBNull(2) ? null : r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3));

    public long MaxSeriesId() => ScalarLong("SELECT coalesce(MAX(id), 0) FROM series");

    public bool AnyColdSeries() => ScalarLong("SELECT EXISTS(SELECT 1 FROM series WHERE cold = 1)") != 0;

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

    public readonly record struct GroupRow(long Id, long MinTime, long MaxTime, byte[] Data);

    /// <summary>A series' groups that hold samples in [minTime, maxTime], oldest first (on the writer: sees the open transaction).</summary>
    public List<GroupRow> GroupsOverlapping(ulong seriesId, long minTime, long maxTime)
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "SELECT id, min_time, max_time, data FROM chunks WHERE series_id = $a AND min_time <= $hi AND max_time >= $lo ORDER BY min_time";
        cmd.Parameters.AddWithValue("$a", (long)seriesId);
        cmd.Parameters.AddWithValue("$lo", minTime);
        cmd.Parameters.AddWithValue("$hi", maxTime);
        using var r = cmd.ExecuteReader();
        var result = new List<GroupRow>();
        while (r.Read()) result.Add(new GroupRow(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), (byte[])r.GetValue(3)));
        return result;
    }

    /// <summary>The newest group of a series (to read its last sample), or null.</summary>
    public byte[]? LastGroup(ulong seriesId)
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "SELECT data FROM chunks WHERE series_id = $a ORDER BY min_time DESC LIMIT 1";
        cmd.Parameters.AddWithValue("$a", (long)seriesId);
        return cmd.ExecuteScalar() as byte[];
    }

    /// <summary>
    /// Deletes every group that ends before the cutoff; returns the series that lost groups and how many groups went.
    /// Rowids are ordered by the hour groups end in (<see cref="ClusterKey"/>): every row of an earlier hour goes, and
    /// of the cutoff's own hour those whose end is before it.
    /// </summary>
    public (List<ulong> Series, int Deleted) DeleteGroupsEndingBefore(long cutoff)
    {
        long hourKey = HourOf(cutoff) << 32;
        // The bound on id comes first and alone, so SQLite reads only the rows below the cutoff's next hour (a
        // range scan of what is expired, usually nothing) rather than the whole table.
        const string Expired = "id < $k + 4294967296 AND (id < $k OR max_time < $cutoff)";
        var series = new List<ulong>();
        using (var cmd = _writer.CreateCommand())
        {
            cmd.CommandText = $"SELECT DISTINCT series_id FROM chunks WHERE {Expired}";
            cmd.Parameters.AddWithValue("$k", hourKey);
            cmd.Parameters.AddWithValue("$cutoff", cutoff);
            using var r = cmd.ExecuteReader();
            while (r.Read()) series.Add((ulong)r.GetInt64(0));
        }
        if (series.Count == 0) return (series, 0);
        using var del = _writer.CreateCommand();
        del.CommandText = $"DELETE FROM chunks WHERE {Expired}";
        del.Parameters.AddWithValue("$k", hourKey);
        del.Parameters.AddWithValue("$cutoff", cutoff);
        return (series, del.ExecuteNonQuery());
    }

    /// <summary>
    /// The groups that ended first whose sizes add up to at least <paramref name="bytes"/> (at least one). Rows are
    /// read in rowid order, an hour of end times at a time (<see cref="ClusterKey"/>), and each hour's are taken by
    /// their end time, so every series loses its oldest groups first.
    /// </summary>
    public List<(long Id, ulong SeriesId)> OldestGroups(long bytes)
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "SELECT id, series_id, length(data), max_time FROM chunks ORDER BY id";
        using var r = cmd.ExecuteReader();
        var result = new List<(long, ulong)>();
        var hour = new List<(long MaxTime, long Id, ulong SeriesId, long Size)>();
        long sum = 0, currentHour = long.MinValue;
        bool Take()
        {
            hour.Sort();
            foreach (var (_, id, seriesId, size) in hour)
            {
                result.Add((id, seriesId));
                // A row costs its blob plus its record header, its index entry and page slack.
                sum += size + 32;
                if (sum >= bytes) return true;
            }
            hour.Clear();
            return false;
        }
        while (r.Read())
        {
            long id = r.GetInt64(0);
            if (id >> 32 != currentHour && hour.Count > 0 && Take()) return result;
            currentHour = id >> 32;
            hour.Add((r.GetInt64(3), id, (ulong)r.GetInt64(1), r.GetInt64(2)));
        }
        if (hour.Count > 0) Take();
        return result;
    }

    /// <summary>Recomputes a series' bounds from its remaining groups; returns them (null when none remain).</summary>
    public (long? Min, long? Max) RecomputeBounds(ulong seriesId)
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = """
            UPDATE series SET min_time = (SELECT MIN(min_time) FROM chunks WHERE series_id = $a),
                              max_time = (SELECT MAX(max_time) FROM chunks WHERE series_id = $a)
            WHERE id = $a RETURNING min_time, max_time
            """;
        cmd.Parameters.AddWithValue("$a", (long)seriesId);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return (null, null);
        return (r.IsDBNull(0) ? null : r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1));
    }

    /// <summary>Is the series cold (not in the head)? Null when it has no row.</summary>
    public bool? IsCold(ulong seriesId)
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "SELECT cold FROM series WHERE id = $a";
        cmd.Parameters.AddWithValue("$a", (long)seriesId);
        return cmd.ExecuteScalar() is long v ? v != 0 : null;
    }

    /// <summary>Deletes a series row and its groups (its cold postings are deleted by the caller, who knows its labels).</summary>
    public void DeleteSeries(ulong seriesId)
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "DELETE FROM series WHERE id=$a; DELETE FROM chunks WHERE series_id=$a;";
        cmd.Parameters.AddWithValue("$a", (long)seriesId);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Bytes in use by live pages (excludes the free list).</summary>
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
