using System.Text;
using System.Text.RegularExpressions;
using Mlobs.Query.PromQl.Parser;

namespace Mlobs.Query.LogQl;

/// <summary>A LogQL query that does not parse; the message is Loki's: "parse error at line 1, col N: ...".</summary>
public sealed class LogQlParseException(int line, int column, string detail)
    : Exception($"parse error at line {line}, col {column}: {detail}");

/// <summary>
/// Parses the LogQL this version serves: a stream selector <c>{service="api", level=~"error|warn"}</c> (the
/// selector syntax PromQL uses, so its parser does the matchers) followed by line filters <c>|=</c>, <c>!=</c>,
/// <c>|~</c>, <c>!~</c> with double-quoted or backtick strings.
/// </summary>
public static class LogQlParser
{
    public static LogQuery Parse(string query)
    {
        int pos = SkipSpace(query, 0);
        if (pos >= query.Length || query[pos] != '{') throw Error(query, pos, $"syntax error: unexpected {Describe(query, pos)}, expecting {{");
        int close = SelectorEnd(query, pos);
        string selector = query[pos..(close + 1)];
        Storage.Labels.LabelMatcher[] matchers;
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
        var filters = new List<LineFilter>();
        pos = SkipSpace(query, close + 1);
        while (pos < query.Length)
        {
            LineFilterOp op = Two(query, pos) switch
            {
                "|=" => LineFilterOp.Contains,
                "!=" => LineFilterOp.NotContains,
                "|~" => LineFilterOp.Matches,
                "!~" => LineFilterOp.NotMatches,
                _ => throw Error(query, pos, $"syntax error: unexpected {Describe(query, pos)}"),
            };
            pos = SkipSpace(query, pos + 2);
            var (value, next) = ReadString(query, pos);
            if (op is LineFilterOp.Matches or LineFilterOp.NotMatches)
            {
                try { _ = new Regex(value); }
                catch (ArgumentException ex) { throw Error(query, pos, $"invalid regexp {value}: {ex.Message}"); }
            }
            filters.Add(new LineFilter(op, value));
            pos = SkipSpace(query, next);
        }
        return new LogQuery(matchers, filters);
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
