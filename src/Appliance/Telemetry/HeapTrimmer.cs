using System.Runtime;

namespace Mlobs.Appliance.Telemetry;

/// <summary>
/// Periodically runs a full compacting collection. The head's finished chunks live for minutes and then become
/// garbage in gen2, which a workstation GC collects rarely; on a box sized for 10k series that garbage was a
/// fifth of the resident memory. One full collection of a ~25 MB heap a minute costs well under 0.1% of a core.
/// </summary>
public sealed class HeapTrimmer : IDisposable
{
    private readonly Timer _timer;
    private int _requested;

    public HeapTrimmer(TimeSpan interval) =>
        _timer = new Timer(_ => Trim(), null, interval, interval);

    /// <summary>Above this the heap is busy with queries, not idle garbage, and a blocking full collection would pause scrapes for longer.</summary>
    private const long MaxHeapToTrim = 128L * 1024 * 1024;

    /// <summary>
    /// Asks for a collection at the next tick whatever the heap's size: a large part of it just became garbage (many
    /// series left the head, and their scrape-cache entries with them), which is exactly what should go back to the OS.
    /// </summary>
    public void Request() => Interlocked.Exchange(ref _requested, 1);

    private void Trim()
    {
        bool requested = Interlocked.Exchange(ref _requested, 0) == 1;
        if (!requested && GC.GetTotalMemory(forceFullCollection: false) > MaxHeapToTrim) return;
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    public void Dispose() => _timer.Dispose();
}
