namespace Mlobs.Storage.Tsdb.Chunks;

/// <summary>
/// Decimal form of a float, value = mantissa · 10^exponent, as VictoriaMetrics' lib/decimal does: short decimals
/// such as 0.37 become small integers whose differences are tiny. Unlike VictoriaMetrics the conversion is only
/// used when <see cref="ToFloat"/> gives back the exact same bits, so storage stays lossless.
/// </summary>
internal static class DecimalValue
{
    /// <summary>Mantissas stay within ±2^53 so deltas of deltas never overflow and products stay exact.</summary>
    public const long MaxMantissa = 1L << 53;
    public const int MinExponent = -128;
    public const int MaxExponent = 127;

    private static readonly double[] Pow10 = BuildPow10();

    private static double[] BuildPow10()
    {
        var p = new double[MaxExponent + 1];
        for (int i = 0; i < p.Length; i++) p[i] = double.Parse("1e" + i, System.Globalization.CultureInfo.InvariantCulture);
        return p;
    }

    /// <summary>10^e for 0 ≤ e ≤ <see cref="MaxExponent"/>.</summary>
    public static double Pow10Of(int e) => Pow10[e];

    public static double ToFloat(long mantissa, int exponent) =>
        exponent >= 0 ? mantissa * Pow10[exponent] : mantissa / Pow10[-exponent];

    /// <summary>The mantissa of v at a given exponent, if v is exactly representable there.</summary>
    public static bool TryMantissaAt(double v, int exponent, out long mantissa)
    {
        double x = exponent >= 0 ? v / Pow10[exponent] : v * Pow10[-exponent];
        double r = Math.Round(x);
        if (!(Math.Abs(r) <= MaxMantissa)) { mantissa = 0; return false; }
        mantissa = (long)r;
        return BitConverter.DoubleToInt64Bits(ToFloat(mantissa, exponent)) == BitConverter.DoubleToInt64Bits(v);
    }

    /// <summary>The shortest decimal form of a finite v that converts back bit-exactly.</summary>
    public static bool TryFromFloat(double v, out long mantissa, out int exponent)
    {
        if (double.IsFinite(v))
        {
            if (Math.Abs(v) < MaxMantissa && v == Math.Floor(v))
            {
                long m = (long)v;
                int e = 0;
                while (m != 0 && m % 10 == 0 && e < MaxExponent) { m /= 10; e++; }
                if (BitConverter.DoubleToInt64Bits(ToFloat(m, e)) == BitConverter.DoubleToInt64Bits(v))
                {
                    mantissa = m; exponent = e; return true;
                }
            }
            else if (Math.Abs(v) >= MaxMantissa)
            {
                for (int e = 1; e <= MaxExponent; e++)
                {
                    if (TryMantissaAt(v, e, out mantissa)) { exponent = e; return true; }
                    if (Math.Abs(v) / Pow10[e] < 1) break;
                }
            }
            else
            {
                for (int k = 1; k <= 18; k++)
                {
                    if (TryMantissaAt(v, -k, out mantissa)) { exponent = -k; return true; }
                    if (Math.Abs(v * Pow10[k]) > MaxMantissa) break;
                }
            }
        }
        mantissa = 0; exponent = 0;
        return false;
    }

    /// <summary>m · 10^k within the mantissa bound.</summary>
    public static bool TryScale(long m, int k, out long scaled)
    {
        scaled = m;
        for (int i = 0; i < k; i++)
        {
            if (Math.Abs(scaled) > MaxMantissa / 10) return false;
            scaled *= 10;
        }
        return true;
    }
}
