namespace Mlobs.Model;

/// <summary>
/// Byte sizes as Prometheus reads them (alecthomas/units ParseBase2Bytes, used for <c>body_size_limit</c> and the
/// retention size): one or more number+unit pairs such as <c>512MB</c>, <c>1.5GiB</c> or <c>1GB512MB</c>, where KB and
/// KiB are both 1024 bytes (units B, KB…EB and KiB…EiB, case as written); "0" alone is allowed.
/// The one reading of byte sizes: the config file and the CLI.
/// </summary>
public static class ByteSize
{
    private static readonly string[] Prefixes = ["", "K", "M", "G", "T", "P", "E"];

    /// <summary>The size in bytes, or false with Prometheus's reason ("units: invalid 12XB").</summary>
    public static bool TryParse(string s, out long bytes, out string error)
    {
        bytes = 0;
        error = "";
        string orig = s;
        bool negative = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s == "0") return true;
        if (s.Length == 0) return Invalid(orig, out error);
        double total = 0;
        int i = 0;
        while (i < s.Length)
        {
            if (!(s[i] == '.' || char.IsAsciiDigit(s[i]))) return Invalid(orig, out error);
            int start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            bool before = i > start;
            bool after = false;
            if (i < s.Length && s[i] == '.')
            {
                int fraction = ++i;
                while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
                after = i > fraction;
            }
            if (!before && !after) return Invalid(orig, out error);
            double number = double.Parse(s.AsSpan(start, i - start), System.Globalization.CultureInfo.InvariantCulture);
            int unitStart = i;
            while (i < s.Length && !(s[i] == '.' || char.IsAsciiDigit(s[i]))) i++;
            var unit = s[unitStart..i];
            if (Multiplier(unit) is not { } multiplier)
            {
                error = $"units: unknown unit {unit} in {orig}";
                return false;
            }
            total += number * multiplier;
        }
        if (negative) total = -total;
        if (total is < long.MinValue or >= 9.2233720368547758e18)
        {
            error = "units: overflow parsing unit";
            return false;
        }
        bytes = (long)total;
        return true;
    }

    /// <summary>B is 1; xB and xiB are 1024 to the prefix's power (K, M, G, T, P, E).</summary>
    private static double? Multiplier(string unit)
    {
        if (unit == "B") return 1;
        for (int p = 1; p < Prefixes.Length; p++)
            if (unit == Prefixes[p] + "B" || unit == Prefixes[p] + "iB") return Math.Pow(1024, p);
        return null;
    }

    private static bool Invalid(string orig, out string error)
    {
        error = "units: invalid " + orig;
        return false;
    }
}
