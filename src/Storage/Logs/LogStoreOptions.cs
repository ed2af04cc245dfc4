namespace Mlobs.Storage.Logs;

/// <summary>How the log store sizes its blocks and partitions, when it flushes, and what it keeps.</summary>
public sealed record LogStoreOptions
{
    /// <summary>A stream's lines are cut into blocks of about this many uncompressed bytes (bigger compresses and indexes better, smaller narrows finer).</summary>
    public int BlockBytes { get; init; } = 256 * 1024;

    /// <summary>The head (lines stored row by row, not yet in blocks) is flushed into blocks once it holds this many bytes…</summary>
    public long HeadFlushBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>…or once its oldest line has waited this long, so quiet streams reach the compressed layout too.</summary>
    public TimeSpan HeadMaxAge { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Width of a time partition (one pair of tables); retention drops whole partitions.</summary>
    public TimeSpan PartitionPeriod { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Lines older than this are deleted (whole partitions dropped, then older blocks of the oldest one).</summary>
    public TimeSpan RetentionTime { get; init; } = TimeSpan.FromDays(15);

    /// <summary>When above zero, the oldest data is deleted while the store uses more bytes than this.</summary>
    public long RetentionBytes { get; init; }
}
