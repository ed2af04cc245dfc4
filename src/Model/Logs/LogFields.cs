using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mlobs.Model.Logs;

/// <summary>
/// Reading fields out of a log line — JSON (nested objects joined with '_'), logfmt, regex named groups — with
/// names made label names, as Loki's parsers do. Shared by the LogQL parser stages and the file tailer's parsers.
/// </summary>
public static class LogFields
{
    /// <summary>Every field of a JSON object line; false when the line is not a JSON object.</summary>
    public static bool TryJson(string line, Action<string, string> set)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return false;
            Flatten(doc.RootElement, "", set);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void Flatten(JsonElement e, string prefix, Action<string, string> set)
    {
        foreach (var p in e.EnumerateObject())
        {
            var name = Sanitize(prefix.Length == 0 ? p.Name : prefix + "_" + p.Name);
            switch (p.Value.ValueKind)
            {
                case JsonValueKind.Object: Flatten(p.Value, name, set); break;
                case JsonValueKind.String: set(name, p.Value.GetString()!); break;
                case JsonValueKind.Null: break;
                default: set(name, p.Value.GetRawText()); break;
            }
        }
    }

    /// <summary>key=value pairs (values optionally double-quoted; a bare key has an empty value); false on an unterminated quote.</summary>
    public static bool TryLogfmt(string s, Action<string, string> set)
    {
        int i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && s[i] == ' ') i++;
            int keyStart = i;
            while (i < s.Length && s[i] is not ('=' or ' ')) i++;
            if (i == keyStart) { i++; continue; }
            var key = Sanitize(s[keyStart..i]);
            if (i >= s.Length || s[i] == ' ') { set(key, ""); continue; }
            i++;
            if (i < s.Length && s[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (i < s.Length && s[i] != '"')
                {
                    if (s[i] == '\\' && i + 1 < s.Length) i++;
                    sb.Append(s[i++]);
                }
                if (i >= s.Length) return false;
                i++;
                set(key, sb.ToString());
            }
            else
            {
                int start = i;
                while (i < s.Length && s[i] != ' ') i++;
                set(key, s[start..i]);
            }
        }
        return true;
    }

    /// <summary>The named groups of a match; false when the line does not match.</summary>
    public static bool TryNamed(Regex regex, string line, Action<string, string> set)
    {
        var m = regex.Match(line);
        if (!m.Success) return false;
        foreach (var name in regex.GetGroupNames())
            if (!int.TryParse(name, out _) && m.Groups[name].Success) set(Sanitize(name), m.Groups[name].Value);
        return true;
    }

    /// <summary>Field names as label names: anything but letters, digits and '_' becomes '_'; no leading digit.</summary>
    public static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char c in name) sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        if (sb.Length > 0 && char.IsAsciiDigit(sb[0])) sb.Insert(0, '_');
        return sb.ToString();
    }
}
