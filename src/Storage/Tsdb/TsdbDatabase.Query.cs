using Microsoft.Data.Sqlite;
using Mlobs.Storage.Labels;
using Mlobs.Storage.Tsdb.Head;

namespace Mlobs.Storage.Tsdb;

public sealed partial class TsdbDatabase
{
    internal SqliteConnection RentReader() => _store.RentReader();
    internal void ReturnReader(SqliteConnection c) => _store.ReturnReader(c);

    internal List<TsdbSeries> SelectSeries(LabelMatcher[] matchers, long minTime, long maxTime, TsdbQuerier querier)
    {
        var result = new List<TsdbSeries>();
        lock (_headLock)
        {
            foreach (var s in Matching(matchers))
            {
                if (s.LastTimestamp < minTime) continue;
                // Persisted groups all start before the first in-memory chunk.
                bool persisted = s.OldestChunkTime <= maxTime && s.OldestChunkTime != long.MaxValue && minTime < s.FirstInMemoryTime;
                List<(byte[] Data, int Offset, int Length)>? memory = null;
                foreach (var p in PendingChunks.Enumerate(s.Pending))
                    if (p.MinTime <= maxTime && p.MaxTime >= minTime) (memory ??= []).Add((s.Pending!, p.Offset, p.Length));
                var head = s.HeadChunk;
                if (head is not null && head.MinTime <= maxTime && head.MaxTime >= minTime)
                {
                    var copy = head.ToBytes();
                    (memory ??= []).Add((copy, 0, copy.Length));
                }
                if (!persisted && memory is null) continue;
                result.Add(new TsdbSeries(s.Labels, s.Ref, memory, persisted, querier, minTime, maxTime));
            }
        }
        return result;
    }

    internal IReadOnlyList<string> LabelNames(LabelMatcher[] matchers, long minTime, long maxTime)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        lock (_headLock)
        {
            foreach (var s in Matching(matchers))
            {
                if (!HasDataIn(s, minTime, maxTime)) continue;
                foreach (var l in s.Labels.AsSpan()) names.Add(l.Name);
            }
        }
        return names.ToList();
    }

    internal IReadOnlyList<string> LabelValues(string name, LabelMatcher[] matchers, long minTime, long maxTime)
    {
        var values = new SortedSet<string>(StringComparer.Ordinal);
        lock (_headLock)
        {
            foreach (var s in Matching(matchers))
            {
                if (!HasDataIn(s, minTime, maxTime)) continue;
                var v = s.Labels.Get(name);
                if (v is not null) values.Add(v);
            }
        }
        return values.ToList();
    }

    private static bool HasDataIn(MemSeries s, long minTime, long maxTime)
    {
        if (s.LastTimestamp < minTime) return false;
        long first = Math.Min(s.OldestChunkTime, s.FirstInMemoryTime);
        return first <= maxTime;
    }

    /// <summary>Series matching every matcher; caller holds the head lock.</summary>
    private IEnumerable<MemSeries> Matching(LabelMatcher[] matchers)
    {
        var candidates = _index.Candidates(matchers);
        IEnumerable<MemSeries> pool = candidates is null
            ? _byRef.Values
            : candidates.Select(r => _byRef.Get(r)).OfType<MemSeries>();
        foreach (var s in pool)
            if (LabelMatcher.MatchAll(matchers, s.Labels)) yield return s;
    }
}
