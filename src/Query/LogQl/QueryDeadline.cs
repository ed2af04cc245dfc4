using System.Diagnostics;

namespace Mlobs.Query.LogQl;

/// <summary>
/// When a log scan must stop: the caller cancelled or the query's time is up. Checked by the scan itself (every
/// thousand lines) rather than by a timer, because a scan that keeps every core busy would delay the timer's
/// callback on the thread pool well past the timeout.
/// </summary>
public readonly struct QueryDeadline(CancellationToken ct, TimeSpan timeout)
{
    private readonly long _deadline = timeout == Timeout.InfiniteTimeSpan || timeout == TimeSpan.MaxValue
        ? long.MaxValue
        : Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);

    public static QueryDeadline None => new(CancellationToken.None, Timeout.InfiniteTimeSpan);

    /// <summary>Throws <see cref="OperationCanceledException"/> once cancelled or past the deadline.</summary>
    public void ThrowIfExpired()
    {
        ct.ThrowIfCancellationRequested();
        if (_deadline != long.MaxValue && Stopwatch.GetTimestamp() > _deadline) throw new OperationCanceledException("query timed out");
    }
}
