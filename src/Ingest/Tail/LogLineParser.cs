using System.Globalization;
using System.Text.RegularExpressions;
using Mlobs.Config;
using Mlobs.Model.Logs;

namespace Mlobs.Ingest.Tail;

/// <summary>
/// Reads the fields of one log line for a source's parser — JSON, logfmt, a regex with named groups (the same
/// readers as LogQL's <c>| json</c>, <c>| logfmt</c>, <c>| regexp</c>), or none (raw). Null when the line does not
/// parse — the line is still kept, as written.
/// </summary>
public sealed class LogLineParser(LogSourceConfig source)
{
    private readonly Regex? _pattern = source.Pattern is null ? null : new Regex(source.Pattern, RegexOptions.CultureInvariant);

    /// <summary>The source's <c>label_fields</c>: each as written (to tell <c>level</c>) and as a label name, sanitized once.</summary>
    public IReadOnlyList<(string Field, string Label)> LabelFields { get; } = source.LabelFields.Select(f => (f, LogFields.Sanitize(f))).ToList();

    public Dictionary<string, string>? Fields(string line)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        void Set(string name, string value) => fields[name] = value;
        bool ok = source.Parser switch
        {
            LogParserKind.Json => LogFields.TryJson(line, Set),
            LogParserKind.Logfmt => LogFields.TryLogfmt(line, Set) && fields.Count > 0,
            LogParserKind.Regex => LogFields.TryNamed(_pattern!, line, Set),
            _ => true,
        };
        return ok ? fields : null;
    }

    /// <summary>Field names as label names (see <see cref="LogFields.Sanitize"/>).</summary>
    public static string Sanitize(string name) => LogFields.Sanitize(name);

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
        // Field keys are sanitized: a name that is already a valid label name is looked up without building a string.
        if (!fields.TryGetValue(config.Field, out var text) && !fields.TryGetValue(Sanitize(config.Field), out text)) return null;
        if (config.Format == "rfc3339")
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return null;
            // .NET keeps 100 ns ticks; the digits of the fraction give the nanoseconds Loki keeps.
            int time = text.IndexOfAny('T', 't', ' ');
            int dot = time < 0 ? -1 : text.IndexOf('.', time);
            if (dot < 0) return (t.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
            long nanos = 0;
            bool digits = true;
            for (int i = 0; i < 9; i++)
            {
                digits &= dot + 1 + i < text.Length && char.IsAsciiDigit(text[dot + 1 + i]);
                nanos = nanos * 10 + (digits ? text[dot + 1 + i] - '0' : 0);
            }
            return t.ToUnixTimeSeconds() * 1_000_000_000 + nanos;
        }
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
