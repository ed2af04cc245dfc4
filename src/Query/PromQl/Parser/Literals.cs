using System.Globalization;

namespace Mlobs.Query.PromQl.Parser;

/// <summary>Number and duration literals as Prometheus reads them (parser.parseNumber, model.ParseDuration).</summary>
public static class Literals
{
    /// <summary>
    /// Go's strconv.ParseInt(s, 0, 64) first (so 0x1f is hex and 0755 octal, as in Prometheus), then ParseFloat
    /// (which also takes Inf and NaN in any case).
    /// </summary>
    public static bool TryParseNumber(string s, out double value)
    {
        if (TryParseGoInt(s, out long l)) { value = l; return true; }
        var t = s.TrimStart('+');
        if (t.Equals("inf", StringComparison.OrdinalIgnoreCase) || t.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = double.PositiveInfinity;
            return true;
        }
        if (s.StartsWith('-') && (s[1..].Equals("inf", StringComparison.OrdinalIgnoreCase) || s[1..].Equals("infinity", StringComparison.OrdinalIgnoreCase)))
        {
            value = double.NegativeInfinity;
            return true;
        }
        if (t.Equals("nan", StringComparison.OrdinalIgnoreCase)) { value = double.NaN; return true; }
        return double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture, out value);
    }

    private static bool TryParseGoInt(string s, out long value)
    {
        value = 0;
        if (s.Length == 0) return false;
        int i = 0;
        bool neg = false;
        if (s[0] is '+' or '-') { neg = s[0] == '-'; i = 1; }
        int radix = 10;
        if (s.Length - i > 1 && s[i] == '0')
        {
            char p = char.ToLowerInvariant(s[i + 1]);
            if (p == 'x') { radix = 16; i += 2; }
            else if (p == 'o') { radix = 8; i += 2; }
            else if (p == 'b') { radix = 2; i += 2; }
            else { radix = 8; i += 1; }
        }
        if (i >= s.Length) return false;
        ulong acc = 0;
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '_' && radix != 10) continue;
            int d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => 99,
            };
            if (d >= radix) return false;
            ulong next = acc * (ulong)radix + (ulong)d;
            if (next / (ulong)radix != acc && acc != 0 || next > (ulong)long.MaxValue + (neg ? 1UL : 0UL)) return false;
            acc = next;
        }
        value = neg ? (long)(0 - acc) : (long)acc;
        return true;
    }

    /// <summary>A Prometheus duration such as <c>1h30m</c> or <c>90s</c> in milliseconds (units y w d h m s ms, largest first).</summary>
    public static bool TryParseDuration(string s, out long ms)
    {
        ms = 0;
        if (s.Length == 0) return false;
        if (s == "0") return true;
        int i = 0, lastUnit = int.MaxValue;
        while (i < s.Length)
        {
            int start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            if (i == start || i >= s.Length) return false;
            if (!long.TryParse(s.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out long n)) return false;
            (long unitMs, int rank, int len) = s[i] switch
            {
                'y' => (365L * 24 * 3600 * 1000, 7, 1),
                'w' => (7L * 24 * 3600 * 1000, 6, 1),
                'd' => (24L * 3600 * 1000, 5, 1),
                'h' => (3600L * 1000, 4, 1),
                'm' when i + 1 < s.Length && s[i + 1] == 's' => (1L, 1, 2),
                'm' => (60L * 1000, 3, 1),
                's' => (1000L, 2, 1),
                _ => (0L, 0, 0),
            };
            if (len == 0 || rank >= lastUnit) return false;
            lastUnit = rank;
            i += len;
            try { ms = checked(ms + checked(n * unitMs)); }
            catch (OverflowException) { return false; }
        }
        return true;
    }

    /// <summary>Formats milliseconds the way Prometheus prints durations (model.Duration.String): <c>1h30m</c>, <c>5m</c>, <c>0s</c>.</summary>
    public static string FormatDuration(long ms)
    {
        if (ms == 0) return "0s";
        var sb = new System.Text.StringBuilder();
        if (ms < 0) { sb.Append('-'); ms = -ms; }
        const long s = 1000, m = 60 * s, h = 60 * m, d = 24 * h, w = 7 * d, y = 365 * d;
        // As Go: years and weeks only when they divide exactly (90d reads better than 12w6d).
        foreach (var (unit, mult, exact) in new (string, long, bool)[] { ("y", y, true), ("w", w, true), ("d", d, false), ("h", h, false), ("m", m, false), ("s", s, false), ("ms", 1, false) })
        {
            if (exact && ms % mult != 0) continue;
            long v = ms / mult;
            if (v > 0) { sb.Append(v).Append(unit); ms -= v * mult; }
        }
        return sb.ToString();
    }
}
