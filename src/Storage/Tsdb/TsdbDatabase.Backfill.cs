using Mlobs.Storage.Tsdb.Chunks;
using Mlobs.Storage.Tsdb.Head;
using Mlobs.Storage.Tsdb.Wal;

namespace Mlobs.Storage.Tsdb;

/// <summary>Samples of one series to merge into its stored history, and what the merge did with them.</summary>
internal sealed class BackfillMerge(MemSeries series, long[] timestamps, double[] values)
{
    public MemSeries Series { get; } = series;
    public long[] Timestamps { get; } = timestamps;
    public double[] Values { get; } = values;
    public int Added, AlreadyStored, Duplicates;
}

public sealed partial class TsdbDatabase
{
    /// <summary>
    /// An appender for history (<c>mlobs import</c>): samples of a series may come in any order and may fall before,
    /// between or inside what the store already has, as Prometheus accepts overlapping blocks from
    /// <c>promtool tsdb create-blocks-from</c>. Samples after a series' newest go through the head as usual; older ones
    /// are merged into its stored groups. A sample at a timestamp already stored is kept once: with the same value
    /// it counts as already stored, with another it is rejected as a duplicate and the stored one stays.
    /// </summary>
    public IAppender BackfillAppender() => new BackfillAppender(this);

    internal CommitResult CommitBackfill(Dictionary<MemSeries, List<(long T, double V)>> batch)
    {
        int appended = 0, dup = 0, oob = 0, created = 0;
        long minValid = MinValidTime();
        long wallNow = WallNow();
        var merges = new List<BackfillMerge>();
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _walSamples.Clear();
            _newSeries.Clear();
            _reheated.Clear();
            lock (_headLock)
            {
                foreach (var (resolved, samples) in batch)
                {
                    var s = resolved.Detached ? Reattach(resolved) : resolved;
                    created += PrepareForWrite(s);
                    s.Touch(wallNow);
                    // Stable: of two samples at one timestamp in a batch the first is kept.
                    var sorted = samples.Where(x => x.T >= minValid).OrderBy(x => x.T).ToList();
                    oob += samples.Count - sorted.Count;
                    LoadLastValue(s);
                    var olderT = new List<long>();
                    var olderV = new List<double>();
                    for (int i = 0; i < sorted.Count; i++)
                    {
                        var (t, v) = sorted[i];
                        if (i > 0 && sorted[i - 1].T == t)
                        {
                            if (!SameBits(sorted[i - 1].V, v)) dup++;
                            continue;
                        }
                        if (t > s.LastTimestamp)
                        {
                            ApplySample(s, t, v);
                            _walSamples.Add(new WalRecord.Sample(s.Ref, t, v, s.HeadChunk!.DecimalExponent));
                            appended++;
                        }
                        else if (t == s.LastTimestamp)
                        {
                            if (!SameBits(s.LastValue, v)) dup++;
                        }
                        else
                        {
                            olderT.Add(t);
                            olderV.Add(v);
                        }
                    }
                    if (olderT.Count == 0) continue;
                    // History reaching into what the head holds: the head's chunks are written out first, so the
                    // merge sees every sample in one place (the store) and the head keeps only newer samples.
                    if (s.HasInMemoryData && olderT[^1] >= s.FirstInMemoryTime) WriteOutHead(s);
                    merges.Add(new BackfillMerge(s, olderT.ToArray(), olderV.ToArray()));
                }
            }
            // Merged history changes chunks the WAL cannot replay: the batch ends with a head checkpoint instead.
            PersistOrUndo(withSnapshot: merges.Count > 0, merges: merges.Count > 0 ? merges : null);
        }
        foreach (var m in merges)
        {
            appended += m.Added;
            dup += m.Duplicates;
        }
        Interlocked.Add(ref Stats.SamplesAppended, appended);
        Interlocked.Add(ref Stats.Duplicates, dup);
        Interlocked.Add(ref Stats.OutOfBounds, oob);
        return new CommitResult(appended, 0, dup, oob, created);
    }

    private static bool SameBits(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);

    /// <summary>Cuts the head chunk and queues every in-memory chunk of the series as a group. Caller holds both locks.</summary>
    private void WriteOutHead(MemSeries s)
    {
        if (s.HeadChunk is not null) CutHead(s);
        FlushGroup(s);
    }

    /// <summary>
    /// Merges samples older than the series' newest into its stored groups: the groups they overlap are read, joined
    /// with them (a stored sample wins at an equal timestamp), deleted and written again with the head's chunking
    /// rules. Caller holds the write lock, inside the batch's transaction (which sees the groups it wrote).
    /// </summary>
    private void MergeIntoStore(BackfillMerge m)
    {
        if (m.Timestamps.Length == 0) return;
        var s = m.Series;
        long lo = m.Timestamps[0], hi = m.Timestamps[^1];
        var rows = _store.GroupsOverlapping(s.Ref, lo, hi);
        var storedT = new List<long>();
        var storedV = new List<double>();
        foreach (var row in rows) GroupSamples.AppendTo(row.Data, storedT, storedV);
        var outT = new long[storedT.Count + m.Timestamps.Length];
        var outV = new double[outT.Length];
        int i = 0, j = 0, n = 0;
        while (i < storedT.Count || j < m.Timestamps.Length)
        {
            if (j == m.Timestamps.Length || i < storedT.Count && storedT[i] < m.Timestamps[j])
            {
                outT[n] = storedT[i]; outV[n++] = storedV[i++];
            }
            else if (i == storedT.Count || m.Timestamps[j] < storedT[i])
            {
                outT[n] = m.Timestamps[j]; outV[n++] = m.Values[j++];
                m.Added++;
            }
            else
            {
                if (SameBits(storedV[i], m.Values[j])) m.AlreadyStored++; else m.Duplicates++;
                outT[n] = storedT[i]; outV[n++] = storedV[i++];
                j++;
            }
        }
        if (m.Added == 0) return;
        foreach (var row in rows) _store.DeleteChunkGroup(row.Id);
        foreach (var g in _groupBuilder.Build(outT.AsSpan(0, n), outV.AsSpan(0, n)))
        {
            // Every group of the series overlapping the merged span was just deleted, so a start is free.
            if (!_store.InsertChunkGroup(s.Ref, g.MinTime, g.MaxTime, g.Data))
                throw new InvalidDataException($"series {s.Ref}: merged history collides with a stored group at {g.MinTime}");
        }
        lock (_headLock)
        {
            s.PersistedMinTime = Math.Min(s.PersistedMinTime, outT[0]);
            s.PersistedMaxTime = Math.Max(s.PersistedMaxTime, outT[n - 1]);
            if (outT[n - 1] > s.LastTimestamp)
            {
                s.LastTimestamp = outT[n - 1];
                s.LastValue = outV[n - 1];
                s.LastValueKnown = true;
            }
        }
    }
}
