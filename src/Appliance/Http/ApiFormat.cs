using System.Globalization;

namespace Mlobs.Appliance.Http;

/// <summary>How the Prometheus API prints times and alert values (Go's time.Time JSON and strconv 'e' format).</summary>
public static class ApiFormat
{
    /// <summary>RFC 3339 with up to 7 fractional digits, trailing zeros dropped (Go prints up to 9, also trimmed); zero time as Go's.</summary>
    public static string Time(DateTimeOffset t) =>
        t == default ? "0001-01-01T00:00:00Z" : t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// strconv.FormatFloat(v, 'e', -1, 64): the shortest digits that round-trip, as d.ddde±XX — alert values in
    /// <c>/api/v1/alerts</c> look like <c>1e+00</c> or <c>8.5e-01</c>.
    /// </summary>
    public static string FloatE(double v)
    {
        if (double.IsNaN(v)) return "NaN";
        if (double.IsPositiveInfinity(v)) return "+Inf";
        if (double.IsNegativeInfinity(v)) return "-Inf";
        if (v == 0) return BitConverter.DoubleToInt64Bits(v) < 0 ? "-0e+00" : "0e+00";
        // "E16" is not shortest; "R" is, in either fixed or exponent form: take its digits and exponent.
        string r = Math.Abs(v).ToString("R", CultureInfo.InvariantCulture);
        int exp = 0;
        int e = r.IndexOfAny(['E', 'e']);
        if (e >= 0) { exp = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture); r = r[..e]; }
        int dot = r.IndexOf('.');
        string intPart = dot >= 0 ? r[..dot] : r, frac = dot >= 0 ? r[(dot + 1)..] : "";
        string digits = (intPart + frac).TrimStart('0');
        int leadingZeros = (intPart + frac).Length - digits.Length;
        exp += intPart.Length - 1 - leadingZeros;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        string mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
        string sign = v < 0 ? "-" : "";
        return $"{sign}{mantissa}e{(exp < 0 ? '-' : '+')}{Math.Abs(exp):00}";
    }
}
