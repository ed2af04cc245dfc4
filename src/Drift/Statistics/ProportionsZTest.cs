namespace Mlobs.Drift.Statistics;

/// <summary>
/// Evidently's Z-test for two proportions (binary columns): P = (p₁n₁ + p₂n₂)/(n₁ + n₂),
/// z = (p₁ − p₂)/√(P(1−P)(1/n₁ + 1/n₂)), two-sided p = 2(1 − Φ(|z|)); identical single-valued columns give p = 1.
/// </summary>
public static class ProportionsZTest
{
    /// <summary>The p-value for <paramref name="hitsA"/> of <paramref name="nA"/> against <paramref name="hitsB"/> of <paramref name="nB"/>.</summary>
    public static double PValue(double hitsA, double nA, double hitsB, double nB)
    {
        double p1 = hitsA / nA, p2 = hitsB / nB;
        double pooled = (p1 * nA + p2 * nB) / (nA + nB);
        double z = (p1 - p2) / Math.Sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
        if (double.IsNaN(z)) return 1; // both sides single-valued and equal
        // 2(1 − Φ(|z|)) = erfc(|z|/√2), without the cancellation of 1 − Φ
        return SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2));
    }
}
