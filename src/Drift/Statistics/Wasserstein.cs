namespace Mlobs.Drift.Statistics;

/// <summary>
/// The first Wasserstein distance (scipy's <c>wasserstein_distance</c>: ∫|U − V| over the merged support) and
/// Evidently's normed form, W₁ / max(σ_reference, 0.001) with the population standard deviation.
/// </summary>
public static class Wasserstein
{
    /// <summary>W₁ between two sorted samples.</summary>
    public static double Distance(ReadOnlySpan<double> sortedA, ReadOnlySpan<double> sortedB)
    {
        int i = 0, j = 0, n1 = sortedA.Length, n2 = sortedB.Length;
        double sum = 0, previous = double.NaN;
        while (i < n1 || j < n2)
        {
            double v = i < n1 && (j >= n2 || sortedA[i] <= sortedB[j]) ? sortedA[i] : sortedB[j];
            // Between the previous value and this one, each CDF has the height it reached at the previous value.
            if (!double.IsNaN(previous)) sum += Math.Abs((double)i / n1 - (double)j / n2) * (v - previous);
            while (i < n1 && sortedA[i] <= v) i++;
            while (j < n2 && sortedB[j] <= v) j++;
            previous = v;
        }
        return sum;
    }

    /// <summary>W₁ between two weightings of the same sorted support points (binned distributions).</summary>
    public static double Distance(ReadOnlySpan<double> points, ReadOnlySpan<double> weightsA, ReadOnlySpan<double> weightsB)
    {
        double ta = 0, tb = 0;
        foreach (double w in weightsA) ta += w;
        foreach (double w in weightsB) tb += w;
        double ca = 0, cb = 0, sum = 0;
        for (int i = 0; i < points.Length - 1; i++)
        {
            ca += weightsA[i] / ta;
            cb += weightsB[i] / tb;
            sum += Math.Abs(ca - cb) * (points[i + 1] - points[i]);
        }
        return sum;
    }

    /// <summary>Evidently's normalisation: divide by the reference's standard deviation (ddof 0), at least 0.001.</summary>
    public static double Normed(double distance, double referenceStdDev) => distance / Math.Max(referenceStdDev, 0.001);
}
