using System.Globalization;

namespace Mlobs.Rules.Yaml;

/// <summary>
/// Prometheus durations (model.ParseDuration): one or more number+unit pairs in descending unit order,
/// units y w d h m s ms, e.g. <c>1h30m</c>, <c>15s</c>, <c>500ms</c>; "0" alone is allowed.
/// </summary>
public static class GoDuration
{
    private static readonly (string Unit, long Ms)[] Units =
    [
        ("y", 365L * 24 * 3600 * 1000), ("w", 7L * 24 * 3600 * 1000), ("d", 24L * 3600 * 1000),
        ("h", 3600L * 1000), ("m", 60L * 1000), ("s", 1000L), ("ms", 1L),
    ];

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (text == "0") return true;
        if (text.Length == 0) return false;
        long total = 0;
        int pos = 0, lastUnit = -1;
        while (pos < text.Length)
        {
            int start = pos;
            while (pos < text.Length && char.IsAsciiDigit(text[pos])) pos++;
            if (pos == start) return false;
            if (!long.TryParse(text.AsSpan(start, pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out long n)) return false;
            int unitStart = pos;
            while (pos < text.Length && char.IsAsciiLetter(text[pos])) pos++;
            var unit = text.Substring(unitStart, pos - unitStart);
            int idx = Array.FindIndex(Units, u => u.Unit == unit);
            if (idx < 0 || idx <= lastUnit) return false;
            lastUnit = idx;
            try { total = checked(total + n * Units[idx].Ms); } catch (OverflowException) { return false; }
        }
        value = TimeSpan.FromMilliseconds(total);
        return true;
    }

    /// <summary>Formats like Prometheus's model.Duration.String: largest units first, e.g. 1h30m, 15s, 0s.</summary>
    public static string Format(TimeSpan d)
    {
        long ms = (long)d.TotalMilliseconds;
        if (ms == 0) return "0s";
        var sb = new System.Text.StringBuilder();
        foreach (var (unit, unitMs) in Units)
        {
            if (ms >= unitMs)
            {
                sb.Append(ms / unitMs).Append(unit);
                ms %= unitMs;
            }
        }
        return sb.ToString();
    }
}
