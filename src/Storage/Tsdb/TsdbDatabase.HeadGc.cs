using Mlobs.Model;
using Mlobs.Storage.Tsdb.Head;

namespace Mlobs.Storage.Tsdb;

public sealed partial class TsdbDatabase
{
    /// <summary>Series leaving the head at one checkpoint: to the cold index, or deleted when they hold no sample at all.</summary>
    internal readonly record struct HeadGc(List<MemSeries> ToCold, List<(int Name, int Value)[]> Postings, List<MemSeries> Empty)
    {
        public bool IsEmpty => ToCold.Count == 0 && Empty.Count == 0;
    }

    /// <summary>
    /// Head GC (Prometheus's head truncation): a series with no sample committed for <see cref="TsdbOptions.IdleSeriesMs"/>
    /// (or <see cref="TsdbOptions.StaleSeriesIdleMs"/> once a staleness marker ended it; a series that gets samples less
    /// often — an hourly batch metric — gets four of its own intervals, so it does not go back and forth, leaving a
    /// one-sample chunk each time) has its chunks written out and leaves memory; its row is marked cold and indexed on disk by label, so queries, label APIs and a later append
    /// find it there. Idleness is judged by wall clock, not sample time, so imported history leaves the head once the
    /// import is done rather than while it runs. A series an appender created but has not committed is never taken
    /// (it is not persisted yet); one an appender still holds is re-resolved by that appender's commit.
    /// Caller holds the write lock.
    /// </summary>
    private HeadGc CollectIdleSeries(long wallNow)
    {
        var gc = new HeadGc([], [], []);
        lock (_headLock)
        {
            foreach (var s in _byRef.Values)
            {
                if (!s.Persisted || s.QueuedForPersist) continue;
                bool ended = s.LastValueKnown && StaleNaN.Is(s.LastValue);
                // (Only gaps of a minute or more count as a series' own pace; scrapes are seconds apart.)
                long ownPace = s.ActiveIntervalMs >= 60_000 ? Math.Min(4 * s.ActiveIntervalMs, MaxSlowSeriesIdleMs) : 0;
                long idle = ended ? _options.StaleSeriesIdleMs : Math.Max(_options.IdleSeriesMs, ownPace);
                if (wallNow - s.LastActiveWallMs < idle) continue;
                WriteOutHead(s);
                if (s.PersistedMinTime == long.MaxValue)
                {
                    gc.Empty.Add(s);
                    continue;
                }
                gc.ToCold.Add(s);
                var labels = s.Labels.AsSpan();
                var postings = new (int, int)[labels.Length];
                for (int i = 0; i < labels.Length; i++) postings[i] = (_symbols.GetOrAdd(labels[i].Name), _symbols.GetOrAdd(labels[i].Value));
                gc.Postings.Add(postings);
            }
        }
        return gc;
    }

    /// <summary>How long a slow series (see <see cref="CollectIdleSeries"/>) may stay in the head without samples at most.</summary>
    private const long MaxSlowSeriesIdleMs = 6 * 3600 * 1000;

    /// <summary>Marks the series cold and writes their postings; inside the checkpoint's transaction, after their groups.</summary>
    private void WriteHeadGc(HeadGc gc)
    {
        for (int i = 0; i < gc.ToCold.Count; i++)
        {
            var s = gc.ToCold[i];
            _store.SetCold(s.Ref, true);
            foreach (var (name, value) in gc.Postings[i]) _store.InsertPosting(name, value, s.Ref);
        }
        foreach (var s in gc.Empty) DeleteStoredSeries(s.Ref, s.Labels);
    }

    /// <summary>After the commit: the series leave memory (queries now find them in the cold index).</summary>
    private void CompleteHeadGc(HeadGc gc)
    {
        if (gc.IsEmpty) return;
        lock (_headLock)
        {
            foreach (var s in gc.ToCold) RemoveFromHead(s);
            foreach (var s in gc.Empty) RemoveFromHead(s);
            if (gc.ToCold.Count > 0) _anyCold = true;
        }
        Interlocked.Add(ref Stats.SeriesToCold, gc.ToCold.Count);
        SeriesLeftHead?.Invoke(gc.ToCold.Count + gc.Empty.Count);
    }

    /// <summary>Raised after head GC with the number of series that left memory (the appliance then trims its heap).</summary>
    public event Action<int>? SeriesLeftHead;

    /// <summary>Deletes a series row, its groups and its cold postings. Caller holds the write lock, in a transaction.</summary>
    private void DeleteStoredSeries(ulong seriesRef, Model.Labels.LabelSet labels)
    {
        var postings = new List<(int Name, int Value)>(labels.Count);
        lock (_headLock)
        {
            foreach (var l in labels.AsSpan())
            {
                if (_symbols.TryGetId(l.Name, out int name) && _symbols.TryGetId(l.Value, out int value)) postings.Add((name, value));
            }
        }
        _store.DeleteSeries(seriesRef);
        foreach (var (name, value) in postings) _store.DeletePosting(name, value, seriesRef);
    }
}
