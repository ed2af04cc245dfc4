namespace Mlobs.Query.PromQl.Engine;

/// <summary>
/// Functions over a range-vector window (promql/functions.go): rate and friends with Prometheus's extrapolation,
/// the *_over_time family, changes, resets, deriv, predict_linear. A window is the series' points in
/// (rangeStart, rangeEnd], stale markers already removed; each function returns false when it yields no sample.
/// </summary>
internal static class RangeFunctions
{
    public readonly record struct Window(long RangeStartMs, long RangeEndMs, long RangeMs, long EvalTimeMs, double Param);

    public static bool TryEval(string name, ReadOnlySpan<FPoint> points, in Window w, out double value)
    {
        value = 0;
        if (points.Length == 0) return false;
        switch (name)
        {
            case "rate": return ExtrapolatedRate(points, w, isCounter: true, isRate: true, out value);
            case "increase": return ExtrapolatedRate(points, w, isCounter: true, isRate: false, out value);
            case "delta": return ExtrapolatedRate(points, w, isCounter: false, isRate: false, out value);
            case "irate": return InstantValue(points, isRate: true, out value);
            case "idelta": return InstantValue(points, isRate: false, out value);
            case "deriv":
                if (points.Length < 2) return false;
                value = LinearRegression(points, points[0].T).Slope;
                return true;
            case "predict_linear":
            {
                if (points.Length < 2) return false;
                var (slope, intercept) = LinearRegression(points, w.EvalTimeMs);
                value = intercept + slope * w.Param;
                return true;
            }
            case "changes":
            {
                int changes = 0;
                double prev = points[0].F;
                foreach (var p in points[1..])
                {
                    if (p.F != prev && !(double.IsNaN(p.F) && double.IsNaN(prev))) changes++;
                    prev = p.F;
                }
                value = changes;
                return true;
            }
            case "resets":
            {
                int resets = 0;
                double prev = points[0].F;
                foreach (var p in points[1..])
                {
                    if (p.F < prev) resets++;
                    prev = p.F;
                }
                value = resets;
                return true;
            }
            case "avg_over_time": value = AvgOverTime(points); return true;
            case "count_over_time": value = points.Length; return true;
            case "present_over_time": value = 1; return true;
            case "last_over_time": value = points[^1].F; return true;
            case "max_over_time":
            {
                double max = points[0].F;
                foreach (var p in points) if (p.F > max || double.IsNaN(max)) max = p.F;
                value = max;
                return true;
            }
            case "min_over_time":
            {
                double min = points[0].F;
                foreach (var p in points) if (p.F < min || double.IsNaN(min)) min = p.F;
                value = min;
                return true;
            }
            case "sum_over_time":
            {
                double sum = 0, c = 0;
                foreach (var p in points)
                {
                    (sum, c) = Kahan.Inc(p.F, sum, c);
                }
                value = double.IsInfinity(sum) ? sum : sum + c;
                return true;
            }
            case "stddev_over_time": value = Math.Sqrt(VarianceOverTime(points)); return true;
            case "stdvar_over_time": value = VarianceOverTime(points); return true;
            case "quantile_over_time":
            {
                var values = new List<double>(points.Length);
                foreach (var p in points) values.Add(p.F);
                value = Quantiles.Of(w.Param, values);
                return true;
            }
            case "mad_over_time":
            {
                var values = new List<double>(points.Length);
                foreach (var p in points) values.Add(p.F);
                double median = Quantiles.Of(0.5, values);
                var deviations = new List<double>(points.Length);
                foreach (var p in points) deviations.Add(Math.Abs(p.F - median));
                value = Quantiles.Of(0.5, deviations);
                return true;
            }
            default:
                throw QueryException.Execution($"function \"{name}\" is not a range-vector function");
        }
    }

    /// <summary>rate, increase and delta: the change over the window extrapolated to its edges (functions.go extrapolatedRate).</summary>
    internal static bool ExtrapolatedRate(ReadOnlySpan<FPoint> samples, in Window w, bool isCounter, bool isRate, out double result)
    {
        result = 0;
        if (samples.Length < 2) return false;
        int last = samples.Length - 1;
        result = samples[last].F - samples[0].F;
        if (isCounter)
        {
            double prev = samples[0].F;
            foreach (var p in samples[1..])
            {
                if (p.F < prev) result += prev;
                prev = p.F;
            }
        }
        long firstT = samples[0].T, lastT = samples[last].T;
        double durationToStart = (firstT - w.RangeStartMs) / 1000.0;
        double durationToEnd = (w.RangeEndMs - lastT) / 1000.0;
        double sampledInterval = (lastT - firstT) / 1000.0;
        double averageDurationBetweenSamples = sampledInterval / last;
        // Extrapolate to the range's edge only if a sample is close to it (within 110% of the average
        // spacing); otherwise the series probably starts or ends inside the range: extrapolate half a spacing.
        double extrapolationThreshold = averageDurationBetweenSamples * 1.1;
        double extrapolateToInterval = sampledInterval;
        if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
        if (isCounter && result > 0 && samples[0].F >= 0)
        {
            // A counter cannot go below zero: do not extrapolate further back than where it would reach zero.
            double durationToZero = sampledInterval * (samples[0].F / result);
            if (durationToZero < durationToStart) durationToStart = durationToZero;
        }
        extrapolateToInterval += durationToStart;
        if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
        extrapolateToInterval += durationToEnd;
        double factor = extrapolateToInterval / sampledInterval;
        if (isRate) factor /= w.RangeMs / 1000.0;
        result *= factor;
        return true;
    }

    private static bool InstantValue(ReadOnlySpan<FPoint> samples, bool isRate, out double result)
    {
        result = 0;
        if (samples.Length < 2) return false;
        var lastSample = samples[^1];
        var previous = samples[^2];
        result = isRate && lastSample.F < previous.F ? lastSample.F : lastSample.F - previous.F;
        long sampledInterval = lastSample.T - previous.T;
        if (sampledInterval == 0) return false;
        if (isRate) result /= sampledInterval / 1000.0;
        return true;
    }

    /// <summary>Least-squares fit with compensated sums (functions.go linearRegression); x in seconds from interceptTime.</summary>
    internal static (double Slope, double Intercept) LinearRegression(ReadOnlySpan<FPoint> samples, long interceptTime)
    {
        double n = 0, sumX = 0, cX = 0, sumY = 0, cY = 0, sumXY = 0, cXY = 0, sumX2 = 0, cX2 = 0;
        double initY = samples[0].F;
        bool constY = true;
        for (int i = 0; i < samples.Length; i++)
        {
            var s = samples[i];
            if (constY && i > 0 && s.F != initY) constY = false;
            n += 1;
            double x = (s.T - interceptTime) / 1e3;
            (sumX, cX) = Kahan.Inc(x, sumX, cX);
            (sumY, cY) = Kahan.Inc(s.F, sumY, cY);
            (sumXY, cXY) = Kahan.Inc(x * s.F, sumXY, cXY);
            (sumX2, cX2) = Kahan.Inc(x * x, sumX2, cX2);
        }
        if (constY) return double.IsInfinity(initY) ? (double.NaN, double.NaN) : (0, initY);
        sumX += cX; sumY += cY; sumXY += cXY; sumX2 += cX2;
        double covXY = sumXY - sumX * sumY / n;
        double varX = sumX2 - sumX * sumX / n;
        double slope = covXY / varX;
        return (slope, sumY / n - slope * sumX / n);
    }

    private static double AvgOverTime(ReadOnlySpan<FPoint> points)
    {
        double sum = points[0].F, count = 1, mean = 0, kahanC = 0;
        bool incremental = false;
        for (int i = 1; i < points.Length; i++)
        {
            double f = points[i].F;
            count = i + 1;
            if (!incremental)
            {
                var (newSum, newC) = Kahan.Inc(f, sum, kahanC);
                if (!double.IsInfinity(newSum)) { sum = newSum; kahanC = newC; continue; }
                incremental = true;
                mean = sum / (count - 1);
                kahanC /= count - 1;
            }
            double q = (count - 1) / count;
            (mean, kahanC) = Kahan.Inc(f / count, q * mean, q * kahanC);
        }
        return incremental ? mean + kahanC : sum / count + kahanC / count;
    }

    private static double VarianceOverTime(ReadOnlySpan<FPoint> points)
    {
        double count = 0, mean = 0, cMean = 0, aux = 0, cAux = 0;
        foreach (var p in points)
        {
            count++;
            double delta = p.F - (mean + cMean);
            (mean, cMean) = Kahan.Inc(delta / count, mean, cMean);
            (aux, cAux) = Kahan.Inc(delta * (p.F - (mean + cMean)), aux, cAux);
        }
        return (aux + cAux) / count;
    }
}
