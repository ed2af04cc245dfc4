using System.Text;

namespace Mlobs.Ingest.StatsD;

/// <summary>statsd_exporter's EscapeMetricName: what an unmapped StatsD name (or a tag key) becomes in Prometheus.</summary>
public static class StatsdNames
{
    /// <summary>
    /// Every character other than [a-zA-Z0-9_] becomes <c>_</c> (a second dash in a row is dropped); a leading digit
    /// gets <c>_</c> in front.
    /// </summary>
    public static string Escape(string name)
    {
        if (name.Length == 0) return "";
        StringBuilder? sb = null;
        if (char.IsAsciiDigit(name[0])) sb = new StringBuilder(name.Length + 1).Append('_');
        char prev = '\0';
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool valid = char.IsAsciiLetterOrDigit(c) || c == '_';
            if (valid)
            {
                sb?.Append(c);
            }
            else if (c == '-' && prev == '-')
            {
                sb ??= new StringBuilder(name.Length).Append(name, 0, i);
            }
            else
            {
                sb ??= new StringBuilder(name.Length).Append(name, 0, i);
                sb.Append('_');
            }
            if (char.IsHighSurrogate(c) && i + 1 < name.Length) i++; // one rune, one underscore
            prev = c;
        }
        return sb?.ToString() ?? name;
    }
}
