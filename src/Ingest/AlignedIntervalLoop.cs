namespace Mlobs.Ingest;

/// <summary>
/// Runs a round at every multiple of an interval (re-read before each wait, so a reload changes it), as a scrape loop
/// pointed at an in-process exporter would; a round that throws is reported and the loop goes on.
/// </summary>
public sealed class AlignedIntervalLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public AlignedIntervalLoop(Func<TimeSpan> interval, Action round, Action<Exception>? onError = null, TimeProvider? time = null)
    {
        var clock = time ?? TimeProvider.System;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                long ms = Math.Max(1, (long)interval().TotalMilliseconds);
                // Rounds fall on multiples of the interval, so restarts keep the spacing of the stored samples.
                long wait = ms - clock.GetUtcNow().ToUnixTimeMilliseconds() % ms;
                try { await Task.Delay(TimeSpan.FromMilliseconds(wait), clock, _stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                try { round(); }
                catch (Exception ex) when (ex is not OutOfMemoryException) { onError?.Invoke(ex); }
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
