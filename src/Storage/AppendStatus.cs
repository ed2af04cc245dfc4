namespace Mlobs.Storage;

/// <summary>
/// Outcome of appending one sample. Rejections are values, not exceptions, because a scrape counts
/// them per sample on the hot path (Prometheus's ErrOutOfOrderSample, ErrDuplicateSampleForTimestamp, ErrOutOfBounds).
/// </summary>
public enum AppendStatus
{
    Ok,
    /// <summary>Older than the newest sample of the series.</summary>
    OutOfOrder,
    /// <summary>Same timestamp as the newest sample but a different value.</summary>
    DuplicateTimestamp,
    /// <summary>Older than what the store keeps (before the retention window).</summary>
    OutOfBounds,
}
