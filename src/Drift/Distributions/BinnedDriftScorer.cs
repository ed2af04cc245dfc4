using Mlobs.Drift.Statistics;

namespace Mlobs.Drift.Distributions;

/// <summary>One method's verdict: the score (a p-value for the tests), the test statistic where there is one, the threshold and whether it drifted.</summary>
public readonly record struct DriftScore(DriftMethod Method, double Score, double? Statistic, double Threshold, bool Drifted);

/// <summary>
/// Scores two binned distributions (histogram buckets or categories) with any method: shares for PSI, Jensen-Shannon
/// and Hellinger; counts for chi-square and the Z-test; the CDF gap over the bucket bounds and the windows' sample
/// counts (rounded) for KS; bucket midpoints for Wasserstein, normed by the reference's standard deviation over them.
/// </summary>
public static class BinnedDriftScorer
{
    public static DriftScore Score(DriftMethod method, BinnedDistribution reference, BinnedDistribution current, double? threshold = null)
    {
        (reference, current) = BinnedDistribution.Align(reference, current);
        if (method.NeedsOrder() && !reference.IsHistogram)
            throw new ArgumentException($"{method.Name()} needs ordered bins; these are categories");
        double limit = threshold ?? method.DefaultThreshold();
        double? statistic = null;
        double score;
        switch (method)
        {
            case DriftMethod.Psi:
                score = PopulationStabilityIndex.Compute(reference.Shares(), current.Shares());
                break;
            case DriftMethod.JensenShannon:
                score = JensenShannon.Distance(reference.Shares(), current.Shares());
                break;
            case DriftMethod.Hellinger:
                score = Hellinger.Distance(reference.Shares(), current.Shares());
                break;
            case DriftMethod.ChiSquare:
            {
                var r = ChiSquareTest.Compute(reference.Counts, current.Counts);
                (score, statistic) = (r.PValue, r.Statistic);
                break;
            }
            case DriftMethod.ZTest:
                if (reference.Counts.Length > 2)
                    throw new ArgumentException($"the Z-test compares two proportions; this distribution has {reference.Counts.Length} bins");
                score = reference.Counts.Length < 2 ? 1 : ProportionsZTest.PValue(reference.Counts[0], reference.Total, current.Counts[0], current.Total);
                break;
            case DriftMethod.Ks:
            {
                var r = KolmogorovSmirnov.PValue(CdfGap(reference, current), (long)Math.Round(reference.Total), (long)Math.Round(current.Total));
                (score, statistic) = (r.PValue, r.Statistic);
                break;
            }
            case DriftMethod.Wasserstein:
            {
                var points = reference.Midpoints();
                double w = Wasserstein.Distance(points, reference.Counts, current.Counts);
                statistic = w;
                score = Wasserstein.Normed(w, StdDev(points, reference.Shares()));
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(method));
        }
        return new DriftScore(method, score, statistic, limit, method.Drifted(score, limit));
    }

    /// <summary>The largest gap between the two cumulative shares, at the bucket bounds.</summary>
    public static double CdfGap(BinnedDistribution a, BinnedDistribution b)
    {
        double ca = 0, cb = 0, gap = 0;
        for (int i = 0; i < a.Counts.Length; i++)
        {
            ca += a.Counts[i] / a.Total;
            cb += b.Counts[i] / b.Total;
            gap = Math.Max(gap, Math.Abs(ca - cb));
        }
        return gap;
    }

    private static double StdDev(double[] points, double[] shares)
    {
        double mean = 0;
        for (int i = 0; i < points.Length; i++) mean += points[i] * shares[i];
        double variance = 0;
        for (int i = 0; i < points.Length; i++) variance += shares[i] * (points[i] - mean) * (points[i] - mean);
        return Math.Sqrt(variance);
    }
}
