namespace Mlobs.Storage.Logs;

public sealed partial class LogStore
{
    /// <summary>
    /// Deletes lines older than now − <see cref="LogStoreOptions.RetentionTime"/>: partitions that ended before then
    /// are dropped whole; in the partition the cutoff falls in, blocks that ended before it are deleted (a block is
    /// kept while any of its lines is young enough). Then, while the store uses more than
    /// <see cref="LogStoreOptions.RetentionBytes"/>, the oldest partition goes, and in the last one the oldest blocks.
    /// Freed pages are given back to the file system. Returns the partitions and blocks deleted.
    /// </summary>
    public (int Partitions, int Blocks) ApplyRetention(long nowNs)
    {
        lock (_writeLock)
        {
            if (_disposed) return (0, 0);
            long cutoff = nowNs - Options.RetentionTime.Ticks * 100;
            int partitions = 0, blocks = 0;
            foreach (var p in _partitions.Where(p => p.EndNs <= cutoff).ToList())
            {
                DropPartition(p);
                partitions++;
            }
            using (var tx = _db.BeginTransaction())
            {
                foreach (var p in _partitions.Where(p => p.StartNs < cutoff))
                    blocks += DeleteBlocks(p, $"max_ts < {cutoff}", tx);
                long headRemoved = Scalar(_db, $"SELECT coalesce(sum(length(CAST(line AS BLOB))), 0) FROM head WHERE ts < {cutoff}", tx);
                if (headRemoved > 0)
                {
                    Execute(_db, $"DELETE FROM head WHERE ts < {cutoff}", tx);
                    _headBytes = Math.Max(0, _headBytes - headRemoved);
                }
                tx.Commit();
            }
            if (Options.RetentionBytes > 0)
            {
                for (int round = 0; round < 64 && UsedBytes() > Options.RetentionBytes; round++)
                {
                    if (_partitions.Count > 1)
                    {
                        DropPartition(_partitions[0]);
                        partitions++;
                        continue;
                    }
                    if (_partitions.Count == 0) break;
                    // One partition left: its oldest tenth of blocks per round (the head is never cut).
                    var last = _partitions[0];
                    using var tx = _db.BeginTransaction();
                    long count = Scalar(_db, $"SELECT count(*) FROM {last.BlocksTable}", tx);
                    if (count == 0) break;
                    blocks += DeleteBlocks(last, $"id IN (SELECT id FROM {last.BlocksTable} ORDER BY max_ts LIMIT {Math.Max(1, count / 10)})", tx);
                    tx.Commit();
                    Execute(_db, "PRAGMA incremental_vacuum");
                }
            }
            if (partitions + blocks > 0) Execute(_db, "PRAGMA incremental_vacuum");
            return (partitions, blocks);
        }
    }

    private void DropPartition(LogPartition p)
    {
        using (var tx = _db.BeginTransaction())
        {
            Execute(_db, $"DROP TABLE IF EXISTS {p.TextTable}; DROP TABLE IF EXISTS {p.BlocksTable}; DELETE FROM partitions WHERE start_ns = {p.StartNs};", tx);
            tx.Commit();
        }
        _partitions.Remove(p);
    }

    /// <summary>Deletes blocks; their entries in the text index stay until the partition is dropped (they point at no block, so match nothing).</summary>
    private int DeleteBlocks(LogPartition p, string where, Microsoft.Data.Sqlite.SqliteTransaction tx)
    {
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"DELETE FROM {p.BlocksTable} WHERE {where}";
        return cmd.ExecuteNonQuery();
    }

    /// <summary>Bytes in use in the database file (its pages less the free ones).</summary>
    public long UsedBytes()
    {
        lock (_writeLock)
        {
            return (Scalar(_db, "PRAGMA page_count") - Scalar(_db, "PRAGMA freelist_count")) * Scalar(_db, "PRAGMA page_size");
        }
    }
}
