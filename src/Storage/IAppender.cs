using Mlobs.Model.Labels;

namespace Mlobs.Storage;

/// <summary>
/// A batch of appends made durable together by <see cref="Commit"/> (Prometheus's storage.Appender).
/// <see cref="Append"/> returns a series reference the caller may hand back on the next append of
/// the same series to skip the label lookup; 0 means "unknown".
/// </summary>
public interface IAppender
{
    AppendStatus Append(ref ulong seriesRef, LabelSet labels, long timestampMs, double value);

    /// <summary>Applies and persists all appended samples in one batch.</summary>
    CommitResult Commit();

    /// <summary>Discards everything appended since the appender was created.</summary>
    void Rollback();
}

/// <summary>What a commit did: samples stored, samples rejected by reason, series created.</summary>
public readonly record struct CommitResult(int Appended, int OutOfOrder, int Duplicate, int OutOfBounds, int SeriesCreated);

public interface IAppendable
{
    IAppender Appender();
}

/// <summary>
/// A store that takes history in any order (backfill): samples older than a series' newest are merged into what is
/// stored rather than rejected as out of order. Duplicates of stored samples are kept once.
/// </summary>
public interface IBackfillable
{
    IAppender BackfillAppender();
}
