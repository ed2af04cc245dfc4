namespace Mlobs.Drift.Statistics;

/// <summary>
/// PSI = Σ (rᵢ − cᵢ)·ln(rᵢ/cᵢ) over shares, with Evidently's zero-fill: an empty bin takes the smallest non-zero share
/// of its side divided by 10⁶ when that share is ≤ 1e-4, else 1e-4 (Evidently's <c>get_binned_data(feel_zeroes=True)</c>).
/// </summary>
public static class PopulationStabilityIndex
{
    public static double Compute(ReadOnlySpan<double> referenceShares, ReadOnlySpan<double> currentShares)
    {
        if (referenceShares.Length != currentShares.Length) throw new ArgumentException("PSI needs the same bins on both sides");
        double rFill = ZeroFill(referenceShares), cFill = ZeroFill(currentShares);
        double sum = 0;
        for (int i = 0; i < referenceShares.Length; i++)
        {
            double r = referenceShares[i] == 0 ? rFill : referenceShares[i];
            double c = currentShares[i] == 0 ? cFill : currentShares[i];
            sum += (r - c) * Math.Log(r / c);
        }
        return sum;
    }

    /// <summary>The share an empty bin is given: min non-zero / 10⁶ if that is ≤ 1e-4, else 1e-4.</summary>
    public static double ZeroFill(ReadOnlySpan<double> shares)
    {
        double min = double.PositiveInfinity;
        foreach (double s in shares) if (s > 0 && s < min) min = s;
        if (double.IsPositiveInfinity(min)) return 1e-4;
        return min <= 1e-4 ? min / 1e6 : 1e-4;
    }
}
