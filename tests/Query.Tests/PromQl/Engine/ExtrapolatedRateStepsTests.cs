using Mlobs.Query.PromQl.Engine;

namespace Mlobs.Query.Tests.PromQl.Engine;

/// <summary>The all-steps rate kernel must give, bit for bit, what the one-window ExtrapolatedRate gives at each step.</summary>
public class ExtrapolatedRateStepsTests
{
    [Theory]
    [InlineData(15_000, 15_000, 300_000, 0)]    // windows of one shape: the reused geometry
    [InlineData(15_000, 60_000, 300_000, 0)]
    [InlineData(15_000, 14_000, 60_000, 0)]     // step not a multiple of the interval: shapes vary
    [InlineData(15_000, 15_000, 300_000, 40)]   // jittered timestamps
    [InlineData(10_000, 30_000, 45_000, 3)]
    [InlineData(1_000, 7_000, 5_000, 0)]        // windows of one or two samples
    public void EveryStepMatchesTheSingleWindowFunction(long scrape, long step, long range, int jitter)
    {
        var rng = new Random((int)(scrape + step + range + jitter));
        for (int round = 0; round < 40; round++)
        {
            var samples = Series(rng, scrape, jitter, round);
            long start = 1_000_000 + rng.Next(0, 20) * 1000;
            int steps = 120;
            foreach (var (counter, isRate) in new[] { (true, true), (true, false), (false, false) })
            {
                var row = new StepRow(steps);
                ExtrapolatedRateSteps.Compute(samples, start, step, steps, range, counter, isRate, row);
                int expectedCount = 0;
                for (int i = 0; i < steps; i++)
                {
                    long end = start + i * step;
                    var window = samples.Where(p => p.T > end - range && p.T <= end).ToArray();
                    var w = new RangeFunctions.Window(end - range, end, range, end, 0);
                    bool ok = RangeFunctions.ExtrapolatedRate(window, w, counter, isRate, out double expected);
                    Assert.Equal(ok, row.Has[i]);
                    if (!ok) continue;
                    expectedCount++;
                    Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(row.Values[i]));
                }
                Assert.Equal(expectedCount, row.Count);
            }
        }
    }

    /// <summary>Counters with resets, counters starting near zero (the zero-extrapolation cut), gauges, NaN and gaps.</summary>
    private static FPoint[] Series(Random rng, long scrape, int jitter, int round)
    {
        var points = new List<FPoint>();
        double v = round % 3 == 0 ? rng.Next(0, 3) : rng.Next(0, 1_000_000) / 10.0;
        long t = 1_000_000 - 400_000;
        while (t < 1_000_000 + 130 * 60_000L)
        {
            t += scrape + (jitter == 0 ? 0 : rng.Next(-jitter, jitter + 1));
            if (rng.Next(50) == 0) continue; // a missed scrape
            switch (rng.Next(round % 2 == 0 ? 60 : 1000))
            {
                case 0: v = rng.Next(0, 5); break;           // a reset
                case 1: v = -v; break;                      // a gauge going negative
                case 2: points.Add(new FPoint(t, double.NaN)); continue;
                default: v += rng.Next(0, 50) / 4.0; break;
            }
            points.Add(new FPoint(t, v));
        }
        return points.ToArray();
    }
}
