using System.Runtime;

namespace Mlobs.Appliance.Telemetry;

/// <summary>
/// Periodically runs a full compacting collection that gives unused memory back to the OS. The head's finished
/// chunks live for minutes and then become garbage in gen2, which a workstation GC collects rarely; on a box sized
/// for 10k series that garbage was a fifth of the resident memory. A trim runs when the heap is small (under
/// 128 MB, a collection costs well under 0.1% of a core a minute), when the heap has grown to more than twice what
/// was live after the last trim (a query or API answer over 100k series leaves tens of megabytes of garbage behind,
/// and a big live head must not be collected every 30 s for nothing), or when asked (many series left the head).
/// </summary>
public sealed class HeapTrimmer : IDisposable
{
    private readonly Timer _timer;
    private int _requested;
    private long _liveAfterTrim;

    public HeapTrimmer(TimeSpan interval) =>
        _timer = new Timer(_ => Trim(), null, interval, interval);

    private const long SmallHeap = 128L * 1024 * 1024;

    /// <summary>
    /// Asks for a collection at the next tick whatever the heap's size: a large part of it just became garbage (many
    /// series left the head, and their scrape-cache entries with them), which is exactly what should go back to the OS.
    /// </summary>
    public void Request() => Interlocked.Exchange(ref _requested, 1);

    private void Trim()
    {
        bool requested = Interlocked.Exchange(ref _requested, 0) == 1;
        long heap = GC.GetTotalMemory(forceFullCollection: false);
        if (!requested && heap > SmallHeap && heap <= 2 * _liveAfterTrim + 32 * 1024 * 1024) return;
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        _liveAfterTrim = GC.GetTotalMemory(forceFullCollection: false);
    }

    public void Dispose() => _timer.Dispose();
}
