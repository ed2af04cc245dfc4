using Mlobs.Storage.Labels;
using Mlobs.Storage.Tsdb.Chunks;

namespace Mlobs.Storage.Tsdb.Head;

/// <summary>
/// A series in memory: its identity, its open head chunk, finished chunks waiting to be written as one group
/// row, and what the next head chunk should be encoded with. Guarded by the head lock.
/// </summary>
internal sealed class MemSeries(ulong seriesRef, LabelSet labels)
{
    public ulong Ref { get; } = seriesRef;
    public LabelSet Labels { get; } = labels;

    public ChunkAppender? HeadChunk;
    public ChunkRecoder.Choice NextChoice = new(ChunkEncoding.DecimalDelta, 0, 2);

    /// <summary>False until the encoding choice has been fitted to this series' own samples.</summary>
    public bool Tuned;

    /// <summary>Chunks cut with <see cref="NextChoice"/> reused since the last full search (see TsdbDatabase.CutHead).</summary>
    public byte CutsSinceSearch;

    /// <summary>Size of the last finished chunk (0 before the first cut): a reused choice must stay near it.</summary>
    public ushort LastChunkBytes;

    /// <summary>
    /// Finished chunks not yet in the chunks table (in <see cref="PendingChunks"/> format, null when none); kept
    /// durable by the head checkpoint and the WAL.
    /// </summary>
    public byte[]? Pending;
    public int PendingCount;

    public long LastTimestamp = long.MinValue;
    public double LastValue;

    /// <summary>Oldest min_time among this series' persisted chunk groups, long.MaxValue when none (for retention).</summary>
    public long OldestChunkTime = long.MaxValue;

    /// <summary>Has a row in the series table.</summary>
    public bool Persisted;

    /// <summary>Queued to get its series row in the batch being committed.</summary>
    public bool QueuedForPersist;

    public long FirstInMemoryTime =>
        Pending is { } p ? PendingChunks.FirstMinTime(p) : HeadChunk?.MinTime ?? long.MaxValue;
}
