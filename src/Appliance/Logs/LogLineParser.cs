using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mlobs.Appliance.Logs;

/// <summary>
/// Reads the fields of one log line for a source's parser: JSON (nested objects flattened with '_', as Loki's
/// <c>| json</c>), logfmt, a regex with named groups, or none (raw). Null when the line does not parse — the line is
/// still kept, as written.
/// </summary>
public sealed class LogLineParser(LogSourceConfig source)
{
    private readonly Regex? _pattern = source.Pattern is null ? null : new Regex(source.Pattern, RegexOptions.CultureInvariant);

    public Dictionary<string, string>? Fields(string line) => source.Parser switch
    {
        LogParserKind.Json => Json(line),
        LogParserKind.Logfmt => Logfmt(line),
        LogParserKind.Regex => Named(line),
        _ => [],
    };

    private static Dictionary<string, string>? Json(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            Flatten(doc.RootElement, "", fields);
            return fields;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Flatten(JsonElement e, string prefix, Dictionary<string, string> into)
    {
        foreach (var p in e.EnumerateObject())
        {
            var name = Sanitize(prefix.Length == 0 ? p.Name : prefix + "_" + p.Name);
            switch (p.Value.ValueKind)
            {
                case JsonValueKind.Object: Flatten(p.Value, name, into); break;
                case JsonValueKind.String: into[name] = p.Value.GetString()!; break;
                case JsonValueKind.Null: break;
                case JsonValueKind.Array: into[name] = p.Value.GetRawText(); break;
                default: into[name] = p.Value.GetRawText(); break;
            }
        }
    }

    /// <summary>Field names as Loki makes them label names: anything but letters, digits and '_' becomes '_'.</summary>
    public static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char c in name) sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        if (sb.Length > 0 && char.IsAsciiDigit(sb[0])) sb.Insert(0, '_');
        return sb.ToString();
    }

    private static Dictionary<string, string>? Logfmt(string line)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        int i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] == ' ') i++;
            int keyStart = i;
            while (i < line.Length && line[i] is not ('=' or ' ')) i++;
            if (i == keyStart) { i++; continue; }
            var key = Sanitize(line[keyStart..i]);
            if (i >= line.Length || line[i] == ' ') { fields[key] = ""; continue; }
            i++; // '='
            string value;
            if (i < line.Length && line[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (i < line.Length && line[i] != '"')
                {
                    if (line[i] == '\\' && i + 1 < line.Length) i++;
                    sb.Append(line[i++]);
                }
                if (i >= line.Length) return null; // unterminated quote
                i++;
                value = sb.ToString();
            }
            else
            {
                int start = i;
                while (i < line.Length && line[i] != ' ') i++;
                value = line[start..i];
            }
            fields[key] = value;
        }
        return fields.Count == 0 ? null : fields;
    }

    private Dictionary<string, string>? Named(string line)
    {
        var m = _pattern!.Match(line);
        if (!m.Success) return null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in _pattern.GetGroupNames())
            if (!int.TryParse(name, out _) && m.Groups[name].Success) fields[Sanitize(name)] = m.Groups[name].Value;
        return fields;
    }

    /// <summary>Levels as one vocabulary: ERROR, err, Error → error; WARNING → warn; and so on.</summary>
    public static string NormalizeLevel(string level) => level.Trim().ToLowerInvariant() switch
    {
        "err" or "error" or "eror" or "e" => "error",
        "warn" or "warning" or "w" => "warn",
        "info" or "information" or "informational" or "i" or "notice" => "info",
        "debug" or "dbg" or "d" => "debug",
        "trace" or "trc" => "trace",
        "fatal" or "crit" or "critical" or "panic" or "emerg" or "alert" => "critical",
        var other => other,
    };

    /// <summary>The line's time from its timestamp field, in Unix nanoseconds; null when absent or unreadable.</summary>
    public static long? Timestamp(Dictionary<string, string> fields, LogTimestampConfig config)
    {
        if (!fields.TryGetValue(Sanitize(config.Field), out var text)) return null;
        if (config.Format == "rfc3339")
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                ? (t.UtcTicks - DateTime.UnixEpoch.Ticks) * 100 : null;
        // Whole numbers exactly (nanoseconds do not fit a double); fractions of seconds through double.
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long whole))
        {
            return config.Format switch
            {
                "unix" => whole * 1_000_000_000,
                "unix_ms" => whole * 1_000_000,
                "unix_us" => whole * 1_000,
                _ => whole,
            };
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double n) || !double.IsFinite(n)) return null;
        return config.Format switch
        {
            "unix" => (long)(n * 1e9),
            "unix_ms" => (long)(n * 1e6),
            "unix_us" => (long)(n * 1e3),
            _ => (long)n,
        };
    }
}
