namespace Mlobs.Drift.Statistics;

/// <summary>The two-sample KS statistic D (largest gap between the two empirical CDFs) and its two-sided p-value.</summary>
public readonly record struct KsResult(double Statistic, double PValue);

/// <summary>
/// The two-sample Kolmogorov-Smirnov test as scipy's <c>ks_2samp(method="auto")</c> computes it: the exact
/// lattice-path probability when both samples have at most 10,000 values (Hodges' treatment; Viehmann's stable
/// recursion for unequal sizes), otherwise the one-sample distribution at n = round(n₁n₂/(n₁+n₂)).
/// </summary>
public static class KolmogorovSmirnov
{
    private const int MaxExactN = 10_000;

    /// <summary>The test over two sorted samples.</summary>
    public static KsResult TwoSample(ReadOnlySpan<double> sortedA, ReadOnlySpan<double> sortedB)
    {
        if (sortedA.IsEmpty || sortedB.IsEmpty) throw new ArgumentException("ks_2samp needs two non-empty samples");
        int i = 0, j = 0, n1 = sortedA.Length, n2 = sortedB.Length;
        double d = 0;
        // Walk the merged values; at each distinct value both CDFs step past all its copies (searchsorted side=right).
        while (i < n1 || j < n2)
        {
            double v = i < n1 && (j >= n2 || sortedA[i] <= sortedB[j]) ? sortedA[i] : sortedB[j];
            while (i < n1 && sortedA[i] <= v) i++;
            while (j < n2 && sortedB[j] <= v) j++;
            d = Math.Max(d, Math.Abs((double)i / n1 - (double)j / n2));
        }
        return PValue(d, n1, n2);
    }

    /// <summary>The p-value of statistic <paramref name="d"/> for samples of n₁ and n₂ values (scipy's "auto").</summary>
    public static KsResult PValue(double d, long n1, long n2)
    {
        if (n1 <= 0 || n2 <= 0) return new KsResult(d, double.NaN);
        if (Math.Max(n1, n2) <= MaxExactN)
        {
            var exact = TryExact((int)n1, (int)n2, d);
            if (exact is { } r) return r;
        }
        double m = Math.Max(n1, n2), n = Math.Min(n1, n2);
        double en = m * n / (m + n);
        return new KsResult(d, KolmogorovDistribution.Survival((int)Math.Round(en, MidpointRounding.ToEven), d));
    }

    private static KsResult? TryExact(int n1, int n2, double d)
    {
        long g = Gcd(n1, n2);
        long lcm = n1 / g * n2;
        long h = (long)Math.Round(d * lcm, MidpointRounding.ToEven);
        d = (double)h / lcm;
        if (h == 0) return new KsResult(d, 1);
        double p = n1 == n2 ? ProbabilityOutsideSquare(n1, h) : OuterProbabilityInside(n1, n2, g, h);
        if (!(p >= 0 && p <= 1)) return null;
        return new KsResult(d, p);
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }

    /// <summary>P(D_{n,n} ≥ h/n) by the reflection series, in Horner form to avoid cancellation.</summary>
    private static double ProbabilityOutsideSquare(long n, long h)
    {
        double p = 0;
        for (long k = n / h; k >= 0; k--)
        {
            double p1 = 1;
            for (long j = 0; j < h; j++) p1 = (n - k * h - j) * p1 / (n + k * h + j + 1);
            p = p1 * (1 - p);
        }
        return 2 * p;
    }

    /// <summary>
    /// 1 − P(the lattice path from (0,0) to (m,n) stays strictly inside |x/m − y/n| &lt; h/lcm), computed directly as
    /// Viehmann (2021) does, one column at a time over a sliding window.
    /// </summary>
    private static double OuterProbabilityInside(long m, long n, long g, long h)
    {
        if (m < n) (m, n) = (n, m);
        long mg = m / g, ng = n / g;
        long minj = 0, maxj = Math.Min((long)Math.Ceiling((double)h / mg), n + 1);
        long curlen = maxj - minj;
        long lenA = Math.Min(2 * maxj + 2, n + 1);
        var a = new double[lenA];
        Array.Fill(a, 1.0);
        for (long j = minj; j < maxj; j++) a[j] = 0;
        for (long i = 1; i <= m; i++)
        {
            long lastminj = minj, lastlen = curlen;
            minj = Math.Max((long)Math.Floor((double)(ng * i - h) / mg) + 1, 0);
            minj = Math.Min(minj, n);
            maxj = Math.Min((long)Math.Ceiling((double)(ng * i + h) / mg), n + 1);
            if (maxj <= minj) return 1;
            double val = minj == 0 ? 0 : 1;
            for (long jj = 0; jj < maxj - minj; jj++)
            {
                long j = jj + minj;
                val = (a[jj + minj - lastminj] * i + val * j) / (i + j);
                a[jj] = val;
            }
            curlen = maxj - minj;
            if (lastlen > curlen)
                for (long c = maxj - minj; c < maxj - minj + (lastlen - curlen); c++) a[c] = 1;
        }
        return a[maxj - minj - 1];
    }
}
