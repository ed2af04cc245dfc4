namespace Mlobs.Drift.Statistics;

/// <summary>Pearson's statistic and its p-value (k − 1 degrees of freedom).</summary>
public readonly record struct ChiSquareResult(double Statistic, double PValue);

/// <summary>
/// Evidently's chi-square drift test: over the union of categories, observed = current counts, expected = reference
/// counts × n_current/n_reference; then scipy's <c>chisquare(f_obs, f_exp)</c>. A category the reference never saw
/// has expected 0, an infinite statistic and p = 0 (scipy's result too). Bins empty on both sides (histogram buckets
/// nobody fell into) are left out, as Evidently's categories only ever come from values seen, and so are their
/// degrees of freedom.
/// </summary>
public static class ChiSquareTest
{
    public static ChiSquareResult Compute(ReadOnlySpan<double> referenceCounts, ReadOnlySpan<double> currentCounts)
    {
        if (referenceCounts.Length != currentCounts.Length) throw new ArgumentException("chi-square needs the same categories on both sides");
        double nRef = 0, nCur = 0;
        foreach (double c in referenceCounts) nRef += c;
        foreach (double c in currentCounts) nCur += c;
        double k = nCur / nRef, statistic = 0;
        int bins = 0;
        for (int i = 0; i < referenceCounts.Length; i++)
        {
            double expected = referenceCounts[i] * k, observed = currentCounts[i];
            if (expected == 0 && observed == 0) continue;
            bins++;
            double diff = observed - expected;
            statistic += expected == 0 ? double.PositiveInfinity : diff * diff / expected;
        }
        if (bins < 2) return new ChiSquareResult(0, 1); // one category on both sides: nothing can differ
        double p = double.IsPositiveInfinity(statistic) ? 0 : SpecialFunctions.ChiSquareSurvival(statistic, bins - 1);
        return new ChiSquareResult(statistic, p);
    }
}
