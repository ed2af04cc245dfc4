using Mlobs.Storage.Labels;
using Mlobs.Storage.Tsdb.Chunks;

namespace Mlobs.Storage.Tsdb.Head;

/// <summary>
/// A series in memory: its identity, its open head chunk and what the next head chunk should be encoded with.
/// Finished chunks live only in SQLite. Guarded by the head lock.
/// </summary>
internal sealed class MemSeries(ulong seriesRef, LabelSet labels)
{
    public ulong Ref { get; } = seriesRef;
    public LabelSet Labels { get; } = labels;

    public ChunkAppender? HeadChunk;
    public ChunkRecoder.Choice NextChoice = new(ChunkEncoding.DecimalDelta, 0, 2);

    public long LastTimestamp = long.MinValue;
    public double LastValue;

    /// <summary>Oldest min_time among this series' persisted chunks, long.MaxValue when none (for retention).</summary>
    public long OldestChunkTime = long.MaxValue;

    /// <summary>Has a row in the series table.</summary>
    public bool Persisted;

    /// <summary>Head chunk changed since the last checkpoint.</summary>
    public bool Dirty;
}
