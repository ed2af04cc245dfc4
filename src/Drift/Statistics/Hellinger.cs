namespace Mlobs.Drift.Statistics;

/// <summary>The Hellinger distance between two share vectors, normed to [0, 1]: √(Σ (√pᵢ − √qᵢ)²) / √2 (Evidently's).</summary>
public static class Hellinger
{
    public static double Distance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        if (p.Length != q.Length) throw new ArgumentException("Hellinger needs the same bins on both sides");
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double d = Math.Sqrt(p[i]) - Math.Sqrt(q[i]);
            sum += d * d;
        }
        return Math.Sqrt(sum) / Math.Sqrt(2);
    }
}
