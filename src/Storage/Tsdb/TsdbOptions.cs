namespace Mlobs.Storage.Tsdb;

/// <summary>Settings of one TSDB directory.</summary>
public sealed record TsdbOptions
{
    public required string Directory { get; init; }

    /// <summary>Samples are dropped once older than this (Prometheus's --storage.tsdb.retention.time, default 15d).</summary>
    public TimeSpan RetentionTime { get; init; } = TimeSpan.FromDays(15);

    /// <summary>Oldest chunks are dropped while the store uses more than this many bytes; 0 = no limit.</summary>
    public long RetentionBytes { get; init; }

    /// <summary>A head chunk is cut after this many samples (Prometheus uses 120).</summary>
    public int SamplesPerChunk { get; init; } = 120;

    /// <summary>A head chunk is also cut when it would span more than this (keeps retention granular).</summary>
    public long MaxChunkSpanMs { get; init; } = 2 * 3600 * 1000;

    /// <summary>Finished chunks of a series are written together, this many to a row (amortises per-row cost).</summary>
    public int ChunksPerGroup { get; init; } = 4;

    /// <summary>A group row is also written once its chunks span this long, bounding how far back a row starts.</summary>
    public long MaxGroupSpanMs { get; init; } = 6 * 3600 * 1000;

    /// <summary>How often open head chunks are checkpointed and the WAL rows they cover deleted.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A series with no sample committed for this long (wall clock) leaves the head: its chunks are written out and it
    /// is found through the cold index on disk from then on (head GC; Prometheus keeps a stopped series in memory
    /// for one to three hours, until the head is truncated).
    /// </summary>
    public long IdleSeriesMs { get; init; } = 30 * 60 * 1000;

    /// <summary>As <see cref="IdleSeriesMs"/>, for a series whose last sample is a staleness marker (its target or the series itself went away).</summary>
    public long StaleSeriesIdleMs { get; init; } = 5 * 60 * 1000;

    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>SQLite page size, chosen by measurement (bench/README.md).</summary>
    public int PageSize { get; init; } = 4096;

    /// <summary>
    /// False for the verbs that only read a data dir (<c>mlobs query --data</c>...): opening a directory without a
    /// store then fails instead of creating one (a typo must not leave an empty store and answer "no series").
    /// </summary>
    public bool CreateIfMissing { get; init; } = true;

    /// <summary>The wall clock head GC judges idleness by (tests move it; samples carry their own timestamps).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public string DatabasePath => Path.Combine(Directory, "tsdb.sqlite");
}
