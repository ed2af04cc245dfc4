using Mlobs.Storage.Tsdb.Chunks;
using Mlobs.Storage.Tsdb.Head;
using Mlobs.Storage.Tsdb.Index;
using Mlobs.Storage.Tsdb.Sqlite;
using Mlobs.Storage.Tsdb.Wal;

namespace Mlobs.Storage.Tsdb;

public sealed partial class TsdbDatabase
{
    /// <summary>
    /// Loads symbols and the head's series with the bounds of what each has stored (so a series whose samples all
    /// live in the chunks table is as visible as one with samples in memory), restores the head snapshot, replays
    /// newer WAL rows, finishes a schema migration, then checkpoints.
    /// </summary>
    private void Recover()
    {
        long wallNow = WallNow();
        foreach (var (id, value) in _store.LoadSymbols()) _symbols.Load(id, value);
        // Only a version 1 file can hold two rows for one label set; the later one is joined into the first below.
        var duplicates = new List<(MemSeries Keep, MemSeries Duplicate)>();
        foreach (var row in _store.LoadHotSeries())
        {
            var labels = LabelSetCodec.Decode(row.Labels, _symbols);
            var s = new MemSeries(row.Id, labels)
            {
                Persisted = true,
                PersistedMinTime = row.MinTime ?? long.MaxValue,
                PersistedMaxTime = row.MaxTime ?? long.MinValue,
                LastTimestamp = row.MaxTime ?? long.MinValue,
                LastValueKnown = row.MaxTime is null,
                LastActiveWallMs = wallNow,
            };
            _byRef.Set(s);
            if (_byLabels.TryGetValue(labels, out var first)) { duplicates.Add((first, s)); continue; }
            _byLabels[labels] = s;
            _index.Add(s.Ref, labels);
        }
        _nextRef = (ulong)_store.MaxSeriesId() + 1;
        _anyCold = _store.AnyColdSeries();

        long snapshotSeq = 0;
        if (_store.LoadHead() is var (seq, data))
        {
            snapshotSeq = seq;
            _walSeq = seq;
            foreach (var entry in HeadSnapshot.Decode(data))
            {
                if (_byRef.Get(entry.SeriesRef) is { } s) RestoreSnapshotEntry(s, entry);
            }
        }

        bool replayed = false;
        foreach (var (walSeq, walData) in _store.LoadWal(snapshotSeq))
        {
            replayed = true;
            _walSeq = walSeq;
            foreach (var sample in WalRecord.Decode(walData))
            {
                var s = _byRef.Get(sample.SeriesRef) ?? LoadForReplay(sample.SeriesRef);
                // Samples already in the snapshot or in stored groups are skipped, which makes replay idempotent.
                if (s is not null && Check(s, sample.Timestamp, sample.Value) == SampleCheck.Append)
                    ApplySample(s, sample.Timestamp, sample.Value);
            }
        }
        if (replayed)
        {
            lock (_writeLock) PersistOrUndo(); // writes chunk groups completed during replay
            _changedSinceCheckpoint = true;
        }
        if (_store.NeedsMigrationFromV1)
        {
            lock (_writeLock) foreach (var (keep, duplicate) in duplicates) JoinDuplicate(keep, duplicate);
            _store.CompleteMigrationFromV1();
            _changedSinceCheckpoint = true;
        }
        else if (duplicates.Count > 0)
        {
            throw new InvalidDataException($"{_store.Path}: series {duplicates[0].Duplicate.Ref} repeats the labels of series {duplicates[0].Keep.Ref}");
        }
        if (_changedSinceCheckpoint) Checkpoint();
    }

    /// <summary>A WAL sample of a series not loaded as hot (a row marked cold after it was written): load it.</summary>
    private MemSeries? LoadForReplay(ulong seriesRef)
    {
        if (_store.GetSeries(seriesRef) is not { } row) return null;
        var s = Restore(row, LabelSetCodec.Decode(row.Labels, _symbols));
        lock (_headLock) return AddToHead(s);
    }

    /// <summary>
    /// Restores a series' pending and open chunks from the snapshot. Groups written after the snapshot (before a
    /// crash) hold a prefix of those chunks; whatever the stored groups already cover is left out, so no sample is
    /// both stored and in memory.
    /// </summary>
    private void RestoreSnapshotEntry(MemSeries s, HeadSnapshot.Entry entry)
    {
        long covered = s.PersistedMaxTime;
        long first = entry.Pending is { } p0 ? PendingChunks.FirstMinTime(p0) : OpenChunkFirstTime(entry.Open);
        var it = new ChunkIterator();
        if (covered < first)
        {
            if (entry.Pending is { } pending)
            {
                s.Pending = pending;
                s.PendingCount = entry.PendingCount;
                PendingChunks.Chunk last = default;
                foreach (var c in PendingChunks.Enumerate(pending)) last = c;
                s.LastTimestamp = last.MaxTime;
                it.Reset(pending, last.Offset, last.Length);
                while (it.Next()) s.LastValue = it.Value;
                s.LastValueKnown = true;
            }
            if (entry.Open is { Length: >= ChunkHeader.Size } open)
            {
                int tsK = open[3] == ChunkHeader.RegularTimestamps ? 0 : open[3];
                var head = new ChunkAppender((ChunkEncoding)open[0], tsK, open[4]);
                it.Reset(open);
                while (it.Next()) head.Append(it.Timestamp, it.Value);
                if (head.Count > 0)
                {
                    s.HeadChunk = head;
                    s.Tuned = true;
                    s.NextChoice = new ChunkRecoder.Choice(head.Encoding, head.TimestampK, head.ValueK);
                    s.LastTimestamp = head.MaxTime;
                    s.LastValue = head.LastValue;
                    s.LastValueKnown = true;
                }
            }
            return;
        }
        // Some of it is stored already: keep only the samples after what the groups cover, appended afresh.
        var samples = new List<(long T, double V)>();
        if (entry.Pending is { } stale)
        {
            foreach (var c in PendingChunks.Enumerate(stale))
            {
                it.Reset(stale, c.Offset, c.Length);
                while (it.Next()) samples.Add((it.Timestamp, it.Value));
            }
        }
        if (entry.Open is { Length: >= ChunkHeader.Size } openChunk)
        {
            it.Reset(openChunk);
            while (it.Next()) samples.Add((it.Timestamp, it.Value));
        }
        foreach (var (t, v) in samples)
            if (t > s.LastTimestamp) ApplySample(s, t, v);
    }

    /// <summary>A chunk's first timestamp: the 64 bits that open its bit stream, right after the header (FORMAT.md).</summary>
    private static long OpenChunkFirstTime(byte[]? open) =>
        open is { Length: >= ChunkHeader.Size + 8 } ? System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(open.AsSpan(ChunkHeader.Size, 8)) : long.MaxValue;

    /// <summary>
    /// Joins a duplicate row of a label set (left by version 1's retention race) into the first: both heads are
    /// written out, the duplicate's samples merged into the first's groups, and its row deleted. Caller holds the write lock.
    /// </summary>
    private void JoinDuplicate(MemSeries keep, MemSeries duplicate)
    {
        _newSeries.Clear();
        _reheated.Clear();
        _walSamples.Clear();
        lock (_headLock)
        {
            WriteOutHead(keep);
            WriteOutHead(duplicate);
        }
        PersistOrUndo();
        var ts = new List<long>();
        var vs = new List<double>();
        foreach (var row in _store.GroupsOverlapping(duplicate.Ref, long.MinValue, long.MaxValue))
            GroupSamples.AppendTo(row.Data, ts, vs);
        using (var tx = _store.BeginTransaction())
        {
            if (ts.Count > 0) MergeIntoStore(new BackfillMerge(keep, ts.ToArray(), vs.ToArray()));
            _store.DeleteSeries(duplicate.Ref);
            tx.Commit();
        }
        lock (_headLock)
        {
            if (ReferenceEquals(_byRef.Get(duplicate.Ref), duplicate)) _byRef.Remove(duplicate.Ref);
            duplicate.Detached = true;
        }
    }
}
