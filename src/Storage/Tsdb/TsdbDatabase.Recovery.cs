using Mlobs.Storage.Labels;
using Mlobs.Storage.Tsdb.Chunks;
using Mlobs.Storage.Tsdb.Head;
using Mlobs.Storage.Tsdb.Wal;

namespace Mlobs.Storage.Tsdb;

public sealed partial class TsdbDatabase
{
    /// <summary>Loads symbols, series and the index, restores the head snapshot, replays newer WAL rows, then checkpoints.</summary>
    private void Recover()
    {
        foreach (var (id, value) in _store.LoadSymbols()) _symbols.Load(id, value);
        foreach (var (id, labelBytes) in _store.LoadSeries())
        {
            var labels = LabelSetCodec.Decode(labelBytes, _symbols);
            var s = new MemSeries(id, labels) { Persisted = true };
            _byLabels[labels] = s;
            _byRef.Set(s);
            _index.Add(id, labels);
            if (id >= _nextRef) _nextRef = id + 1;
        }
        foreach (var (id, minTime) in _store.LoadOldestChunkTimes())
        {
            if (_byRef.TryGetValue(id, out var s)) s.OldestChunkTime = minTime;
        }

        long snapshotSeq = 0;
        if (_store.LoadHead() is var (seq, data))
        {
            snapshotSeq = seq;
            _walSeq = seq;
            var it = new ChunkIterator();
            foreach (var entry in HeadSnapshot.Decode(data))
            {
                if (!_byRef.TryGetValue(entry.SeriesRef, out var s)) continue;
                if (entry.Pending is { } pending)
                {
                    s.Pending = pending;
                    s.PendingCount = entry.PendingCount;
                    PendingChunks.Chunk last = default;
                    foreach (var c in PendingChunks.Enumerate(pending)) last = c;
                    s.LastTimestamp = last.MaxTime;
                    it.Reset(pending, last.Offset, last.Length);
                    while (it.Next()) s.LastValue = it.Value;
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
                    }
                }
            }
        }

        _groups.Clear();
        bool replayed = false;
        foreach (var (walSeq, walData) in _store.LoadWal(snapshotSeq))
        {
            replayed = true;
            _walSeq = walSeq;
            foreach (var sample in WalRecord.Decode(walData))
            {
                if (!_byRef.TryGetValue(sample.SeriesRef, out var s)) continue;
                // Samples already in the snapshot are skipped, which makes replay idempotent.
                if (Check(s, sample.Timestamp, sample.Value) == SampleCheck.Append) ApplySample(s, sample.Timestamp, sample.Value);
            }
        }
        if (replayed)
        {
            Persist(); // writes chunk groups completed during replay
            _changedSinceCheckpoint = true;
            Checkpoint();
        }
    }
}
