using System.Runtime.InteropServices;
using Mlobs.Model.Labels;

namespace Mlobs.Ingest.Scrape;

/// <summary>
/// Per-target cache from the raw series bytes of an exposition line to its final labels and storage ref
/// (Prometheus's scrapeCache), so steady scrapes skip label parsing and relabeling. It also remembers which
/// series each scrape saw, to write staleness markers for those that disappear.
/// </summary>
internal sealed class ScrapeCache
{
    public sealed class Entry
    {
        /// <summary>Final labels, or null when metric relabeling dropped the series.</summary>
        public LabelSet? Labels;
        public ulong Ref;
        /// <summary>Iteration in which the series was last seen without an explicit timestamp (staleness tracking).</summary>
        public long SeenIteration = long.MinValue;
        /// <summary>SeenIteration before the current scrape touched it, to undo marks of a rejected scrape.</summary>
        public long PreviousSeenIteration = long.MinValue;
        public long LastUsedIteration;
        public byte[] Key = [];
    }

    private readonly Dictionary<byte[], Entry> _entries = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], Entry>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private long _iteration;
    // Targets expose their series in the same order every time: checking the entry at the same position of the
    // previous scrape first turns most lookups into one vectorised compare, with no hashing.
    private List<Entry> _order = new(), _nextOrder = new();
    private int _position;
    // Entries marked seen in the previous iteration, in this one, and in both: equal first and last counts mean
    // nothing disappeared.
    private int _seenPrevious, _seenNow, _seenAgain;

    public ScrapeCache() => _lookup = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();

    public long Iteration => _iteration;
    public int Count => _entries.Count;

    /// <summary>The key of the series at the current position in the previous scrape (the parser's key hint), or empty.</summary>
    public byte[] ExpectedKey => _position < _order.Count ? _order[_position].Key : [];

    /// <summary>Looks a series up; <paramref name="isExpected"/> says the parser already matched <see cref="ExpectedKey"/>.</summary>
    public bool TryGet(ReadOnlySpan<byte> key, bool isExpected, out Entry entry)
    {
        int pos = _position++;
        if (isExpected) entry = _order[pos];
        else if (pos < _order.Count && key.SequenceEqual(_order[pos].Key)) entry = _order[pos];
        else if (!_lookup.TryGetValue(key, out entry!)) return false;
        entry.LastUsedIteration = _iteration;
        _nextOrder.Add(entry);
        return true;
    }

    public Entry Add(ReadOnlySpan<byte> key, LabelSet? labels)
    {
        var e = new Entry { Labels = labels, LastUsedIteration = _iteration, Key = key.ToArray() };
        _entries[e.Key] = e;
        _nextOrder.Add(e);
        return e;
    }

    /// <summary>Series seen in the previous iteration (without explicit timestamps) but not in the current one; after a failed scrape, all of them.</summary>
    public IEnumerable<Entry> Disappeared()
    {
        // Everything seen last time was seen again: nothing to look for (the steady state, without a walk of the cache).
        if (_seenAgain == _seenPrevious) yield break;
        foreach (var e in _entries.Values)
            if (e.SeenIteration == _iteration - 1 && e.Labels is not null) yield return e;
    }

    /// <summary>Marks a series as seen without an explicit timestamp in the current scrape.</summary>
    public void MarkSeen(Entry e)
    {
        if (e.SeenIteration == _iteration) return;
        if (e.SeenIteration == _iteration - 1) _seenAgain++;
        _seenNow++;
        e.PreviousSeenIteration = e.SeenIteration;
        e.SeenIteration = _iteration;
    }

    /// <summary>Undoes the marks of a scrape whose body was rejected, so staleness is judged from the last good scrape.</summary>
    public void UndoMarks()
    {
        foreach (var e in _entries.Values)
            if (e.SeenIteration == _iteration) e.SeenIteration = e.PreviousSeenIteration;
        _seenAgain = 0;
        _seenNow = 0;
    }

    /// <summary>
    /// Ends an iteration, evicting entries unused for two scrapes so churned series do not pile up (Prometheus drops
    /// what the last scrape did not see): checked every tenth scrape, and at once after a scrape in which series
    /// disappeared (a target that shrank from 100k series to 10 gives their memory back now, not twenty scrapes later).
    /// </summary>
    public void IterationDone(bool success)
    {
        bool disappeared = _seenAgain != _seenPrevious || _nextOrder.Count < _order.Count;
        if (success) (_order, _nextOrder) = (_nextOrder, _order);
        _seenPrevious = _seenNow;
        _seenNow = 0;
        _seenAgain = 0;
        _nextOrder.Clear();
        _position = 0;
        if (success && (_iteration % 10 == 0 || disappeared || _evictPending))
        {
            var stale = new List<byte[]>();
            foreach (var (k, e) in _entries) if (_iteration - e.LastUsedIteration >= 2) stale.Add(k);
            foreach (var k in stale) _entries.Remove(k);
            // Entries of series that just disappeared are still "used" this iteration: look again next time.
            _evictPending = disappeared;
            if (_entries.Count < _entries.EnsureCapacity(0) / 4) _entries.TrimExcess();
        }
        _iteration++;
    }

    private bool _evictPending;

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);
        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);
        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var h = new HashCode();
            h.AddBytes(alternate);
            return h.ToHashCode();
        }
        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
