namespace Mlobs.Drift.Statistics;

/// <summary>
/// The two-sided one-sample Kolmogorov-Smirnov distribution of Dₙ (scipy's <c>kstwo</c>), whose survival function
/// ks_2samp uses for its asymptotic p-value. The algorithm choice follows Simard &amp; L'Ecuyer (2011) as scipy's
/// <c>_kolmogn</c> does: Ruben-Gambino at the ends, twice the one-sided Smirnov tail for large statistics, the Durbin
/// matrix (Marsaglia-Tsang-Wang) or Pomeranz recursion for small ones, Pelz-Good in between for large n. The one-sided
/// tail is the Birnbaum-Tingey sum taken in logarithms (scipy takes it in double-double arithmetic; the two agree to
/// ~1e-13, see tests/Drift.Tests). Where scipy would run the Durbin matrix for a large n on a statistic whose CDF is
/// below 1e-10, the survival is taken as 1 − Pelz-Good instead (equal to 1e-10; the matrix would cost milliseconds).
/// </summary>
internal static class KolmogorovDistribution
{
    private const int ScaleExponent = 128;
    private static readonly double ScaleUp = Math.ScaleB(1.0, ScaleExponent);
    private static readonly double ScaleDown = Math.ScaleB(1.0, -ScaleExponent);

    /// <summary>P(Dₙ ≥ x).</summary>
    public static double Survival(int n, double x)
    {
        if (n <= 0 || double.IsNaN(x)) return double.NaN;
        if (x >= 1) return 0;
        if (x <= 0) return 1;
        double t = n * x;
        if (t <= 1)
        {
            if (t <= 0.5) return 1;
            double cdf = Math.Exp(LogFactorialOverPower(n) + n * Math.Log(2 * t - 1));
            return Clip(1 - cdf);
        }
        if (t >= n - 1) return Clip(2 * Math.Pow(1 - x, n));
        if (x >= 0.5) return Clip(2 * SmirnovSurvival(n, x));

        double nxSquared = t * x;
        if (n <= 140)
        {
            if (nxSquared <= 0.754693) return Clip(1 - DurbinMatrixCdf(n, x));
            if (nxSquared <= 4) return Clip(1 - PomeranzCdf(n, x));
            return Clip(2 * SmirnovSurvival(n, x));
        }
        if (nxSquared >= 370) return 0;
        if (nxSquared >= 2.2) return Clip(2 * SmirnovSurvival(n, x));
        double c = PelzGoodCdf(n, x);
        // scipy takes the Durbin matrix here; its cost grows with (n·x)³ and for large n this corner only holds
        // statistics whose CDF is below 1e-10, where the survival 1 − CDF is 1 to that precision whatever the method.
        if (n <= 100_000 && n * Math.Pow(x, 1.5) <= 1.4 && c >= 1e-10) c = DurbinMatrixCdf(n, x);
        return Clip(1 - c);
    }

    private static double Clip(double p) => Math.Clamp(p, 0, 1);

    /// <summary>ln(n!/nⁿ): the product for small n, Stirling's series (without the n·ln n that cancels) above.</summary>
    private static double LogFactorialOverPower(int n)
    {
        if (n <= 140)
        {
            double p = 1;
            for (int i = 1; i <= n; i++) p *= i / (double)n;
            return Math.Log(p);
        }
        double rn = 1.0 / n, rn2 = rn / n;
        double poly = (((((((-2.955065359477124183e-2 * rn2 + 6.4102564102564102564e-3) * rn2 - 1.9175269175269175269e-3) * rn2
            + 8.4175084175084175084e-4) * rn2 - 5.952380952380952381e-4) * rn2 + 7.9365079365079365079e-4) * rn2
            - 2.7777777777777777778e-3) * rn2 + 8.3333333333333333333e-2);
        return Math.Log(n) / 2 - n + Math.Log(2 * Math.PI) / 2 + rn * poly;
    }

    /// <summary>
    /// P(Dₙ⁺ ≥ x), the one-sided Smirnov tail: x·Σ_{j=0}^{⌊n(1−x)⌋} C(n,j) (x + j/n)^{j−1} (1 − x − j/n)^{n−j}
    /// (Birnbaum-Tingey). Every term is positive and, as a function of j, rises to one peak and falls, so the sum
    /// stops once past the peak the terms no longer move it; ln C(n,j) is carried from term to term and re-anchored
    /// on ln Γ every 64 terms, so a large n costs a few thousand cheap terms rather than n of them.
    /// </summary>
    internal static double SmirnovSurvival(int n, double x)
    {
        if (x >= 1) return 0;
        if (x <= 0) return 1;
        int last = (int)Math.Floor(n * (1 - x));
        double logN = SpecialFunctions.LogGamma(n + 1.0);
        double logC = 0; // ln C(n, 0)
        double sum = 0, previous = double.NegativeInfinity;
        for (int j = 0; j <= last; j++)
        {
            if (j > 0)
            {
                logC = (j & 63) == 0
                    ? logN - SpecialFunctions.LogGamma(j + 1.0) - SpecialFunctions.LogGamma(n - j + 1.0)
                    : logC + Math.Log((double)(n - j + 1) / j);
            }
            double a = x + (double)j / n, b = 1 - x - (double)j / n;
            if (b <= 0 && n - j > 0) continue;
            double logTerm = logC + (j - 1) * Math.Log(a) + (n - j == 0 ? 0 : (n - j) * Math.Log(b));
            double term = Math.Exp(logTerm);
            sum += term;
            // Past the peak and negligible: the rest, falling faster than geometrically, cannot reach 1e-17 of the sum.
            if (logTerm < previous && term < sum * 1e-18) break;
            previous = logTerm;
        }
        return Math.Clamp(x * sum, 0, 1);
    }

    /// <summary>P(Dₙ ≤ d) by the Durbin matrix (Marsaglia, Tsang &amp; Wang's H^n, scaled against overflow).</summary>
    internal static double DurbinMatrixCdf(int n, double d)
    {
        if (d >= 1) return 1;
        double nd = n * d;
        if (nd <= 0.5) return 0;
        int k = (int)Math.Ceiling(nd);
        double h = k - nd;
        int m = 2 * k - 1;
        var H = new double[m, m];
        var v = new double[m];
        var w = new double[m];
        double fac = 1;
        for (int j = 1; j <= m; j++)
        {
            w[j - 1] = fac;
            fac /= j;
            v[j - 1] = (1 - Math.Pow(h, j)) * fac;
        }
        double tt = Math.Pow(Math.Max(2 * h - 1, 0), m) - 2 * Math.Pow(h, m);
        v[m - 1] = (1 + tt) * fac;
        for (int i = 1; i < m; i++)
            for (int r = i - 1; r < m; r++) H[r, i] = w[r - (i - 1)];
        for (int r = 0; r < m; r++) H[r, 0] = v[r];
        for (int c = 0; c < m; c++) H[m - 1, c] = v[m - 1 - c];

        // Flat row-major buffers, reused: the product goes to a scratch matrix, then the two swap.
        var hm = new double[m * m];
        for (int r = 0; r < m; r++)
            for (int c = 0; c < m; c++) hm[r * m + c] = H[r, c];
        var power = new double[m * m];
        for (int i = 0; i < m; i++) power[i * m + i] = 1;
        var scratch = new double[m * m];
        int nn = n, exponent = 0, hExponent = 0;
        while (nn > 0)
        {
            if ((nn & 1) == 1)
            {
                Multiply(power, hm, scratch, m);
                (power, scratch) = (scratch, power);
                exponent += hExponent;
            }
            nn >>= 1;
            if (nn == 0) break;
            Multiply(hm, hm, scratch, m);
            (hm, scratch) = (scratch, hm);
            hExponent *= 2;
            if (Math.Abs(hm[(k - 1) * m + (k - 1)]) > ScaleUp)
            {
                for (int i = 0; i < hm.Length; i++) hm[i] *= ScaleDown;
                hExponent += ScaleExponent;
            }
        }
        double p = power[(k - 1) * m + (k - 1)];
        for (int i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (Math.Abs(p) < ScaleDown)
            {
                p *= ScaleUp;
                exponent -= ScaleExponent;
            }
        }
        if (exponent != 0) p = Math.ScaleB(p, exponent);
        return Clip(p);
    }

    /// <summary>c = a·b for m×m row-major matrices (c is overwritten).</summary>
    private static void Multiply(double[] a, double[] b, double[] c, int m)
    {
        Array.Clear(c);
        for (int i = 0; i < m; i++)
        {
            var row = c.AsSpan(i * m, m);
            for (int k = 0; k < m; k++)
            {
                double aik = a[i * m + k];
                if (aik == 0) continue;
                var bk = b.AsSpan(k * m, m);
                for (int j = 0; j < m; j++) row[j] += aik * bk[j];
            }
        }
    }

    /// <summary>P(Dₙ ≤ x) by Pomeranz's recursion (1974): rows of Poisson-weighted convolutions, two kept at a time.</summary>
    internal static double PomeranzCdf(int n, double x)
    {
        double t = n * x;
        int ll = (int)Math.Floor(t);
        double f = t - ll;
        double g = Math.Min(f, 1 - f);
        int ceilf = f > 0 ? 1 : 0, roundf = f > 0.5 ? 1 : 0;
        int npwrs = 2 * (ll + 1);
        var gpower = new double[npwrs];
        var twogpower = new double[npwrs];
        var onem2gpower = new double[npwrs];
        gpower[0] = twogpower[0] = onem2gpower[0] = 1;
        double gn = g / n, twogn = 2 * g / n, onem2gn = (1 - 2 * g) / n;
        for (int mm = 1; mm < npwrs; mm++)
        {
            gpower[mm] = gpower[mm - 1] * gn / mm;
            twogpower[mm] = twogpower[mm - 1] * twogn / mm;
            onem2gpower[mm] = onem2gpower[mm - 1] * onem2gn / mm;
        }
        var v0 = new double[npwrs];
        var v1 = new double[npwrs];
        v1[0] = 1;
        int v0s = 0, v1s = 0, exponent = 0;
        var (j1, j2) = PomeranzBounds(0, n, ll, ceilf, roundf);
        var conv = new double[2 * npwrs];
        for (int i = 1; i < 2 * n + 2; i++)
        {
            int k1 = j1;
            (v0, v1) = (v1, v0);
            (v0s, v1s) = (v1s, v0s);
            Array.Clear(v1);
            (j1, j2) = PomeranzBounds(i, n, ll, ceilf, roundf);
            var pwrs = i == 1 || i == 2 * n + 1 ? gpower : (i % 2 == 1 ? twogpower : onem2gpower);
            int ln2 = j2 - k1 + 1;
            if (ln2 <= 0) continue;
            // conv = convolve(v0[k1 - v0s .. + ln2], pwrs[..ln2]), full length 2·ln2 − 1
            if (conv.Length < 2 * ln2) conv = new double[2 * ln2];
            Array.Clear(conv, 0, 2 * ln2 - 1);
            int available = Math.Min(ln2, npwrs - (k1 - v0s));
            for (int a = 0; a < available; a++)
            {
                double va = v0[k1 - v0s + a];
                if (va == 0) continue;
                for (int b = 0; b < Math.Min(ln2, npwrs); b++) conv[a + b] += va * pwrs[b];
            }
            int convStart = j1 - k1, convLen = j2 - j1 + 1;
            double max = 0;
            for (int c = 0; c < convLen; c++)
            {
                v1[c] = conv[convStart + c];
                max = Math.Max(max, v1[c]);
            }
            if (max > 0 && max < ScaleDown)
            {
                for (int c = 0; c < convLen; c++) v1[c] *= ScaleUp;
                exponent -= ScaleExponent;
            }
            v1s = v0s + j1 - k1;
        }
        double ans = v1[n - v1s];
        for (int mm = 1; mm <= n; mm++)
        {
            if (Math.Abs(ans) > ScaleUp)
            {
                ans *= ScaleDown;
                exponent += ScaleExponent;
            }
            ans *= mm;
        }
        if (exponent != 0) ans = Math.ScaleB(ans, exponent);
        return Clip(ans);
    }

    private static (int J1, int J2) PomeranzBounds(int i, int n, int ll, int ceilf, int roundf)
    {
        int j1, j2;
        if (i == 0)
        {
            j1 = -ll - ceilf - 1;
            j2 = ll + ceilf - 1;
        }
        else
        {
            int ip1div2 = (i + 1) / 2, ip1mod2 = (i + 1) % 2;
            if (ip1mod2 == 0)
            {
                if (ip1div2 == n + 1)
                {
                    j1 = n - ll - ceilf - 1;
                    j2 = n + ll + ceilf - 1;
                }
                else
                {
                    j1 = ip1div2 - 1 - ll - roundf - 1;
                    j2 = ip1div2 + ll - 1 + ceilf - 1;
                }
            }
            else
            {
                j1 = ip1div2 - 1 - ll - 1;
                j2 = ip1div2 + ll + roundf - 1;
            }
        }
        return (Math.Max(j1 + 2, 0), Math.Min(j2, n));
    }

    /// <summary>P(Dₙ ≤ x) by the Pelz-Good expansion in 1/√n (1976), with Jacobi-theta forms for small z = x√n.</summary>
    internal static double PelzGoodCdf(int n, double x)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        const double pi2 = Math.PI * Math.PI, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
        double sqrt2Pi = Math.Sqrt(2 * Math.PI), sqrt3 = Math.Sqrt(3);
        double z = Math.Sqrt(n) * x;
        double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
        double qlog = -pi2 / 8 / z2;
        if (qlog < -708) return 0;
        double q = Math.Exp(qlog);
        double k1a = -z2, k1b = pi2 / 4;
        double k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16;
        double k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16,
            k3b = pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * Math.Pow(z, 8);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int maxk = (int)Math.Ceiling(16 * z / Math.PI);
        for (int k = maxk; k >= 1; k--)
        {
            double m = 2 * k - 1, m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
            double qpower = Math.Pow(q, 8 * k);
            s0 = s0 * qpower + 1;
            s1 = s1 * qpower + (k1a + k1b * m2);
            s2 = s2 * qpower + (k2a + k2b * m2 + k2c * m4);
            s3 = s3 * qpower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
        }
        double f = q * sqrt2Pi;
        s0 *= f / z;
        s1 *= f / (6 * z4);
        s2 *= f / (72 * Math.Pow(z, 7));
        s3 *= f / (6480 * Math.Pow(z, 10));
        double q2 = Math.Exp(-pi2 / 2 / z2);
        double k2extra = 0, k3extra = 0;
        double sqrt3z = sqrt3 * z;
        // numpy sums these in array order (k from maxk down to 1)
        for (int k = maxk; k >= 1; k--)
        {
            double ksq = (double)k * k, qp = Math.Pow(q2, ksq), kspi = Math.PI * k;
            k2extra += ksq * qp;
            k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksq * qp;
        }
        s2 += k2extra * pi2 * sqrt2Pi / (-36 * z3);
        s3 += k3extra * pi2 * sqrt2Pi / (216 * z6);
        double rootN = Math.Sqrt(n);
        return s0 + s1 / rootN + s2 / n + s3 / (n * rootN);
    }
}
