using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Mlobs.Model.Labels;
using Mlobs.Storage.Tsdb.Chunks;
using Mlobs.Storage.Tsdb.Head;
using Mlobs.Storage.Tsdb.Index;
using Mlobs.Storage.Tsdb.Sqlite;
using Mlobs.Storage.Tsdb.Wal;

namespace Mlobs.Storage.Tsdb;

/// <summary>
/// The time-series store, in one SQLite file: the head (recently active series with their open and pending chunks,
/// in memory, made durable by checkpoints and a WAL of committed batches) and the chunks table (finished chunk
/// groups of every series). Series idle for a while leave the head and are found through the cold index on disk
/// (<see cref="HeadGc"/>), so memory follows the active series while every stored sample stays queryable.
/// Every commit is one SQLite transaction, so a killed process loses at most the batch in flight;
/// <see cref="Open"/> recovers the head from the last checkpoint plus the WAL.
/// </summary>
public sealed partial class TsdbDatabase : IStorage, IBackfillable, IDisposable
{
    private readonly TsdbOptions _options;
    private readonly SqliteStore _store;
    // Lock order: _writeLock, then _headLock. Queries take only _headLock, briefly. The writer connection is used
    // only under _writeLock.
    private readonly Lock _writeLock = new();
    private readonly Lock _headLock = new();
    private readonly Dictionary<LabelSet, MemSeries> _byLabels = new();
    // Lock-free reads: every appended sample resolves its series ref here, and a lock per sample showed up in profiles.
    private readonly SeriesRefTable _byRef = new();
    private readonly ConcurrentBag<List<TsdbAppender.Pending>> _batchPool = new();
    private readonly PostingsIndex _index = new();
    private readonly SymbolTable _symbols = new();
    // Groups cut in memory and not yet committed: kept across a failed commit, so the next one writes them.
    private readonly List<GroupWrite> _groups = new();
    private bool _changedSinceCheckpoint;
    private int _touchSink; // keeps the cache-warming reads in Commit from being optimised away
    private readonly ChunkRecoder _recoder = new();
    private readonly GroupBuilder _groupBuilder;
    private readonly ArrayBufferWriter<byte> _walBuffer = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _snapshotBuffer = new(40 * 1024);
    private readonly List<WalRecord.Sample> _walSamples = new(4096);
    private readonly List<MemSeries> _newSeries = new();
    // Series back from the cold index whose row is marked hot by the batch being committed.
    private readonly List<MemSeries> _reheated = new();
    private ulong _nextRef = 1;
    private long _walSeq;
    // Some series live only in the cold index: selections and lookups must ask it too.
    private volatile bool _anyCold;
    private Timer? _maintenance;
    private DateTime _lastCheckpoint = DateTime.UtcNow, _lastRetention = DateTime.MinValue;
    private bool _disposed;

    /// <summary>A group cut in memory, to be written; the series shows it to queries until it is committed.</summary>
    private readonly record struct GroupWrite(MemSeries Series, long MinTime, long MaxTime, byte[] Data);

    private readonly FileStream _dirLock;

    private TsdbDatabase(TsdbOptions options)
    {
        _options = options;
        _groupBuilder = new GroupBuilder(options);
        if (!options.CreateIfMissing)
        {
            if (!Directory.Exists(options.Directory)) throw new DirectoryNotFoundException("data directory does not exist");
            if (!File.Exists(options.DatabasePath)) throw new FileNotFoundException("not an mlobs data directory (no tsdb.sqlite in it)", options.DatabasePath);
        }
        Directory.CreateDirectory(options.Directory);
        _dirLock = AcquireDirectoryLock(options.Directory);
        try
        {
            _store = new SqliteStore(options.DatabasePath, options.PageSize);
        }
        catch
        {
            _dirLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One process per data dir: the in-memory head and series ids would diverge if two processes wrote to the
    /// same file. .NET maps FileShare.None to an advisory flock on Unix.
    /// </summary>
    private static FileStream AcquireDirectoryLock(string dir)
    {
        try
        {
            return new FileStream(Path.Combine(dir, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"data directory {dir} is in use by another mlobs process (lock file held)", ex);
        }
    }

    public TsdbStats Stats { get; } = new();
    public TsdbOptions Options => _options;

    /// <summary>Opens (or creates) the store in options.Directory and recovers the head.</summary>
    public static TsdbDatabase Open(TsdbOptions options)
    {
        try
        {
            return OpenCore(options);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            // Name the file: "file is not a database" alone does not say which.
            throw new InvalidDataException($"{options.DatabasePath}: {ex.Message}", ex);
        }
    }

    private static TsdbDatabase OpenCore(TsdbOptions options)
    {
        var db = new TsdbDatabase(options);
        try
        {
            db.Recover();
        }
        catch
        {
            db._store.Dispose();
            db._dirLock.Dispose();
            throw;
        }
        return db;
    }

    /// <summary>Runs checkpoints (with head GC) and retention on a background timer.</summary>
    public void StartMaintenance()
    {
        _maintenance ??= new Timer(_ => RunMaintenance(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Raised with errors from background maintenance, which never throws out of the timer.</summary>
    public event Action<Exception>? MaintenanceError;

    private void RunMaintenance()
    {
        try
        {
            var now = DateTime.UtcNow;
            if (now - _lastCheckpoint >= _options.CheckpointInterval) Checkpoint();
            if (now - _lastRetention >= _options.RetentionInterval)
            {
                _lastRetention = now;
                ApplyRetention(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            }
        }
        catch (Exception ex)
        {
            MaintenanceError?.Invoke(ex);
        }
    }

    public IAppender Appender() => new TsdbAppender(this);

    public IQuerier Querier(long minTimeMs, long maxTimeMs) => new TsdbQuerier(this, minTimeMs, maxTimeMs);

    /// <summary>Series in the head (in memory); series only in the cold index are not counted.</summary>
    public int SeriesCount => _byRef.Count;

    /// <summary>Appenders borrow their batch lists, so a scrape does not allocate (and grow) one each time.</summary>
    internal List<TsdbAppender.Pending> RentBatch() => _batchPool.TryTake(out var list) ? list : new List<TsdbAppender.Pending>(1024);

    internal void ReturnBatch(List<TsdbAppender.Pending> batch)
    {
        batch.Clear();
        if (batch.Capacity <= 64 * 1024 && _batchPool.Count < 32) _batchPool.Add(batch);
    }

    /// <summary>Bytes of the data directory's SQLite files (database plus its WAL).</summary>
    public long DiskBytes()
    {
        long total = 0;
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            var f = new FileInfo(_options.DatabasePath + suffix);
            if (f.Exists) total += f.Length;
        }
        return total;
    }

    internal long MinValidTime() =>
        DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)_options.RetentionTime.TotalMilliseconds;

    private long WallNow() => _options.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// The head series for a label set: from the head, else brought back from the cold index, else new. The disk
    /// lookup runs outside the head lock on a reader connection (a new target's first scrape makes thousands).
    /// </summary>
    internal MemSeries GetOrCreateSeries(LabelSet labels)
    {
        byte[]? key = null;
        lock (_headLock)
        {
            if (_byLabels.TryGetValue(labels, out var s)) return s;
            if (_anyCold) key = LabelSetCodec.TryEncodeExisting(labels, _symbols);
        }
        SqliteStore.SeriesRow? row = key is null ? null : FindStoredSeries(key);
        lock (_headLock)
        {
            if (_byLabels.TryGetValue(labels, out var s)) return s;
            return AddToHead(row is { } r ? Restore(r, labels) : NewSeries(labels));
        }
    }

    private SqliteStore.SeriesRow? FindStoredSeries(byte[] key)
    {
        var reader = _store.RentReader();
        try
        {
            return ColdIndex.FindSeries(reader, key);
        }
        finally
        {
            _store.ReturnReader(reader);
        }
    }

    /// <summary>A new series; caller holds the head lock.</summary>
    private MemSeries NewSeries(LabelSet labels)
    {
        Interlocked.Increment(ref Stats.SeriesCreated);
        return new MemSeries(_nextRef++, labels);
    }

    /// <summary>A series from its stored row: everything it has is in the chunks table.</summary>
    private static MemSeries Restore(SqliteStore.SeriesRow row, LabelSet labels) => new(row.Id, labels)
    {
        Persisted = true,
        WasCold = true,
        PersistedMinTime = row.MinTime ?? long.MaxValue,
        PersistedMaxTime = row.MaxTime ?? long.MinValue,
        LastTimestamp = row.MaxTime ?? long.MinValue,
        LastValueKnown = row.MaxTime is null,
    };

    /// <summary>Caller holds the head lock.</summary>
    private MemSeries AddToHead(MemSeries s)
    {
        s.LastActiveWallMs = WallNow();
        if (s.WasCold) Interlocked.Increment(ref Stats.SeriesRestored);
        _byLabels[s.Labels] = s;
        _byRef.Set(s);
        _index.Add(s.Ref, s.Labels);
        return s;
    }

    /// <summary>Caller holds both locks.</summary>
    private void RemoveFromHead(MemSeries s)
    {
        if (_byLabels.TryGetValue(s.Labels, out var live) && ReferenceEquals(live, s)) _byLabels.Remove(s.Labels);
        if (ReferenceEquals(_byRef.Get(s.Ref), s)) _byRef.Remove(s.Ref);
        _index.Remove(s.Ref, s.Labels);
        s.Detached = true;
    }

    /// <summary>
    /// The live series for one an appender resolved before it left the head: the head's, the stored one, or a new
    /// one. Caller holds both locks (the writer connection is free to use).
    /// </summary>
    private MemSeries Reattach(MemSeries detached)
    {
        if (_byLabels.TryGetValue(detached.Labels, out var live)) return live;
        var key = LabelSetCodec.TryEncodeExisting(detached.Labels, _symbols);
        var row = key is null ? null : _store.FindColdSeries(key);
        return AddToHead(row is { } r ? Restore(r, detached.Labels) : NewSeries(detached.Labels));
    }

    internal MemSeries? GetSeries(ulong seriesRef)
    {
        return _byRef.Get(seriesRef);
    }

    /// <summary>Validates and applies a batch to the head, then persists it in one transaction.</summary>
    internal CommitResult Commit(List<TsdbAppender.Pending> batch)
    {
        int appended = 0, ooo = 0, dup = 0, oob = 0, created = 0;
        long minValid = MinValidTime();
        long wallNow = WallNow();
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _walSamples.Clear();
            _newSeries.Clear();
            _reheated.Clear();
            lock (_headLock)
            {
                // Each sample lands in a different series' head chunk, and 10k of them do not stay cached between
                // scrapes. Touching every write position first lets the loads overlap; inside the encoding loop
                // each would be waited for in turn.
                int touched = 0;
                foreach (var p in batch) touched += p.Series.HeadChunk?.Tail ?? 0;
                _touchSink = touched;
                foreach (var p in batch)
                {
                    var s = p.Series;
                    // Gone cold (or deleted) since the appender resolved it: write into the live series instead.
                    if (s.Detached) s = Reattach(s);
                    created += PrepareForWrite(s);
                    s.Touch(wallNow);
                    if (p.Timestamp < minValid) { oob++; continue; }
                    var check = Check(s, p.Timestamp, p.Value);
                    if (check == SampleCheck.LastValueUnknown)
                    {
                        LoadLastValue(s);
                        check = Check(s, p.Timestamp, p.Value);
                    }
                    switch (check)
                    {
                        case SampleCheck.OutOfOrder: ooo++; continue;
                        case SampleCheck.Duplicate: dup++; continue;
                        case SampleCheck.AlreadyStored: continue;
                    }
                    ApplySample(s, p.Timestamp, p.Value);
                    _walSamples.Add(new WalRecord.Sample(s.Ref, p.Timestamp, p.Value, s.HeadChunk!.DecimalExponent));
                    appended++;
                }
            }
            PersistOrUndo();
        }
        Interlocked.Add(ref Stats.SamplesAppended, appended);
        Interlocked.Add(ref Stats.OutOfOrder, ooo);
        Interlocked.Add(ref Stats.Duplicates, dup);
        Interlocked.Add(ref Stats.OutOfBounds, oob);
        return new CommitResult(appended, ooo, dup, oob, created);
    }

    /// <summary>
    /// Queues what a series needs before samples are written to it: its row when new, its row marked hot when it
    /// came back from the cold index. Returns 1 for a new series row. Caller holds both locks.
    /// </summary>
    private int PrepareForWrite(MemSeries s)
    {
        if (s.WasCold)
        {
            s.WasCold = false;
            if (_store.IsCold(s.Ref) is null)
            {
                // Retention deleted the row, and every sample of it, after the series was read back: start afresh.
                s.Persisted = false;
                s.PersistedMinTime = long.MaxValue;
                s.PersistedMaxTime = long.MinValue;
                if (!s.HasInMemoryData) { s.LastTimestamp = long.MinValue; s.LastValueKnown = true; }
            }
            else _reheated.Add(s);
        }
        if (s.Persisted || s.QueuedForPersist) return 0;
        s.QueuedForPersist = true;
        _newSeries.Add(s);
        return 1;
    }

    /// <summary>Persists the batch; on failure re-queues what the next batch must write again, and rethrows.</summary>
    private void PersistOrUndo(bool withSnapshot = false, List<BackfillMerge>? merges = null)
    {
        try
        {
            Persist(withSnapshot, merges);
        }
        catch
        {
            foreach (var s in _newSeries) s.QueuedForPersist = false; // retried with the next batch
            foreach (var s in _reheated) s.WasCold = true;
            throw;
        }
    }

    internal enum SampleCheck { Append, AlreadyStored, OutOfOrder, Duplicate, LastValueUnknown }

    /// <summary>
    /// Prometheus semantics: older than the newest sample is out of order; the same timestamp with a different
    /// value is a duplicate; the same timestamp and value is accepted but not stored twice.
    /// </summary>
    internal static SampleCheck Check(MemSeries s, long t, double v)
    {
        if (t > s.LastTimestamp) return SampleCheck.Append;
        if (t < s.LastTimestamp) return SampleCheck.OutOfOrder;
        if (!s.LastValueKnown) return SampleCheck.LastValueUnknown;
        return BitConverter.DoubleToInt64Bits(v) == BitConverter.DoubleToInt64Bits(s.LastValue)
            ? SampleCheck.AlreadyStored
            : SampleCheck.Duplicate;
    }

    /// <summary>Reads the newest stored sample's value (restored series know only its time). Caller holds the write lock.</summary>
    private void LoadLastValue(MemSeries s)
    {
        if (s.LastValueKnown) return;
        double value = double.NaN;
        if (_store.LastGroup(s.Ref) is { } group)
        {
            var chunks = new List<(byte[] Data, int Offset, int Length)>();
            ChunkGroup.Split(group, chunks);
            if (chunks.Count > 0)
            {
                var it = new ChunkIterator();
                var last = chunks[^1];
                it.Reset(last.Data, last.Offset, last.Length);
                while (it.Next()) value = it.Value;
            }
        }
        s.LastValue = value;
        s.LastValueKnown = true;
    }

    /// <summary>Appends to the head chunk, cutting it first when full. Caller holds the head lock.</summary>
    private void ApplySample(MemSeries s, long t, double v)
    {
        var head = s.HeadChunk;
        if (head is not null && (head.Count >= _options.SamplesPerChunk || t - head.MinTime >= _options.MaxChunkSpanMs))
            CutHead(s, reuseHead: true);
        else if (head is null)
        {
            head = new ChunkAppender(s.NextChoice.Encoding, s.NextChoice.TimestampK, s.NextChoice.ValueK);
            s.HeadChunk = head;
        }
        head.Append(t, v);
        if (!s.Tuned && head.Count == RetuneAfterSamples)
        {
            s.HeadChunk = _recoder.Retune(head);
            s.Tuned = true;
        }
        s.LastTimestamp = t;
        s.LastValue = v;
        s.LastValueKnown = true;
        _changedSinceCheckpoint = true;
    }

    /// <summary>A new series' head chunk is re-fitted once after this many samples (see <see cref="ChunkRecoder.Retune"/>).</summary>
    private const int RetuneAfterSamples = 8;

    /// <summary>Cuts that reuse a series' encoding choice before the next full search (<see cref="ChunkRecoder"/>).</summary>
    private const int CutsBetweenSearches = 3;

    /// <summary>Recodes the head chunk into its smallest form and queues it; a full group becomes a row.</summary>
    /// <param name="reuseHead">Keep the appender (and its buffer) for the next chunk instead of dropping it.</param>
    private void CutHead(MemSeries s, bool reuseHead = false)
    {
        var head = s.HeadChunk!;
        byte[] bytes;
        var choice = s.NextChoice;
        // A series' best encoding rarely changes from one chunk to the next: reuse it for a few cuts and search
        // again on schedule, or at once if the chunk came out more than an eighth larger than the last one.
        if (s.LastChunkBytes > 0 && s.CutsSinceSearch < CutsBetweenSearches
            && (bytes = _recoder.Reencode(head, choice)).Length <= s.LastChunkBytes + s.LastChunkBytes / 8)
        {
            s.CutsSinceSearch++;
        }
        else
        {
            (bytes, choice) = _recoder.Recode(head);
            s.NextChoice = choice;
            s.CutsSinceSearch = 0;
        }
        s.LastChunkBytes = (ushort)Math.Min(bytes.Length, ushort.MaxValue);
        s.Tuned = true;
        // Queries find a group by its start (TsdbQuerier bounds how far before a range a group can begin), so a
        // chunk that would stretch the pending group past MaxGroupSpan goes into a new group: after a long gap (a
        // target down for hours, or sparse data) the old chunks are flushed first.
        if (s.Pending is not null && head.MaxTime - PendingChunks.FirstMinTime(s.Pending) >= _options.MaxGroupSpanMs)
            FlushGroup(s);
        s.Pending = PendingChunks.Add(s.Pending, head.MinTime, head.MaxTime, bytes);
        s.PendingCount++;
        long headMax = head.MaxTime;
        if (reuseHead) head.Reset(choice.Encoding, choice.TimestampK, choice.ValueK, bytes.Length);
        else s.HeadChunk = null;
        if (s.PendingCount >= _options.ChunksPerGroup || headMax - PendingChunks.FirstMinTime(s.Pending) >= _options.MaxGroupSpanMs)
            FlushGroup(s);
    }

    /// <summary>Moves the pending chunks into a group to be written; queries see it in memory until it is committed.</summary>
    private void FlushGroup(MemSeries s)
    {
        if (s.Pending is not { } pending) return;
        var (group, minTime, maxTime) = PendingChunks.ToGroup(pending);
        _groups.Add(new GroupWrite(s, minTime, maxTime, group));
        (s.Unwritten ??= []).Add((minTime, maxTime, group));
        if (minTime < s.PersistedMinTime) s.PersistedMinTime = minTime;
        if (maxTime > s.PersistedMaxTime) s.PersistedMaxTime = maxTime;
        s.Pending = null;
        s.PendingCount = 0;
    }

    /// <summary>
    /// Writes new symbols and series, rows of series back from the cold index, finished chunk groups, merged
    /// backfill and the WAL row of the batch (or, with <paramref name="withSnapshot"/>, a head checkpoint in its
    /// place) in one transaction. Caller holds the write lock.
    /// </summary>
    private void Persist(bool withSnapshot = false, List<BackfillMerge>? merges = null)
    {
        if (_newSeries.Count == 0 && _groups.Count == 0 && _walSamples.Count == 0 && _reheated.Count == 0 && merges is null && !withSnapshot) return;
        List<byte[]> seriesRows;
        List<(int Id, string Value)> symbols;
        long seq = _walSeq;
        lock (_headLock)
        {
            seriesRows = _newSeries.Select(s => LabelSetCodec.Encode(s.Labels, _symbols)).ToList();
            symbols = _symbols.TakeUnpersisted();
        }
        try
        {
            using (var tx = _store.BeginTransaction())
            {
                foreach (var (id, value) in symbols) _store.InsertSymbol(id, value);
                for (int i = 0; i < _newSeries.Count; i++) _store.InsertSeries(_newSeries[i].Ref, seriesRows[i]);
                foreach (var s in _reheated) _store.SetCold(s.Ref, false);
                WriteGroups();
                if (merges is not null) foreach (var m in merges) MergeIntoStore(m);
                if (withSnapshot) WriteHeadSnapshot(seq);
                else if (_walSamples.Count > 0)
                {
                    _walBuffer.Clear();
                    WalRecord.Encode(_walBuffer, CollectionsMarshal.AsSpan(_walSamples));
                    _store.InsertWal(++_walSeq, _walBuffer.WrittenSpan);
                    Interlocked.Add(ref Stats.WalBytes, _walBuffer.WrittenCount);
                }
                tx.Commit();
            }
        }
        catch
        {
            // Not written: the next batch writes them (a series row must never name a symbol the file lacks).
            lock (_headLock) foreach (var sym in symbols) _symbols.Requeue(sym.Id, sym.Value);
            throw;
        }
        if (withSnapshot) _changedSinceCheckpoint = false;
        foreach (var s in _newSeries) { s.Persisted = true; s.QueuedForPersist = false; }
        GroupsCommitted();
    }

    /// <summary>Inserts the queued groups; one that starts where a stored group of the series does is merged with it.</summary>
    private void WriteGroups()
    {
        foreach (var g in _groups)
        {
            if (_store.InsertChunkGroup(g.Series.Ref, g.MinTime, g.MaxTime, g.Data)) continue;
            var (ts, vs) = GroupSamples.Decode(g.Data);
            MergeIntoStore(new BackfillMerge(g.Series, ts, vs));
            Interlocked.Increment(ref Stats.GroupMerges);
        }
    }

    /// <summary>After the commit: groups leave the series' in-memory view (they are read from the store now).</summary>
    private void GroupsCommitted()
    {
        if (_groups.Count == 0) return;
        lock (_headLock)
        {
            foreach (var g in _groups) g.Series.Unwritten = null;
        }
        Interlocked.Add(ref Stats.ChunksWritten, _groups.Count);
        _groups.Clear();
    }

    /// <summary>Writes the head snapshot covering WAL rows up to seq and deletes those rows. Caller holds the write lock, in a transaction.</summary>
    private void WriteHeadSnapshot(long seq)
    {
        // Head chunks and pending lists only change under the write lock, which we hold; the head lock is needed
        // only to list series (new ones are added under it alone).
        List<MemSeries> withData;
        lock (_headLock) withData = HeadSnapshot.WithData(_byRef.Values);
        long size = HeadSnapshot.Size(withData);
        long written = _store.SaveHead(seq, size, blob => HeadSnapshot.Write(blob, _snapshotBuffer, withData));
        if (written != size) throw new InvalidOperationException($"head snapshot size mismatch: {written} != {size}");
        _store.DeleteWalUpTo(seq);
    }

    /// <summary>
    /// Saves everything that lives only in memory (pending chunks and open head chunks) as one snapshot row and
    /// deletes the WAL rows it covers. Series idle for a while first have their chunks written out and leave the
    /// head for the cold index (<see cref="HeadGc"/>).
    /// </summary>
    public void Checkpoint()
    {
        lock (_writeLock)
        {
            if (_disposed) return;
            var gc = CollectIdleSeries(WallNow());
            if (!_changedSinceCheckpoint && _groups.Count == 0 && gc.IsEmpty) return;
            long seq = _walSeq;
            using (var tx = _store.BeginTransaction())
            {
                WriteGroups();
                WriteHeadGc(gc);
                WriteHeadSnapshot(seq);
                tx.Commit();
            }
            _changedSinceCheckpoint = false;
            GroupsCommitted();
            CompleteHeadGc(gc);
            // The snapshot row is rewritten each time: give its old pages back so the file does not keep both.
            _store.IncrementalVacuum();
            Interlocked.Increment(ref Stats.Checkpoints);
            _lastCheckpoint = DateTime.UtcNow;
        }
    }

    public void Dispose()
    {
        _maintenance?.Dispose();
        _maintenance = null;
        if (_disposed) return;
        Checkpoint();
        lock (_writeLock)
        {
            _disposed = true;
            _store.Dispose();
            _dirLock.Dispose();
        }
    }
}
