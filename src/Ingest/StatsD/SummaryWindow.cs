namespace Mlobs.Ingest.StatsD;

/// <summary>
/// The observations a summary's quantiles are computed over: the last <c>max_age</c>, in <c>age_buckets</c> slices
/// that expire one at a time (as client_golang's summary rotates its streams). Each slice keeps a uniform sample of
/// at most <see cref="SliceCapacity"/> observations (reservoir sampling), so memory is bounded however many arrive;
/// quantiles weight each slice's sample by how many it stands for. Exact while a slice holds fewer observations.
/// </summary>
public sealed class SummaryWindow(TimeSpan maxAge, int ageBuckets)
{
    public const int SliceCapacity = 1024;

    private sealed class Slice
    {
        public long Start;
        public long Seen;
        public readonly List<double> Sample = [];
    }

    private readonly long _sliceTicks = Math.Max(1, maxAge.Ticks / Math.Max(1, ageBuckets));
    private readonly Slice[] _slices = [.. Enumerable.Range(0, Math.Max(1, ageBuckets)).Select(_ => new Slice { Start = long.MinValue })];
    private ulong _random = 0x9E3779B97F4A7C15UL;

    public void Observe(double value, DateTimeOffset now)
    {
        var slice = Current(now.UtcTicks);
        slice.Seen++;
        if (slice.Sample.Count < SliceCapacity) { slice.Sample.Add(value); return; }
        long j = (long)(NextRandom() % (ulong)slice.Seen);
        if (j < SliceCapacity) slice.Sample[(int)j] = value;
    }

    /// <summary>The quantile over the window (NaN with no observations in it, as client_golang reports).</summary>
    public double Quantile(double q, DateTimeOffset now)
    {
        long oldest = now.UtcTicks - _sliceTicks * _slices.Length;
        var weighted = new List<(double Value, double Weight)>();
        foreach (var s in _slices)
        {
            if (s.Start == long.MinValue || s.Start + _sliceTicks <= oldest || s.Sample.Count == 0) continue;
            double w = (double)s.Seen / s.Sample.Count;
            foreach (var v in s.Sample) weighted.Add((v, w));
        }
        if (weighted.Count == 0) return double.NaN;
        weighted.Sort((a, b) => a.Value.CompareTo(b.Value));
        double total = weighted.Sum(x => x.Weight);
        double rank = q * total, acc = 0;
        foreach (var (v, w) in weighted)
        {
            acc += w;
            if (acc >= rank) return v;
        }
        return weighted[^1].Value;
    }

    private Slice Current(long nowTicks)
    {
        long start = nowTicks - nowTicks % _sliceTicks;
        int index = (int)((ulong)(start / _sliceTicks) % (ulong)_slices.Length);
        var slice = _slices[index];
        if (slice.Start != start)
        {
            slice.Start = start;
            slice.Seen = 0;
            slice.Sample.Clear();
        }
        return slice;
    }

    private ulong NextRandom()
    {
        _random ^= _random << 13;
        _random ^= _random >> 7;
        _random ^= _random << 17;
        return _random;
    }
}
