using Mlobs.Storage.Labels;
using Mlobs.Storage.Tsdb.Chunks;
using Mlobs.Storage.Tsdb.Head;
using Mlobs.Storage.Tsdb.Wal;

namespace Mlobs.Storage.Tsdb;

public sealed partial class TsdbDatabase
{
    /// <summary>Loads series and the index, restores checkpointed head chunks, replays the WAL, then checkpoints.</summary>
    private void Recover()
    {
        foreach (var (id, labelBytes) in _store.LoadSeries())
        {
            var labels = LabelSetCodec.Decode(labelBytes);
            var s = new MemSeries(id, labels) { Persisted = true };
            _byLabels[labels] = s;
            _byRef[id] = s;
            _index.Add(id, labels);
            if (id >= _nextRef) _nextRef = id + 1;
        }
        foreach (var (id, minTime) in _store.LoadOldestChunkTimes())
        {
            if (_byRef.TryGetValue(id, out var s)) s.OldestChunkTime = minTime;
        }

        var it = new ChunkIterator();
        foreach (var (id, data) in _store.LoadHeads())
        {
            if (!_byRef.TryGetValue(id, out var s) || data.Length < ChunkHeader.Size) continue;
            var head = new ChunkAppender((ChunkEncoding)data[0], data[3], data[4]);
            it.Reset(data);
            while (it.Next()) head.Append(it.Timestamp, it.Value);
            if (head.Count == 0) continue;
            s.HeadChunk = head;
            s.NextChoice = new ChunkRecoder.Choice(head.Encoding, head.TimestampK, head.ValueK);
            s.LastTimestamp = head.MaxTime;
            s.LastValue = head.LastValue;
        }

        _cuts.Clear();
        bool replayed = false;
        foreach (var (seq, data) in _store.LoadWal())
        {
            replayed = true;
            _walSeq = seq;
            foreach (var sample in WalRecord.Decode(data))
            {
                if (!_byRef.TryGetValue(sample.SeriesRef, out var s)) continue;
                // Samples already in a checkpointed head are skipped, which makes replay idempotent.
                if (Check(s, sample.Timestamp, sample.Value) == SampleCheck.Append) ApplySample(s, sample.Timestamp, sample.Value);
            }
        }
        if (replayed)
        {
            Persist(); // writes the chunks cut during replay
            Checkpoint();
        }
    }
}
