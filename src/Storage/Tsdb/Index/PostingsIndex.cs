using Mlobs.Model.Labels;

namespace Mlobs.Storage.Tsdb.Index;

/// <summary>
/// Inverted index: label name → value → series refs in ascending order. New series get increasing refs and are
/// appended; a series brought back from the cold index keeps its old ref and is inserted in place (Remove finds
/// refs by binary search, and a list must never hold a ref twice). Used to narrow candidates before matchers are
/// checked on each series.
/// Not thread-safe: guarded by the head lock.
/// </summary>
internal sealed class PostingsIndex
{
    private readonly Dictionary<string, Dictionary<string, List<ulong>>> _postings = new(StringComparer.Ordinal);

    public void Add(ulong seriesRef, LabelSet labels)
    {
        foreach (var l in labels.AsSpan())
        {
            if (!_postings.TryGetValue(l.Name, out var values))
            {
                values = new Dictionary<string, List<ulong>>(StringComparer.Ordinal);
                _postings[l.Name] = values;
            }
            if (!values.TryGetValue(l.Value, out var refs))
            {
                refs = new List<ulong>(1);
                values[l.Value] = refs;
            }
            if (refs.Count == 0 || refs[^1] < seriesRef) refs.Add(seriesRef);
            else
            {
                int i = refs.BinarySearch(seriesRef);
                if (i < 0) refs.Insert(~i, seriesRef);
            }
        }
    }

    public void Remove(ulong seriesRef, LabelSet labels)
    {
        foreach (var l in labels.AsSpan())
        {
            if (!_postings.TryGetValue(l.Name, out var values) || !values.TryGetValue(l.Value, out var refs)) continue;
            int i = refs.BinarySearch(seriesRef);
            if (i >= 0) refs.RemoveAt(i);
            if (refs.Count == 0)
            {
                values.Remove(l.Value);
                if (values.Count == 0) _postings.Remove(l.Name);
            }
        }
    }

    public IEnumerable<string> LabelNames => _postings.Keys;

    public IEnumerable<string> LabelValues(string name) =>
        _postings.TryGetValue(name, out var values) ? values.Keys : [];

    /// <summary>
    /// Candidate refs for the matchers: the smallest postings list implied by a matcher that cannot match an
    /// empty value (so the series must carry that label), or null meaning "all series".
    /// </summary>
    public IReadOnlyList<ulong>? Candidates(ReadOnlySpan<LabelMatcher> matchers)
    {
        IReadOnlyList<ulong>? best = null;
        foreach (var m in matchers)
        {
            if (m.MatchesEmpty) continue;
            IReadOnlyList<ulong> refs;
            if (m.Type == LabelMatchType.Equal)
            {
                refs = _postings.TryGetValue(m.Name, out var values) && values.TryGetValue(m.Value, out var list)
                    ? list : [];
            }
            else
            {
                if (!_postings.TryGetValue(m.Name, out var values)) return [];
                var union = new List<ulong>();
                foreach (var (value, list) in values)
                {
                    if (m.Matches(value)) union.AddRange(list);
                }
                union.Sort();
                refs = union;
            }
            if (best is null || refs.Count < best.Count) best = refs;
            if (best.Count == 0) break;
        }
        return best;
    }
}
