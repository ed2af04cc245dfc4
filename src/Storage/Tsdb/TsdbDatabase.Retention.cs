using Mlobs.Storage.Tsdb.Head;

namespace Mlobs.Storage.Tsdb;

public sealed partial class TsdbDatabase
{
    /// <summary>
    /// Deletes chunks that ended before now − retention time, then, while the store is over its size limit,
    /// the oldest chunks; drops series left without data. Returns the number of chunks deleted.
    /// </summary>
    public int ApplyRetention(long nowMs)
    {
        int deleted = DeleteBefore(nowMs - (long)_options.RetentionTime.TotalMilliseconds);
        if (_options.RetentionBytes > 0)
        {
            for (int round = 0; round < 64 && _store.UsedBytes() > _options.RetentionBytes; round++)
            {
                long oldest, newest;
                lock (_headLock)
                {
                    oldest = long.MaxValue; newest = long.MinValue;
                    foreach (var s in _byRef.Values)
                    {
                        if (s.OldestChunkTime < oldest) oldest = s.OldestChunkTime;
                        if (s.LastTimestamp > newest) newest = s.LastTimestamp;
                    }
                }
                if (oldest == long.MaxValue) break; // only head data left
                long step = Math.Max(60_000, (newest - oldest) / 10);
                deleted += DeleteBefore(oldest + step);
            }
        }
        if (deleted > 0)
        {
            lock (_writeLock) { if (!_disposed) _store.IncrementalVacuum(); }
        }
        return deleted;
    }

    private int DeleteBefore(long cutoff)
    {
        int deleted = 0;
        lock (_writeLock)
        {
            if (_disposed) return 0;
            List<MemSeries> affected;
            lock (_headLock) affected = _byRef.Values.Where(s => s.OldestChunkTime < cutoff || (s.HeadChunk is null && s.Pending is null && s.LastTimestamp < cutoff)).ToList();
            if (affected.Count == 0) return 0;
            var dropped = new List<MemSeries>();
            using (var tx = _store.BeginTransaction())
            {
                foreach (var s in affected)
                {
                    if (s.OldestChunkTime < cutoff)
                    {
                        deleted += _store.DeleteChunksBefore(s.Ref, cutoff);
                        s.OldestChunkTime = _store.OldestChunkTime(s.Ref) ?? long.MaxValue;
                    }
                    if (s.OldestChunkTime == long.MaxValue && s.HeadChunk is null && s.Pending is null && s.LastTimestamp < cutoff)
                    {
                        _store.DeleteSeries(s.Ref);
                        dropped.Add(s);
                    }
                }
                tx.Commit();
            }
            lock (_headLock)
            {
                foreach (var s in dropped)
                {
                    _byRef.Remove(s.Ref);
                    _byLabels.Remove(s.Labels);
                    _index.Remove(s.Ref, s.Labels);
                }
            }
        }
        return deleted;
    }
}
