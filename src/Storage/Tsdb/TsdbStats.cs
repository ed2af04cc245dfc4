namespace Mlobs.Storage.Tsdb;

/// <summary>Counters the TSDB keeps for /metrics and the benchmarks.</summary>
public sealed class TsdbStats
{
    internal long SamplesAppended, OutOfOrder, Duplicates, OutOfBounds, SeriesCreated, ChunksWritten, Checkpoints, WalBytes, GroupMerges, SeriesToCold, SeriesRestored;

    public long SamplesAppendedTotal => Interlocked.Read(ref SamplesAppended);
    public long OutOfOrderTotal => Interlocked.Read(ref OutOfOrder);
    public long DuplicatesTotal => Interlocked.Read(ref Duplicates);
    public long OutOfBoundsTotal => Interlocked.Read(ref OutOfBounds);
    public long SeriesCreatedTotal => Interlocked.Read(ref SeriesCreated);
    public long ChunksWrittenTotal => Interlocked.Read(ref ChunksWritten);
    public long CheckpointsTotal => Interlocked.Read(ref Checkpoints);
    public long WalBytesTotal => Interlocked.Read(ref WalBytes);
    /// <summary>Groups that arrived where the store already had one and were merged with it, not dropped.</summary>
    public long GroupMergesTotal => Interlocked.Read(ref GroupMerges);
    /// <summary>Series that left the head for the cold index (head GC).</summary>
    public long SeriesToColdTotal => Interlocked.Read(ref SeriesToCold);
    /// <summary>Series brought back into the head from the cold index.</summary>
    public long SeriesRestoredTotal => Interlocked.Read(ref SeriesRestored);
}
