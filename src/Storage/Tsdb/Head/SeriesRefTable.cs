namespace Mlobs.Storage.Tsdb.Head;

/// <summary>
/// Series by ref. Refs are handed out in increasing order, so a paged array indexed by ref replaces a hash map:
/// every appended sample looks its series up here, lock-free, and a dictionary node per series cost ~60 bytes
/// of heap at 10k series. Pages of <see cref="PageSize"/> slots are allocated on demand and released when their
/// last series is dropped by retention, so churn (refs never reused) does not keep dead slots alive.
/// Writes happen under the head lock; reads need no lock (pages are published with volatile writes).
/// </summary>
internal sealed class SeriesRefTable
{
    private const int PageBits = 12;
    private const int PageSize = 1 << PageBits;

    private sealed class Page
    {
        public readonly MemSeries?[] Slots = new MemSeries?[PageSize];
        public int Count;
    }

    private Page?[] _pages = new Page?[16];
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public MemSeries? Get(ulong seriesRef)
    {
        var pages = Volatile.Read(ref _pages);
        ulong p = seriesRef >> PageBits;
        if (p >= (ulong)pages.Length) return null;
        var page = Volatile.Read(ref pages[p]);
        return page is null ? null : Volatile.Read(ref page.Slots[(int)(seriesRef & (PageSize - 1))]);
    }

    public bool TryGetValue(ulong seriesRef, out MemSeries series)
    {
        series = Get(seriesRef)!;
        return series is not null;
    }

    /// <summary>Adds or replaces the series at its ref. Caller holds the head lock.</summary>
    public void Set(MemSeries series)
    {
        ulong p = series.Ref >> PageBits;
        var pages = _pages;
        if (p >= (ulong)pages.Length)
        {
            var grown = new Page?[Math.Max((int)p + 1, pages.Length * 2)];
            pages.CopyTo(grown, 0);
            Volatile.Write(ref _pages, grown);
            pages = grown;
        }
        var page = pages[p];
        if (page is null)
        {
            page = new Page();
            Volatile.Write(ref pages[p], page);
        }
        ref var slot = ref page.Slots[(int)(series.Ref & (PageSize - 1))];
        if (slot is null) { page.Count++; _count++; }
        Volatile.Write(ref slot, series);
    }

    /// <summary>Removes the series at a ref, releasing its page when empty. Caller holds the head lock.</summary>
    public void Remove(ulong seriesRef)
    {
        ulong p = seriesRef >> PageBits;
        var pages = _pages;
        if (p >= (ulong)pages.Length || pages[p] is not { } page) return;
        ref var slot = ref page.Slots[(int)(seriesRef & (PageSize - 1))];
        if (slot is null) return;
        Volatile.Write(ref slot, null);
        _count--;
        if (--page.Count == 0) Volatile.Write(ref pages[p], null);
    }

    /// <summary>All series in ref order. Caller holds the head lock (or no writer runs).</summary>
    public IEnumerable<MemSeries> Values
    {
        get
        {
            foreach (var page in _pages)
            {
                if (page is null) continue;
                foreach (var s in page.Slots)
                    if (s is not null) yield return s;
            }
        }
    }
}
