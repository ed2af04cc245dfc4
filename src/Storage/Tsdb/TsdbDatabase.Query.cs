using Microsoft.Data.Sqlite;
using Mlobs.Model.Labels;
using Mlobs.Storage.Tsdb.Chunks;
using Mlobs.Storage.Tsdb.Head;
using Mlobs.Storage.Tsdb.Index;
using Mlobs.Storage.Tsdb.Sqlite;

namespace Mlobs.Storage.Tsdb;

public sealed partial class TsdbDatabase
{
    internal SqliteConnection RentReader() => _store.RentReader();
    internal void ReturnReader(SqliteConnection c) => _store.ReturnReader(c);

    /// <summary>
    /// Series matching every matcher with samples that may lie in [minTime, maxTime]: the head's (with copies of
    /// their in-memory chunks, so a query reads a consistent view while appends go on), then the cold index's.
    /// The head is read first and the cold index after, so a series moving between them meanwhile is found in one
    /// or the other (and, found in both, taken from the head once).
    /// </summary>
    internal List<TsdbSeries> SelectSeries(LabelMatcher[] matchers, long minTime, long maxTime, TsdbQuerier querier, bool labelsOnly)
    {
        var result = new List<TsdbSeries>();
        // Refs of the matching head series, ascending (the postings and the ref table are walked in ref order).
        List<ulong>? inHead = null;
        bool anyCold;
        lock (_headLock)
        {
            anyCold = _anyCold;
            foreach (var s in Matching(matchers))
            {
                if (anyCold) (inHead ??= []).Add(s.Ref);
                if (!s.MayHaveDataIn(minTime, maxTime)) continue;
                if (labelsOnly)
                {
                    result.Add(new TsdbSeries(s.Labels, s.Ref, null, long.MinValue, querier, minTime, maxTime));
                    continue;
                }
                // Stored groups are all older than what memory holds; the query reads them only before that point,
                // so a group committed while it runs is not read twice.
                long storedBefore = s.FirstUnstoredTime;
                if (s.PersistedMinTime > maxTime || s.PersistedMaxTime < minTime) storedBefore = long.MinValue;
                List<(byte[] Data, int Offset, int Length)>? memory = null;
                if (s.Unwritten is { } unwritten)
                {
                    foreach (var (gMin, gMax, data) in unwritten)
                        if (gMin <= maxTime && gMax >= minTime) ChunkGroup.Split(data, memory ??= []);
                }
                foreach (var p in PendingChunks.Enumerate(s.Pending))
                    if (p.MinTime <= maxTime && p.MaxTime >= minTime) (memory ??= []).Add((s.Pending!, p.Offset, p.Length));
                var head = s.HeadChunk;
                if (head is not null && head.MinTime <= maxTime && head.MaxTime >= minTime)
                {
                    var copy = head.ToBytes();
                    (memory ??= []).Add((copy, 0, copy.Length));
                }
                if (storedBefore == long.MinValue && memory is null) continue;
                result.Add(new TsdbSeries(s.Labels, s.Ref, memory, storedBefore, querier, minTime, maxTime));
            }
        }
        if (!anyCold) return result;
        foreach (var (id, labels) in SelectCold(querier.Reader, matchers, minTime, maxTime))
        {
            if (inHead is not null && inHead.BinarySearch(id) >= 0) continue;
            result.Add(new TsdbSeries(labels, id, null, labelsOnly ? long.MinValue : long.MaxValue, querier, minTime, maxTime));
        }
        return result;
    }

    /// <summary>
    /// Cold series matching every matcher with samples in [minTime, maxTime]: candidates from the postings of one
    /// matcher that needs the label (an equality first, else the values another matcher accepts), then every
    /// matcher checked on the decoded labels.
    /// </summary>
    private List<(ulong Id, LabelSet Labels)> SelectCold(SqliteConnection reader, LabelMatcher[] matchers, long minTime, long maxTime)
    {
        var driver = matchers.FirstOrDefault(m => m.Type == LabelMatchType.Equal && !m.MatchesEmpty && m.Name == LabelSet.MetricName)
                     ?? matchers.FirstOrDefault(m => m.Type == LabelMatchType.Equal && !m.MatchesEmpty)
                     ?? matchers.FirstOrDefault(m => !m.MatchesEmpty);
        var rows = new List<SqliteStore.SeriesRow>();
        int name = 0, value = 0;
        bool known;
        lock (_headLock)
        {
            known = driver is null || _symbols.TryGetId(driver.Name, out name)
                    && (driver.Type != LabelMatchType.Equal || _symbols.TryGetId(driver.Value, out value));
        }
        if (!known) return [];
        if (driver is null) ColdIndex.AllSeries(reader, minTime, maxTime, rows);
        else if (driver.Type == LabelMatchType.Equal) ColdIndex.SeriesWith(reader, name, value, minTime, maxTime, rows);
        else
        {
            var values = ColdIndex.Values(reader, name);
            var accepted = new HashSet<int>();
            lock (_headLock)
            {
                foreach (int v in values)
                    if (driver.Matches(_symbols[v])) accepted.Add(v);
            }
            if (accepted.Count == 0) return [];
            if (accepted.Count <= 64)
                foreach (int v in accepted) ColdIndex.SeriesWith(reader, name, v, minTime, maxTime, rows);
            else ColdIndex.SeriesWithAny(reader, name, accepted, minTime, maxTime, rows);
        }
        var result = new List<(ulong, LabelSet)>(rows.Count);
        lock (_headLock)
        {
            foreach (var row in rows)
            {
                var labels = LabelSetCodec.Decode(row.Labels, _symbols);
                if (LabelMatcher.MatchAll(matchers, labels)) result.Add((row.Id, labels));
            }
        }
        return result;
    }

    internal IReadOnlyList<string> LabelNames(LabelMatcher[] matchers, long minTime, long maxTime, TsdbQuerier querier)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        bool anyCold;
        lock (_headLock)
        {
            anyCold = _anyCold;
            foreach (var s in Matching(matchers))
            {
                if (!s.MayHaveDataIn(minTime, maxTime)) continue;
                foreach (var l in s.Labels.AsSpan()) names.Add(l.Name);
            }
        }
        if (!anyCold) return names.ToList();
        if (matchers.Length > 0)
        {
            foreach (var (_, labels) in SelectCold(querier.Reader, matchers, minTime, maxTime))
                foreach (var l in labels.AsSpan()) names.Add(l.Name);
            return names.ToList();
        }
        var candidates = ColdIndex.Names(querier.Reader);
        List<(int Id, string Name)> unseen;
        lock (_headLock) unseen = candidates.Select(id => (id, _symbols[id])).Where(c => !names.Contains(c.Item2)).ToList();
        foreach (var (id, name) in unseen)
            if (ColdIndex.NameIn(querier.Reader, id, minTime, maxTime)) names.Add(name);
        return names.ToList();
    }

    internal IReadOnlyList<string> LabelValues(string name, LabelMatcher[] matchers, long minTime, long maxTime, TsdbQuerier querier)
    {
        var values = new SortedSet<string>(StringComparer.Ordinal);
        bool anyCold;
        lock (_headLock)
        {
            anyCold = _anyCold;
            foreach (var s in Matching(matchers))
            {
                if (!s.MayHaveDataIn(minTime, maxTime)) continue;
                var v = s.Labels.Get(name);
                if (v is not null) values.Add(v);
            }
        }
        if (!anyCold) return values.ToList();
        if (matchers.Length > 0)
        {
            foreach (var (_, labels) in SelectCold(querier.Reader, matchers, minTime, maxTime))
                if (labels.Get(name) is { } v) values.Add(v);
            return values.ToList();
        }
        int nameId;
        lock (_headLock) { if (!_symbols.TryGetId(name, out nameId)) return values.ToList(); }
        var ids = ColdIndex.ValuesIn(querier.Reader, nameId, minTime, maxTime);
        lock (_headLock) foreach (int id in ids) values.Add(_symbols[id]);
        return values.ToList();
    }

    /// <summary>Head series matching every matcher; caller holds the head lock.</summary>
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
