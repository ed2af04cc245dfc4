using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mlobs.Query.PromQl.Engine;

/// <summary>
/// rate, increase and delta of one series at every step of a range query, with the arithmetic of
/// <see cref="RangeFunctions.ExtrapolatedRate"/> (bit-identical to it, and so to Prometheus) but without its cost
/// where the steps allow. That arithmetic is a chain of seven divisions per step and bounds a dashboard's rate
/// queries. Yet it depends on the samples' values only through the result and the first value; everything else
/// follows from the window's geometry — how far its first and last samples sit from its edges, and how many
/// intervals lie between them. Scrapes land on their schedule (the scraper aligns timestamps within 10 ms, as
/// Prometheus does), so with a step that is a multiple of the scrape interval every window has the same geometry:
/// it is computed once and reused, leaving one multiplication per step.
/// </summary>
internal static class ExtrapolatedRateSteps
{
    /// <param name="samples">The series' samples over all windows, stale markers removed.</param>
    /// <param name="firstRangeEnd">The first step's window end (step time minus offset); later ends follow at <paramref name="interval"/>.</param>
    public static void Compute(ReadOnlySpan<FPoint> samples, long firstRangeEnd, long interval, int stepCount,
        long rangeMs, bool isCounter, bool isRate, StepRow output)
    {
        double rangeSeconds = rangeMs / 1000.0;
        var geometry = new Geometry(-1, 0, 0, 0, rangeSeconds, isRate);
        var values = output.Values.AsSpan(0, stepCount);
        var has = output.Has.AsSpan(0, stepCount);
        int lo = 0, hi = 0, produced = 0, length = samples.Length;
        // The first counter reset after the window's first sample (a sample below its predecessor), or length:
        // windows without one skip the correction scan. It only moves forward, so finding them all costs one pass.
        int nextReset = 0;
        // Indices stay within [0, length], checked by the loops: no bounds checks in the per-step path.
        ref FPoint at = ref MemoryMarshal.GetReference(samples);
        for (int i = 0; i < values.Length; i++)
        {
            long rangeEnd = firstRangeEnd + i * interval, rangeStart = rangeEnd - rangeMs;
            while (hi < length && Unsafe.Add(ref at, hi).T <= rangeEnd) hi++;
            while (lo < hi && Unsafe.Add(ref at, lo).T <= rangeStart) lo++;
            if (hi - lo < 2) continue;
            var firstSample = Unsafe.Add(ref at, lo);
            var lastSample = Unsafe.Add(ref at, hi - 1);
            double result = lastSample.F - firstSample.F;
            if (nextReset <= lo)
            {
                nextReset = lo + 1;
                while (nextReset < length && !(Unsafe.Add(ref at, nextReset).F < Unsafe.Add(ref at, nextReset - 1).F)) nextReset++;
            }
            if (isCounter && nextReset < hi)
            {
                double prev = firstSample.F;
                for (int k = lo + 1; k < hi; k++)
                {
                    double f = samples[k].F;
                    if (f < prev) result += prev;
                    prev = f;
                }
            }
            long toStart = firstSample.T - rangeStart, toEnd = rangeEnd - lastSample.T, sampled = lastSample.T - firstSample.T;
            int intervals = hi - lo - 1;
            if (!geometry.Is(toStart, toEnd, sampled, intervals)) geometry = new Geometry(toStart, toEnd, sampled, intervals, rangeSeconds, isRate);
            double factor = geometry.Factor;
            // A counter cannot go below zero: do not extrapolate further back than where it would reach zero.
            if (isCounter && result > 0 && firstSample.F >= 0 && !geometry.ZeroIsClearlyBeforeStart(firstSample.F, result))
            {
                double durationToZero = geometry.SampledInterval * (firstSample.F / result);
                if (durationToZero < geometry.DurationToStart) factor = geometry.FactorFrom(durationToZero);
            }
            values[i] = result * factor;
            has[i] = true;
            produced++;
        }
        output.Added(produced);
    }

    /// <summary>The value-independent part of ExtrapolatedRate for one window shape, in its exact operation order.</summary>
    private readonly struct Geometry
    {
        private readonly long _toStart, _toEnd, _sampled;
        private readonly int _intervals;
        private readonly double _rangeSeconds;
        private readonly bool _isRate;
        public readonly double SampledInterval, DurationToStart, DurationToEnd, Factor;

        public Geometry(long toStart, long toEnd, long sampled, int intervals, double rangeSeconds, bool isRate)
        {
            _toStart = toStart; _toEnd = toEnd; _sampled = sampled; _intervals = intervals;
            _rangeSeconds = rangeSeconds; _isRate = isRate;
            double durationToStart = toStart / 1000.0;
            double durationToEnd = toEnd / 1000.0;
            SampledInterval = sampled / 1000.0;
            double averageDurationBetweenSamples = SampledInterval / intervals;
            // Extrapolate to the range's edge only if a sample is close to it (within 110% of the average
            // spacing); otherwise the series probably starts or ends inside the range: extrapolate half a spacing.
            double extrapolationThreshold = averageDurationBetweenSamples * 1.1;
            if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
            if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
            DurationToStart = durationToStart;
            DurationToEnd = durationToEnd;
            Factor = intervals > 0 ? FactorFrom(durationToStart) : 0;
        }

        public bool Is(long toStart, long toEnd, long sampled, int intervals) =>
            toStart == _toStart && toEnd == _toEnd && sampled == _sampled && intervals == _intervals;

        public double FactorFrom(double durationToStart)
        {
            double extrapolateToInterval = SampledInterval;
            extrapolateToInterval += durationToStart;
            extrapolateToInterval += DurationToEnd;
            double factor = extrapolateToInterval / SampledInterval;
            if (_isRate) factor /= _rangeSeconds;
            return factor;
        }

        /// <summary>
        /// True when SampledInterval · (first / result) — the duration back to where the counter would be zero — is
        /// certainly not below DurationToStart, decided by multiplying instead of dividing: with both sides normal
        /// and finite, a 1e-9 margin dwarfs the few ulps of rounding in either form, so the exact comparison would
        /// agree. Otherwise (close calls, extreme magnitudes) the caller divides as Prometheus does.
        /// </summary>
        public bool ZeroIsClearlyBeforeStart(double first, double result)
        {
            double lhs = first * SampledInterval, rhs = DurationToStart * result * (1 + 1e-9);
            return lhs > rhs && rhs > 1e-290 && double.IsFinite(lhs);
        }
    }
}
