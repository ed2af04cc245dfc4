using Mlobs.Drift.Distributions;
using Mlobs.Drift.Statistics;

namespace Mlobs.Drift.Tests.Distributions;

public sealed class BinnedDistributionTests
{
    [Fact]
    public void HistogramsWithDifferentBucketsAreComparedOnTheBoundsBothHave()
    {
        // reference has a finer layout (0.5 extra); cumulative counts at the shared bounds are exact
        var reference = BinnedDistribution.FromCumulative([(0.5, 10), (1, 30), (2, 60), (double.PositiveInfinity, 100)]);
        var current = BinnedDistribution.FromCumulative([(1, 20), (2, 70), (double.PositiveInfinity, 100)]);
        var (r, c) = BinnedDistribution.Align(reference, current);
        Assert.Equal(["1", "2", "+Inf"], r.Bins);
        Assert.Equal([30.0, 30, 40], r.Counts);
        Assert.Equal([20.0, 50, 30], c.Counts);
    }

    [Fact]
    public void MidpointsFollowHistogramQuantilesAssumptions()
    {
        var d = BinnedDistribution.FromBins([0.1, 0.5, 1, double.PositiveInfinity], [1, 1, 1, 1]);
        Assert.Equal([0.05, 0.3, 0.75, 1.0], d.Midpoints());
    }

    [Fact]
    public void KsOnBucketsUsesTheLargestCdfGapAndTheWindowsCounts()
    {
        var reference = BinnedDistribution.FromBins([1, 2, double.PositiveInfinity], [500, 300, 200]);
        var current = BinnedDistribution.FromBins([1, 2, double.PositiveInfinity], [300, 400, 300]);
        var s = BinnedDriftScorer.Score(DriftMethod.Ks, reference, current);
        Assert.Equal(0.2, s.Statistic!.Value, 12);
        Assert.Equal(KolmogorovSmirnov.PValue(0.2, 1000, 1000).PValue, s.Score, 12);
        Assert.True(s.Drifted);
    }

    [Fact]
    public void ChiSquareLeavesOutBucketsEmptyOnBothSides()
    {
        var reference = BinnedDistribution.FromBins([1, 2, 3, double.PositiveInfinity], [50, 0, 50, 0]);
        var current = BinnedDistribution.FromBins([1, 2, 3, double.PositiveInfinity], [50, 0, 50, 0]);
        var s = BinnedDriftScorer.Score(DriftMethod.ChiSquare, reference, current);
        Assert.Equal(1.0, s.Score, 12);
        Assert.False(s.Drifted);
    }
}
