namespace Mlobs.Storage.Tsdb;

public sealed partial class TsdbDatabase
{
    /// <summary>
    /// Retention, decided from the store: deletes every chunk group that ended before now − retention time, then,
    /// while the files hold more than <see cref="TsdbOptions.RetentionBytes"/>, the groups that ended first, oldest
    /// first (as Prometheus deletes its oldest blocks), measuring the files again after each round. Series left
    /// without samples are deleted if they are cold; a head series keeps its row (an appender may hold it) and
    /// goes cold, then away, through head GC. The head's own chunks are never deleted. Returns the groups deleted.
    /// </summary>
    public int ApplyRetention(long nowMs)
    {
        int deleted = 0;
        lock (_writeLock)
        {
            if (_disposed) return 0;
            long cutoff = nowMs - (long)_options.RetentionTime.TotalMilliseconds;
            deleted += DeleteGroups(() => _store.DeleteGroupsEndingBefore(cutoff));
            if (deleted > 0 || _options.RetentionBytes > 0) Compact();
            if (_options.RetentionBytes <= 0) return deleted;
            for (int round = 0; round < 32; round++)
            {
                long excess = StoredBytes() - _options.RetentionBytes;
                if (excess <= 0) break;
                int n = DeleteGroups(() =>
                {
                    var victims = _store.OldestGroups(excess);
                    var series = new HashSet<ulong>();
                    foreach (var (id, seriesId) in victims)
                    {
                        _store.DeleteChunkGroup(id);
                        series.Add(seriesId);
                    }
                    return (series.ToList(), victims.Count);
                });
                if (n == 0) break; // only the head is left
                deleted += n;
                Compact();
            }
        }
        return deleted;
    }

    /// <summary>
    /// What the data directory's TSDB files hold: the database's pages in use plus its write-ahead file (Prometheus
    /// counts its WAL and head chunks against retention.size too).
    /// </summary>
    private long StoredBytes()
    {
        var wal = new FileInfo(_options.DatabasePath + "-wal");
        return _store.UsedBytes() + (wal.Exists ? wal.Length : 0);
    }

    /// <summary>Gives freed pages back to the file system and folds the write-ahead file into the database.</summary>
    private void Compact()
    {
        _store.IncrementalVacuum();
        try { _store.CheckpointWal(); }
        catch (Microsoft.Data.Sqlite.SqliteException) { /* readers busy: the next round or SQLite's own checkpoint does it */ }
    }

    /// <summary>
    /// Runs a deletion of groups in one transaction, then brings the bounds of the series that lost groups up to
    /// date (in the store and, for head series, in memory) and deletes cold series left empty. When a head series lost
    /// groups, the transaction also writes a head checkpoint: the WAL may still hold the deleted samples (history
    /// imported moments ago), and a crash must not replay them back. Caller holds the write lock.
    /// </summary>
    private int DeleteGroups(Func<(List<ulong> Series, int Deleted)> delete)
    {
        int deleted;
        bool headTouched = false;
        var emptied = new List<(ulong Ref, long? Min, long? Max)>();
        using (var tx = _store.BeginTransaction())
        {
            var (series, n) = delete();
            deleted = n;
            foreach (var id in series)
            {
                var (min, max) = _store.RecomputeBounds(id);
                emptied.Add((id, min, max));
                lock (_headLock) headTouched |= _byRef.Get(id) is not null;
            }
            foreach (var (id, min, _) in emptied)
            {
                if (min is not null) continue;
                bool inHead;
                lock (_headLock) inHead = _byRef.Get(id) is not null;
                // A cold series without groups has no samples left. (One an appender is bringing back right now
                // gets a new row from its commit: PrepareForWrite sees the row gone.)
                if (!inHead && _store.GetSeries(id) is { } row)
                {
                    Model.Labels.LabelSet labels;
                    lock (_headLock) labels = Index.LabelSetCodec.Decode(row.Labels, _symbols);
                    DeleteStoredSeries(id, labels);
                }
            }
            if (headTouched)
            {
                WriteGroups();
                WriteHeadSnapshot(_walSeq);
            }
            tx.Commit();
        }
        if (headTouched)
        {
            _changedSinceCheckpoint = false;
            GroupsCommitted();
        }
        lock (_headLock)
        {
            foreach (var (id, min, max) in emptied)
            {
                if (_byRef.Get(id) is not { } s) continue;
                s.PersistedMinTime = min ?? long.MaxValue;
                s.PersistedMaxTime = max ?? long.MinValue;
                // Nothing stored and nothing in memory: the series has no samples any more.
                if (min is null && !s.HasInMemoryData && s.Unwritten is null)
                {
                    s.LastTimestamp = long.MinValue;
                    s.LastValueKnown = true;
                }
            }
        }
        return deleted;
    }
}
