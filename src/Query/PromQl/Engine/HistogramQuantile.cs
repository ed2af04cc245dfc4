namespace Mlobs.Query.PromQl.Engine;

/// <summary>histogram_quantile over classic <c>le</c> buckets (promql/quantile.go BucketQuantile).</summary>
internal static class HistogramQuantile
{
    public record struct Bucket(double UpperBound, double Count);

    private const double SmallDeltaTolerance = 1e-12;
    private static readonly double MinNormal = BitConverter.Int64BitsToDouble(0x0010000000000000);

    public static double Of(double q, List<Bucket> buckets) => Of(q, buckets, out _);

    /// <summary>The quantile; <paramref name="forcedMonotonic"/> tells whether decreasing bucket counts had to be evened out.</summary>
    public static double Of(double q, List<Bucket> buckets, out bool forcedMonotonic)
    {
        forcedMonotonic = false;
        if (double.IsNaN(q)) return double.NaN;
        if (q < 0) return double.NegativeInfinity;
        if (q > 1) return double.PositiveInfinity;
        buckets.Sort((a, b) => a.UpperBound < b.UpperBound ? -1 : a.UpperBound > b.UpperBound ? 1 : 0);
        if (!double.IsPositiveInfinity(buckets[^1].UpperBound)) return double.NaN;
        Coalesce(buckets);
        forcedMonotonic = EnsureMonotonic(buckets);
        if (buckets.Count < 2) return double.NaN;
        double observations = buckets[^1].Count;
        if (observations == 0) return double.NaN;
        double rank = q * observations;
        // First bucket (excluding +Inf) whose cumulative count reaches the rank.
        int b = 0;
        while (b < buckets.Count - 1 && !(buckets[b].Count >= rank)) b++;
        if (b == buckets.Count - 1) return buckets[^2].UpperBound;
        if (b == 0 && buckets[0].UpperBound <= 0) return buckets[0].UpperBound;
        double bucketStart = 0, bucketEnd = buckets[b].UpperBound, count = buckets[b].Count;
        if (b > 0)
        {
            bucketStart = buckets[b - 1].UpperBound;
            count -= buckets[b - 1].Count;
            rank -= buckets[b - 1].Count;
        }
        return bucketStart + (bucketEnd - bucketStart) * (rank / count);
    }

    /// <summary>histogram_fraction over classic buckets (quantile.go BucketFraction): the share of observations in [lower, upper].</summary>
    public static double Fraction(double lower, double upper, List<Bucket> buckets)
    {
        buckets.Sort((a, b) => a.UpperBound < b.UpperBound ? -1 : a.UpperBound > b.UpperBound ? 1 : 0);
        if (!double.IsPositiveInfinity(buckets[^1].UpperBound)) return double.NaN;
        Coalesce(buckets);
        double count = buckets[^1].Count;
        if (count == 0 || double.IsNaN(lower) || double.IsNaN(upper)) return double.NaN;
        if (lower >= upper) return 0;
        double rank = 0, lowerRank = 0, upperRank = 0;
        bool lowerSet = false, upperSet = false;
        for (int i = 0; i < buckets.Count; i++)
        {
            var b = buckets[i];
            double lowerBound = i > 0 ? buckets[i - 1].UpperBound : double.NegativeInfinity;
            double upperBound = b.UpperBound;
            double Interpolate(double v) => rank + (b.Count - rank) * (v - lowerBound) / (upperBound - lowerBound);
            if (!lowerSet && lowerBound >= lower) { lowerRank = rank; lowerSet = true; }
            if (!upperSet && lowerBound >= upper) { upperRank = rank; upperSet = true; }
            if (lowerSet && upperSet) break;
            if (!lowerSet && lowerBound < lower && upperBound > lower) { lowerRank = Interpolate(lower); lowerSet = true; }
            if (!upperSet && lowerBound < upper && upperBound > upper) { upperRank = Interpolate(upper); upperSet = true; }
            if (lowerSet && upperSet) break;
            rank = b.Count;
        }
        if (!lowerSet || lowerRank > count) lowerRank = count;
        if (!upperSet || upperRank > count) upperRank = count;
        return (upperRank - lowerRank) / count;
    }

    private static void Coalesce(List<Bucket> buckets)
    {
        var last = buckets[0];
        int i = 0;
        for (int j = 1; j < buckets.Count; j++)
        {
            var b = buckets[j];
            if (b.UpperBound == last.UpperBound) last.Count += b.Count;
            else { buckets[i++] = last; last = b; }
        }
        buckets[i] = last;
        buckets.RemoveRange(i + 1, buckets.Count - i - 1);
    }

    private static bool EnsureMonotonic(List<Bucket> buckets)
    {
        bool forced = false;
        double prev = buckets[0].Count;
        for (int i = 1; i < buckets.Count; i++)
        {
            double curr = buckets[i].Count;
            if (curr == prev) continue;
            if (AlmostEqual(prev, curr, SmallDeltaTolerance))
            {
                buckets[i] = buckets[i] with { Count = prev };
                continue;
            }
            if (curr < prev)
            {
                buckets[i] = buckets[i] with { Count = prev };
                forced = true;
                continue;
            }
            prev = curr;
        }
        return forced;
    }

    internal static bool AlmostEqual(double a, double b, double epsilon)
    {
        if (double.IsNaN(a) && double.IsNaN(b)) return true;
        if (a == b) return true;
        double absSum = Math.Abs(a) + Math.Abs(b);
        double diff = Math.Abs(a - b);
        if (a == 0 || b == 0 || absSum < MinNormal) return diff < epsilon * MinNormal;
        return diff / Math.Min(absSum, double.MaxValue) < epsilon;
    }
}
