namespace Mlobs.Ingest.Scrape;

/// <summary>
/// Staleness markers for scrape loops that stopped because their target went away or their config changed
/// (Prometheus's scrapeLoop.endOfRunStaleness). A stopped loop waits until its next scrape would have been, then
/// one more interval and a tenth, and only then marks every series of its last scrape stale at that first time: a
/// loop that replaced it for the same target has scraped by then, so its newer samples make those markers out of
/// order and they are dropped, while series no loop scrapes any more end at once instead of lingering for the
/// five-minute lookback. On shutdown nothing is marked (the next start carries on where this one stopped).
/// </summary>
public sealed class EndOfRunStaleness : IAsyncDisposable
{
    private readonly CancellationTokenSource _shutdown = new();
    private readonly List<Task> _pending = [];

    /// <summary>Marks the stopped loop's series stale in the background, as described above.</summary>
    public void Schedule(ScrapeLoop stopped)
    {
        if (stopped.NextScrape is not { } staleTime) return; // it never scraped: nothing to mark
        var interval = stopped.Target.Interval;
        var task = Task.Run(async () =>
        {
            var writeAt = staleTime + interval + interval / 10;
            var wait = writeAt - DateTimeOffset.UtcNow;
            try
            {
                if (wait > TimeSpan.Zero) await Task.Delay(wait, _shutdown.Token).ConfigureAwait(false);
                stopped.MarkAllStale(staleTime.ToUnixTimeMilliseconds());
            }
            catch (OperationCanceledException) { }
            catch (ObjectDisposedException) { } // the store closed first: shutting down
        });
        lock (_pending)
        {
            _pending.RemoveAll(t => t.IsCompleted);
            _pending.Add(task);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync().ConfigureAwait(false);
        Task[] pending;
        lock (_pending) pending = _pending.ToArray();
        await Task.WhenAll(pending).ConfigureAwait(false);
        _shutdown.Dispose();
    }
}
