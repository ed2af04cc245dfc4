namespace Mlobs.Drift.Statistics;

/// <summary>
/// The Jensen-Shannon distance as scipy's <c>spatial.distance.jensenshannon</c> (natural log): both vectors are
/// normalised to sum 1, m = (p+q)/2, distance = √((KL(p‖m) + KL(q‖m))/2). No zero-fill (Evidently passes the shares
/// unfilled); 0·ln 0 = 0.
/// </summary>
public static class JensenShannon
{
    public static double Distance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        if (p.Length != q.Length) throw new ArgumentException("Jensen-Shannon needs the same bins on both sides");
        double sp = 0, sq = 0;
        foreach (double x in p) sp += x;
        foreach (double x in q) sq += x;
        double left = 0, right = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double a = p[i] / sp, b = q[i] / sq, m = (a + b) / 2;
            left += RelativeEntropy(a, m);
            right += RelativeEntropy(b, m);
        }
        return Math.Sqrt((left + right) / 2);
    }

    /// <summary>scipy's rel_entr: x·ln(x/y), 0 at x = 0.</summary>
    private static double RelativeEntropy(double x, double y) => x > 0 && y > 0 ? x * Math.Log(x / y) : x == 0 && y >= 0 ? 0 : double.PositiveInfinity;
}
