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
}
