namespace Mlobs.Drift.Statistics;

/// <summary>
/// The few special functions the tests' p-values need (.NET has no lgamma, incomplete gamma or erfc): accurate to
/// ~1e-14 relative over the ranges drift tests reach, which keeps p-values within 1e-9 of scipy's.
/// </summary>
internal static class SpecialFunctions
{
    private const double HalfLogTwoPi = 0.91893853320467274178032973640561764;

    /// <summary>ln Γ(x) for x &gt; 0: Stirling's series from 15 up, the recurrence Γ(x+1) = xΓ(x) below.</summary>
    public static double LogGamma(double x)
    {
        if (x <= 0 || double.IsNaN(x)) return double.NaN;
        double shift = 0;
        // Shift up with a running product, taking its log every few steps so it cannot overflow.
        double product = 1;
        while (x < 15)
        {
            product *= x;
            x += 1;
            if (product > 1e280) { shift += Math.Log(product); product = 1; }
        }
        shift += Math.Log(product);
        double r = 1 / x, r2 = r * r;
        // Bernoulli terms B2k / (2k(2k-1) x^(2k-1)), k = 1..8
        double series = r * (1.0 / 12 + r2 * (-1.0 / 360 + r2 * (1.0 / 1260 + r2 * (-1.0 / 1680 + r2 * (1.0 / 1188
            + r2 * (-691.0 / 360360 + r2 * (1.0 / 156 + r2 * (-3617.0 / 122400))))))));
        return (x - 0.5) * Math.Log(x) - x + HalfLogTwoPi + series - shift;
    }

    /// <summary>ln C(n, k).</summary>
    public static double LogBinomial(double n, double k) => LogGamma(n + 1) - LogGamma(k + 1) - LogGamma(n - k + 1);

    /// <summary>The regularised upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a) (scipy's gammaincc).</summary>
    public static double UpperIncompleteGammaRegularized(double a, double x)
    {
        if (x <= 0) return 1;
        if (double.IsPositiveInfinity(x)) return 0;
        if (x < a + 1) return 1 - LowerSeries(a, x);
        return UpperContinuedFraction(a, x);
    }

    /// <summary>P(a, x) by its power series (converges fast for x &lt; a + 1).</summary>
    private static double LowerSeries(double a, double x)
    {
        double ap = a, sum = 1 / a, del = sum;
        for (int n = 0; n < 100_000; n++)
        {
            ap += 1;
            del *= x / ap;
            sum += del;
            if (Math.Abs(del) < Math.Abs(sum) * 1e-17) break;
        }
        return sum * Math.Exp(-x + a * Math.Log(x) - LogGamma(a));
    }

    /// <summary>Q(a, x) by Legendre's continued fraction, evaluated with modified Lentz (x ≥ a + 1).</summary>
    private static double UpperContinuedFraction(double a, double x)
    {
        const double tiny = 1e-300;
        double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
        for (int i = 1; i < 100_000; i++)
        {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < tiny) d = tiny;
            c = b + an / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.Abs(del - 1) < 1e-17) break;
        }
        return Math.Exp(-x + a * Math.Log(x) - LogGamma(a)) * h;
    }

    /// <summary>The complementary error function (erfc(x) = Q(½, x²) for x ≥ 0).</summary>
    public static double Erfc(double x) =>
        x >= 0 ? UpperIncompleteGammaRegularized(0.5, x * x) : 2 - UpperIncompleteGammaRegularized(0.5, x * x);

    /// <summary>The standard normal CDF Φ.</summary>
    public static double NormalCdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    /// <summary>The χ² survival function with k degrees of freedom (scipy's chi2.sf).</summary>
    public static double ChiSquareSurvival(double statistic, double degreesOfFreedom) =>
        UpperIncompleteGammaRegularized(degreesOfFreedom / 2, statistic / 2);
}
