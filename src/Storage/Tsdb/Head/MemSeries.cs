using Mlobs.Model.Labels;
using Mlobs.Storage.Tsdb.Chunks;

namespace Mlobs.Storage.Tsdb.Head;

/// <summary>
/// A series in the head (in memory): its identity, its open head chunk, finished chunks waiting to be written as
/// one group row, the time bounds of what it already has in the chunks table, and what the next head chunk should
/// be encoded with. Guarded by the head lock. A series without samples for a while leaves the head
/// (TsdbDatabase.HeadGc) and is then found through the store's cold index, as Prometheus finds a series in a block.
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

    /// <summary>
    /// Groups flushed from <see cref="Pending"/> in the batch being committed (chunk group format): queries read them
    /// from here until the commit makes them visible in the chunks table. Null when none.
    /// </summary>
    public List<(long MinTime, long MaxTime, byte[] Data)>? Unwritten;

    /// <summary>Newest sample of the series anywhere (head or chunks table); long.MinValue when it has none.</summary>
    public long LastTimestamp = long.MinValue;
    public double LastValue;

    /// <summary>
    /// False when <see cref="LastTimestamp"/> was restored from the chunks table without reading the sample: the value
    /// is read only if a sample with that very timestamp arrives (same value: already stored; else a duplicate).
    /// </summary>
    public bool LastValueKnown = true;

    /// <summary>Oldest min_time among this series' persisted chunk groups, long.MaxValue when none.</summary>
    public long PersistedMinTime = long.MaxValue;

    /// <summary>Newest max_time among this series' persisted chunk groups, long.MinValue when none.</summary>
    public long PersistedMaxTime = long.MinValue;

    /// <summary>Has a row in the series table.</summary>
    public bool Persisted;

    /// <summary>Queued to get its series row in the batch being committed.</summary>
    public bool QueuedForPersist;

    /// <summary>Came back into the head from the cold index: the batch that commits its samples marks its row hot.</summary>
    public bool WasCold;

    /// <summary>
    /// Removed from the head (gone cold, or deleted by retention). An appender may still hold it: the commit then
    /// resolves the series again by its labels instead of writing into a detached object.
    /// </summary>
    public bool Detached;

    /// <summary>Wall-clock milliseconds of the last commit that touched the series (or its creation): head GC idles on this.</summary>
    public long LastActiveWallMs;

    /// <summary>Wall-clock gap between the last two commits that touched the series (0 before the second).</summary>
    public long ActiveIntervalMs;

    /// <summary>Records a commit at wallNow (keeps the gap since the previous one).</summary>
    public void Touch(long wallNow)
    {
        long gap = wallNow - LastActiveWallMs;
        if (gap > 0 && LastActiveWallMs != 0) ActiveIntervalMs = gap;
        LastActiveWallMs = wallNow;
    }

    public long FirstInMemoryTime =>
        Pending is { } p ? PendingChunks.FirstMinTime(p) : HeadChunk?.MinTime ?? long.MaxValue;

    public bool HasInMemoryData => HeadChunk is not null || Pending is not null;

    /// <summary>
    /// Time of the oldest sample held in memory (unwritten groups, pending chunks, head chunk), long.MaxValue when
    /// none: every group committed to the chunks table is older, so a query reads stored groups only before it.
    /// </summary>
    public long FirstUnstoredTime
    {
        get
        {
            if (Unwritten is { Count: > 0 } u) return u[0].MinTime;
            return FirstInMemoryTime;
        }
    }


    /// <summary>Oldest sample anywhere: persisted groups all start before the first in-memory chunk.</summary>
    public long FirstTimestamp => Math.Min(PersistedMinTime, FirstInMemoryTime);

    /// <summary>Whether the series holds any sample in [minTime, maxTime] by its bounds (a gap inside may still leave it empty).</summary>
    public bool MayHaveDataIn(long minTime, long maxTime) =>
        LastTimestamp >= minTime && LastTimestamp != long.MinValue && FirstTimestamp <= maxTime;
}
