using System.Globalization;

namespace Mlobs.Model;

/// <summary>
/// Prometheus durations (prometheus/common model.ParseDuration and model.Duration.String): one or more number+unit
/// pairs in descending unit order, units y w d h m s ms, e.g. <c>1h30m</c>, <c>15s</c>, <c>500ms</c>; "0" alone is
/// allowed. The one reading and writing of durations: PromQL literals, config files, API parameters and the CLI.
/// </summary>
public static class PromDuration
{
    /// <summary>A Prometheus duration such as <c>1h30m</c> or <c>90s</c> in milliseconds (units y w d h m s ms, largest first).</summary>
    public static bool TryParse(string s, out long ms)
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
    public static string Format(long ms)
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

    /// <summary>A duration as a <see cref="TimeSpan"/>, for config values.</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        bool ok = TryParse(text, out long ms);
        value = ok ? TimeSpan.FromMilliseconds(ms) : TimeSpan.Zero;
        return ok;
    }

    public static string Format(TimeSpan d) => Format((long)d.TotalMilliseconds);
}
