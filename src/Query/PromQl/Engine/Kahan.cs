namespace Mlobs.Query.PromQl.Engine;

/// <summary>Neumaier-compensated summation, as promql's kahanSumInc, so sums match Prometheus to the last bit.</summary>
internal static class Kahan
{
    public static (double Sum, double C) Inc(double inc, double sum, double c)
    {
        double t = sum + inc;
        if (double.IsInfinity(t)) c = 0;
        else if (Math.Abs(sum) >= Math.Abs(inc)) c += sum - t + inc;
        else c += inc - t + sum;
        return (t, c);
    }
}

/// <summary>The φ-quantile of a set of values with linear interpolation (promql's quantile).</summary>
internal static class Quantiles
{
    public static double Of(double q, List<double> values)
    {
        if (values.Count == 0 || double.IsNaN(q)) return double.NaN;
        if (q < 0) return double.NegativeInfinity;
        if (q > 1) return double.PositiveInfinity;
        values.Sort(CompareWithNaNFirst);
        double n = values.Count;
        double rank = q * (n - 1);
        int lower = (int)Math.Max(0, Math.Floor(rank));
        int upper = (int)Math.Min(n - 1, lower + 1);
        double weight = rank - Math.Floor(rank);
        return values[lower] * (1 - weight) + values[upper] * weight;
    }

    /// <summary>Go's sort.Float64s order: NaN before everything else.</summary>
    private static int CompareWithNaNFirst(double a, double b)
    {
        if (double.IsNaN(a)) return double.IsNaN(b) ? 0 : -1;
        if (double.IsNaN(b)) return 1;
        return a.CompareTo(b);
    }
}
