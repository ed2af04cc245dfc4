using System.Collections.Concurrent;
using System.Buffers;
using Mlobs.Storage.Labels;
using Mlobs.Storage.Tsdb.Chunks;
using Mlobs.Storage.Tsdb.Head;
using Mlobs.Storage.Tsdb.Index;
using Mlobs.Storage.Tsdb.Sqlite;
using Mlobs.Storage.Tsdb.Wal;

namespace Mlobs.Storage.Tsdb;

/// <summary>
/// The time-series store: series and open head chunks in memory, finished chunks, head checkpoints and a
/// WAL of committed batches in one SQLite file. Every commit is one SQLite transaction, so a killed process
/// loses at most the batch in flight; <see cref="Open"/> recovers heads from the last checkpoint plus the WAL.
/// </summary>
public sealed partial class TsdbDatabase : IStorage, IDisposable
{
    private readonly TsdbOptions _options;
    private readonly SqliteStore _store;
    // Lock order: _writeLock, then _headLock. Queries take only _headLock, briefly.
    private readonly Lock _writeLock = new();
    private readonly Lock _headLock = new();
    private readonly Dictionary<LabelSet, MemSeries> _byLabels = new();
    // Lock-free reads: every appended sample resolves its series ref here, and a lock per sample showed up in profiles.
    private readonly SeriesRefTable _byRef = new();
    private readonly ConcurrentBag<List<TsdbAppender.Pending>> _batchPool = new();
    private readonly PostingsIndex _index = new();
    private readonly SymbolTable _symbols = new();
    private readonly List<GroupWrite> _groups = new();
    private bool _changedSinceCheckpoint;
    private int _touchSink; // keeps the cache-warming reads in Commit from being optimised away
    private readonly ChunkRecoder _recoder = new();
    private readonly ArrayBufferWriter<byte> _walBuffer = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _snapshotBuffer = new(40 * 1024);
    private readonly List<WalRecord.Sample> _walSamples = new(4096);
    private readonly List<MemSeries> _newSeries = new();
    private ulong _nextRef = 1;
    private long _walSeq;
    private Timer? _maintenance;
    private DateTime _lastCheckpoint = DateTime.UtcNow, _lastRetention = DateTime.MinValue;
    private bool _disposed;

    private readonly record struct GroupWrite(ulong SeriesRef, long MinTime, long MaxTime, byte[] Data);

    private readonly FileStream _dirLock;

    private TsdbDatabase(TsdbOptions options)
    {
        _options = options;
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

    /// <summary>Runs checkpoints and retention on a background timer.</summary>
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

    internal MemSeries GetOrCreateSeries(LabelSet labels)
    {
        lock (_headLock)
        {
            if (_byLabels.TryGetValue(labels, out var s)) return s;
            s = new MemSeries(_nextRef++, labels);
            _byLabels[labels] = s;
            _byRef.Set(s);
            _index.Add(s.Ref, labels);
            Interlocked.Increment(ref Stats.SeriesCreated);
            return s;
        }
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
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _walSamples.Clear();
            _groups.Clear();
            _newSeries.Clear();
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
                    if (!s.Persisted && !s.QueuedForPersist) { s.QueuedForPersist = true; _newSeries.Add(s); created++; }
                    if (p.Timestamp < minValid) { oob++; continue; }
                    switch (Check(s, p.Timestamp, p.Value))
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
            try
            {
                Persist();
            }
            catch
            {
                foreach (var s in _newSeries) s.QueuedForPersist = false; // retried with the next batch
                throw;
            }
        }
        Interlocked.Add(ref Stats.SamplesAppended, appended);
        Interlocked.Add(ref Stats.OutOfOrder, ooo);
        Interlocked.Add(ref Stats.Duplicates, dup);
        Interlocked.Add(ref Stats.OutOfBounds, oob);
        return new CommitResult(appended, ooo, dup, oob, created);
    }

    internal enum SampleCheck { Append, AlreadyStored, OutOfOrder, Duplicate }

    /// <summary>
    /// Prometheus semantics: older than the newest sample is out of order; the same timestamp with a different
    /// value is a duplicate; the same timestamp and value is accepted but not stored twice.
    /// </summary>
    internal static SampleCheck Check(MemSeries s, long t, double v)
    {
        if (t > s.LastTimestamp) return SampleCheck.Append;
        if (t < s.LastTimestamp) return SampleCheck.OutOfOrder;
        return BitConverter.DoubleToInt64Bits(v) == BitConverter.DoubleToInt64Bits(s.LastValue)
            ? SampleCheck.AlreadyStored
            : SampleCheck.Duplicate;
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

    private void FlushGroup(MemSeries s)
    {
        if (s.Pending is not { } pending) return;
        var (group, minTime, maxTime) = PendingChunks.ToGroup(pending);
        _groups.Add(new GroupWrite(s.Ref, minTime, maxTime, group));
        if (minTime < s.OldestChunkTime) s.OldestChunkTime = minTime;
        s.Pending = null;
        s.PendingCount = 0;
    }

    /// <summary>Writes new symbols and series, finished chunk groups and the WAL row of the batch. Caller holds the write lock.</summary>
    private void Persist()
    {
        if (_newSeries.Count == 0 && _groups.Count == 0 && _walSamples.Count == 0) return;
        List<byte[]> seriesRows;
        List<(int Id, string Value)> symbols;
        lock (_headLock)
        {
            seriesRows = _newSeries.Select(s => LabelSetCodec.Encode(s.Labels, _symbols)).ToList();
            symbols = _symbols.TakeUnpersisted();
        }
        using (var tx = _store.BeginTransaction())
        {
            foreach (var (id, value) in symbols) _store.InsertSymbol(id, value);
            for (int i = 0; i < _newSeries.Count; i++) _store.InsertSeries(_newSeries[i].Ref, seriesRows[i]);
            foreach (var g in _groups) _store.InsertChunkGroup(g.SeriesRef, g.MinTime, g.MaxTime, g.Data);
            if (_walSamples.Count > 0)
            {
                _walBuffer.Clear();
                WalRecord.Encode(_walBuffer, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_walSamples));
                _store.InsertWal(++_walSeq, _walBuffer.WrittenSpan);
                Interlocked.Add(ref Stats.WalBytes, _walBuffer.WrittenCount);
            }
            tx.Commit();
        }
        foreach (var s in _newSeries) { s.Persisted = true; s.QueuedForPersist = false; }
        Interlocked.Add(ref Stats.ChunksWritten, _groups.Count);
        _groups.Clear();
    }

    /// <summary>
    /// Saves everything that lives only in memory (pending chunks and open head chunks) as one snapshot row and
    /// deletes the WAL rows it covers. Series idle for a long time first have their chunks written out.
    /// </summary>
    public void Checkpoint()
    {
        lock (_writeLock)
        {
            if (_disposed || !_changedSinceCheckpoint && _groups.Count == 0) return;
            _groups.Clear();
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            long seq;
            lock (_headLock)
            {
                foreach (var s in _byRef.Values)
                {
                    if (now - s.LastTimestamp <= _options.IdleSeriesFlushMs) continue;
                    if (s.HeadChunk is not null) CutHead(s);
                    FlushGroup(s);
                }
                seq = _walSeq;
                _changedSinceCheckpoint = false;
            }
            using (var tx = _store.BeginTransaction())
            {
                foreach (var g in _groups) _store.InsertChunkGroup(g.SeriesRef, g.MinTime, g.MaxTime, g.Data);
                // Head chunks and pending lists only change under the write lock, which we hold; the head
                // lock is needed only to list series (new ones are added under it alone).
                List<MemSeries> withData;
                lock (_headLock) withData = HeadSnapshot.WithData(_byRef.Values);
                long size = HeadSnapshot.Size(withData);
                long written = _store.SaveHead(seq, size, blob => HeadSnapshot.Write(blob, _snapshotBuffer, withData));
                if (written != size) throw new InvalidOperationException($"head snapshot size mismatch: {written} != {size}");
                _store.DeleteWalUpTo(seq);
                tx.Commit();
            }
            Interlocked.Add(ref Stats.ChunksWritten, _groups.Count);
            _groups.Clear();
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
