using System.Globalization;

namespace Mlobs.Model.Strconv;

/// <summary>Numbers as Prometheus writes them in API results and labels (Go's strconv.FormatFloat(f, 'f', -1, 64)).</summary>
public static class ValueFormat
{
    /// <summary>Sample values: shortest round-trip digits without exponent; <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>.</summary>
    public static string Float(double v)
    {
        if (double.IsNaN(v)) return "NaN";
        if (double.IsPositiveInfinity(v)) return "+Inf";
        if (double.IsNegativeInfinity(v)) return "-Inf";
        var r = v.ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOf('E');
        if (e < 0) return r;
        var mantissa = r[..e];
        int exp = int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
        bool neg = mantissa.StartsWith('-');
        if (neg) mantissa = mantissa[1..];
        int dot = mantissa.IndexOf('.');
        var digits = mantissa.Replace(".", "");
        int point = (dot >= 0 ? dot : mantissa.Length) + exp;
        string result = point <= 0 ? "0." + new string('0', -point) + digits
            : point >= digits.Length ? digits + new string('0', point - digits.Length)
            : digits[..point] + "." + digits[point..];
        return neg ? "-" + result : result;
    }


    /// <summary>
    /// Go's strconv.FormatFloat(f, 'g', -1, 64), as the text exposition format writes values: shortest digits,
    /// exponent form when the decimal exponent is below -4 or at least 6 (<c>1e+06</c>, <c>123456</c>, <c>1.5e-05</c>).
    /// </summary>
    public static string GoG(double v)
    {
        if (double.IsNaN(v)) return "NaN";
        if (double.IsPositiveInfinity(v)) return "+Inf";
        if (double.IsNegativeInfinity(v)) return "-Inf";
        if (v == 0) return BitConverter.DoubleToInt64Bits(v) < 0 ? "-0" : "0";
        bool neg = v < 0;
        var r = Math.Abs(v).ToString("R", CultureInfo.InvariantCulture);
        int exp;
        string digits = new string(r.TakeWhile(c => c != 'E').Where(char.IsAsciiDigit).ToArray()).TrimStart('0').TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        // The decimal exponent of the first significant digit.
        if (r.Contains('E')) exp = int.Parse(r[(r.IndexOf('E') + 1)..], CultureInfo.InvariantCulture) + (r.IndexOf('.') is var d && d > 0 ? d - 1 : 0);
        else
        {
            var intPart = r.Split('.')[0].TrimStart('0');
            exp = intPart.Length > 0 ? intPart.Length - 1 : -(r.Split('.')[1].TakeWhile(c => c == '0').Count() + 1);
        }
        string result = exp < -4 || exp >= 6
            ? (digits.Length == 1 ? digits : digits[0] + "." + digits[1..]) + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture)
            : Float(Math.Abs(v));
        return neg ? "-" + result : result;
    }

    /// <summary>
    /// Go's strconv.FormatFloat(v, 'e', -1, 64): the shortest digits that round-trip as d.ddde±XX (<c>1e+00</c>,
    /// <c>8.5e-01</c>); <paramref name="upper"/> gives the 'E' form promtool prints in test failures.
    /// </summary>
    public static string GoE(double v, bool upper = false)
    {
        if (double.IsNaN(v)) return "NaN";
        if (double.IsPositiveInfinity(v)) return "+Inf";
        if (double.IsNegativeInfinity(v)) return "-Inf";
        char e = upper ? 'E' : 'e';
        if (v == 0) return (BitConverter.DoubleToInt64Bits(v) < 0 ? "-0" : "0") + e + "+00";
        // "R" is shortest, in either fixed or exponent form: take its digits and exponent.
        string r = Math.Abs(v).ToString("R", CultureInfo.InvariantCulture);
        int exp = 0;
        int at = r.IndexOfAny(['E', 'e']);
        if (at >= 0) { exp = int.Parse(r.AsSpan(at + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture); r = r[..at]; }
        int dot = r.IndexOf('.');
        string intPart = dot >= 0 ? r[..dot] : r, frac = dot >= 0 ? r[(dot + 1)..] : "";
        string digits = (intPart + frac).TrimStart('0');
        int leadingZeros = (intPart + frac).Length - digits.Length;
        exp += intPart.Length - 1 - leadingZeros;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        string mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
        return (v < 0 ? "-" : "") + mantissa + e + (exp < 0 ? '-' : '+') + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A label set as Prometheus's Go code prints it (labels.Labels.String(), model.LabelSet.String()):
    /// <c>{__name__="up", job="api"}</c>, values Go-quoted — promtool's test reports and Alertmanager's group keys.
    /// </summary>
    public static string GoLabels(Mlobs.Model.Labels.LabelSet labels)
    {
        var sb = new System.Text.StringBuilder("{");
        for (int i = 0; i < labels.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(labels[i].Name).Append('=').Append(GoBytes.Quote(labels[i].Value));
        }
        return sb.Append('}').ToString();
    }
}
