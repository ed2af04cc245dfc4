using System.Text;
using System.Text.RegularExpressions;
using Mlobs.Query.PromQl.Parser;

namespace Mlobs.Query.LogQl;

/// <summary>A LogQL query that does not parse; the message is Loki's: "parse error at line 1, col N: ...".</summary>
public sealed class LogQlParseException(int line, int column, string detail)
    : Exception($"parse error at line {line}, col {column}: {detail}");

/// <summary>
/// Parses LogQL log queries: a stream selector <c>{service="api", level=~"error|warn"}</c> (the selector syntax
/// PromQL uses, so its parser does the matchers) and a pipeline: line filters <c>|=</c>, <c>!=</c>, <c>|~</c>,
/// <c>!~</c>; <c>| json</c>, <c>| logfmt</c>, <c>| regexp "..."</c>, <c>| pattern "..."</c>; label filters
/// <c>| latency_ms > 500</c>, <c>| level="error"</c>; <c>| line_format "{{.msg}}"</c>. Strings are double-quoted or
/// backtick raw strings.
/// </summary>
public static class LogQlParser
{
    public static LogQuery Parse(string query)
    {
        int pos = 0;
        var q = ParseLog(query, ref pos, nested: false);
        return q;
    }

    /// <summary>A log query from <paramref name="pos"/>; nested inside a range aggregation it ends before its "[range]".</summary>
    internal static LogQuery ParseLog(string query, ref int pos, bool nested)
    {
        pos = SkipSpace(query, pos);
        if (pos >= query.Length || query[pos] != '{') throw Error(query, pos, $"syntax error: unexpected {Describe(query, pos)}, expecting {{");
        int close = SelectorEnd(query, pos);
        string selector = query[pos..(close + 1)];
        Model.Labels.LabelMatcher[] matchers;
        try
        {
            matchers = SeriesSelectorParser.Parse(selector);
        }
        catch (ParseException ex) when (!ex.Detail.StartsWith("vector selector must contain", StringComparison.Ordinal))
        {
            throw Error(query, pos + Math.Max(0, ex.Position), ex.Detail);
        }
        catch (ParseException)
        {
            matchers = [];
        }
        if (matchers.Length == 0 || matchers.All(m => m.Matches("")))
            throw Error(query, pos, EmptyCompatible);
        var stages = new List<PipelineStage>();
        pos = SkipSpace(query, close + 1);
        while (pos < query.Length && !(nested && query[pos] is '[' or ')'))
        {
            LineFilterOp? op = Two(query, pos) switch
            {
                "|=" => LineFilterOp.Contains,
                "!=" => LineFilterOp.NotContains,
                "|~" => LineFilterOp.Matches,
                "!~" => LineFilterOp.NotMatches,
                _ => null,
            };
            if (op is { } lineOp)
            {
                pos = SkipSpace(query, pos + 2);
                var (value, next) = ReadString(query, pos);
                if (lineOp is LineFilterOp.Matches or LineFilterOp.NotMatches) CheckRegex(query, pos, value);
                stages.Add(new LineFilter(lineOp, value));
                pos = SkipSpace(query, next);
                continue;
            }
            if (query[pos] != '|') throw Error(query, pos, $"syntax error: unexpected {Describe(query, pos)}");
            pos = SkipSpace(query, pos + 1);
            int identAt = pos;
            var (ident, afterIdent) = ReadIdent(query, pos);
            pos = SkipSpace(query, afterIdent);
            switch (ident)
            {
                case "json": stages.Add(new JsonStage()); break;
                case "logfmt": stages.Add(new LogfmtStage()); break;
                case "regexp":
                case "pattern":
                case "line_format":
                {
                    var (text, next) = ReadString(query, pos);
                    if (ident == "regexp") { CheckRegex(query, pos, text); if (!text.Contains("(?P<", StringComparison.Ordinal) && !text.Contains("(?<", StringComparison.Ordinal)) throw Error(query, pos, "at least one named capture must be supplied"); }
                    stages.Add(ident switch
                    {
                        "regexp" => new RegexpStage(text.Replace("(?P<", "(?<", StringComparison.Ordinal)),
                        "pattern" => new PatternStage(text),
                        _ => new LineFormat(text),
                    });
                    pos = next;
                    break;
                }
                default:
                    if (ident.Length == 0) throw Error(query, identAt, $"syntax error: unexpected {Describe(query, identAt)}");
                    (var filter, pos) = ReadLabelFilter(query, ident, pos);
                    stages.Add(filter);
                    break;
            }
            pos = SkipSpace(query, pos);
        }
        return new LogQuery(matchers, stages);
    }

    // Shared with the metric-query parser.
    internal static int Skip(string s, int pos) => SkipSpace(s, pos);
    internal static (string, int) Ident(string s, int pos) => ReadIdent(s, pos);
    internal static LogQlParseException ErrorAt(string query, int pos, string detail) => Error(query, pos, detail);
    internal static string What(string s, int pos) => Describe(s, pos);

    private static readonly (string Text, LabelFilterOp Op)[] LabelOps =
    [
        ("=~", LabelFilterOp.Matches), ("!~", LabelFilterOp.NotMatches), ("!=", LabelFilterOp.NotEqual), ("==", LabelFilterOp.Equal),
        (">=", LabelFilterOp.GreaterOrEqual), ("<=", LabelFilterOp.LessOrEqual), (">", LabelFilterOp.Greater), ("<", LabelFilterOp.Less), ("=", LabelFilterOp.Equal),
    ];

    /// <summary>name op value: a quoted value compares as a string, a bare one (number, duration, bytes) as a number.</summary>
    private static (LabelFilter, int) ReadLabelFilter(string query, string name, int pos)
    {
        var (text, op) = LabelOps.FirstOrDefault(o => string.CompareOrdinal(query, pos, o.Text, 0, o.Text.Length) == 0);
        if (text is null) throw Error(query, pos, $"syntax error: unexpected {Describe(query, pos)}, expecting a label filter operator");
        pos = SkipSpace(query, pos + text.Length);
        if (pos < query.Length && query[pos] is '"' or '`')
        {
            if (op is LabelFilterOp.Greater or LabelFilterOp.GreaterOrEqual or LabelFilterOp.Less or LabelFilterOp.LessOrEqual)
                throw Error(query, pos, $"syntax error: unexpected STRING, expecting NUMBER or DURATION or BYTES");
            var (value, next) = ReadString(query, pos);
            if (op is LabelFilterOp.Matches or LabelFilterOp.NotMatches) CheckRegex(query, pos, value);
            return (new LabelFilter(name, op, value, null), next);
        }
        int start = pos;
        while (pos < query.Length && (char.IsAsciiLetterOrDigit(query[pos]) || query[pos] is '.' or '-' or '+' or 'µ')) pos++;
        var token = query[start..pos];
        if (!Names.TryNumber(token, out double number) || op is LabelFilterOp.Matches or LabelFilterOp.NotMatches)
            throw Error(query, start, $"syntax error: unexpected {(token.Length == 0 ? Describe(query, start) : token)}, expecting STRING or NUMBER");
        return (new LabelFilter(name, op, token, number), pos);
    }

    private static (string, int) ReadIdent(string s, int pos)
    {
        int start = pos;
        while (pos < s.Length && (char.IsAsciiLetterOrDigit(s[pos]) || s[pos] == '_')) pos++;
        return (s[start..pos], pos);
    }

    private static void CheckRegex(string query, int pos, string value)
    {
        try { _ = new Regex(value.Replace("(?P<", "(?<", StringComparison.Ordinal)); }
        catch (ArgumentException ex) { throw Error(query, pos, $"invalid regexp {value}: {ex.Message}"); }
    }

    private const string EmptyCompatible = "queries require at least one regexp or equality matcher that does not have an empty-compatible value. " +
        "For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will";

    private static string Two(string s, int pos) => pos + 1 < s.Length ? s.Substring(pos, 2) : "";

    private static int SkipSpace(string s, int pos)
    {
        while (pos < s.Length && char.IsWhiteSpace(s[pos])) pos++;
        return pos;
    }

    /// <summary>The '}' closing the selector, skipping quoted strings.</summary>
    private static int SelectorEnd(string s, int open)
    {
        for (int i = open + 1; i < s.Length; i++)
        {
            char c = s[i];
            if (c is '"' or '`') i = ReadString(s, i).Next - 1;
            else if (c == '}') return i;
        }
        throw Error(s, s.Length, "syntax error: unexpected end of input, expecting }");
    }

    private static (string Value, int Next) ReadString(string s, int pos)
    {
        if (pos >= s.Length || s[pos] is not ('"' or '`')) throw Error(s, pos, $"syntax error: unexpected {Describe(s, pos)}, expecting STRING");
        char quote = s[pos];
        var sb = new StringBuilder();
        for (int i = pos + 1; i < s.Length; i++)
        {
            char c = s[i];
            if (c == quote) return (sb.ToString(), i + 1);
            if (c == '\\' && quote == '"' && i + 1 < s.Length)
            {
                char e = s[++i];
                sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => e });
                continue;
            }
            sb.Append(c);
        }
        throw Error(s, pos, "syntax error: unterminated string");
    }

    private static string Describe(string s, int pos) => pos >= s.Length ? "end of input" : s[pos].ToString();

    private static LogQlParseException Error(string query, int pos, string detail)
    {
        int line = 1, col = 1;
        for (int i = 0; i < Math.Min(pos, query.Length); i++)
        {
            if (query[i] == '\n') { line++; col = 1; } else col++;
        }
        return new LogQlParseException(line, col, detail);
    }
}
