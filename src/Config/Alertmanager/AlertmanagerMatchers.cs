using System.Text;
using Mlobs.Model.Labels;
using Mlobs.Model.Strconv;

namespace Mlobs.Config.Alertmanager;

/// <summary>
/// Alertmanager's matcher syntax over the same <see cref="LabelMatcher"/> PromQL selectors use (the semantics are
/// Prometheus's in both: anchored regexes, a missing label matches as ""): parsing <c>matchers:</c> strings, and
/// printing matchers as Alertmanager does in route and group keys (values Go-quoted).
/// </summary>
public static class AlertmanagerMatchers
{
    /// <summary>A matcher from the v2 API's (name, value, isRegex, isEqual).</summary>
    public static LabelMatcher FromApi(string name, string value, bool isRegex, bool isEqual) =>
        new(isRegex ? (isEqual ? LabelMatchType.Regex : LabelMatchType.NotRegex) : (isEqual ? LabelMatchType.Equal : LabelMatchType.NotEqual), name, value);

    /// <summary>The v2 API's isRegex and isEqual of a matcher.</summary>
    public static (bool IsRegex, bool IsEqual) ToApi(LabelMatcher m) =>
        (m.Type is LabelMatchType.Regex or LabelMatchType.NotRegex, m.Type is LabelMatchType.Equal or LabelMatchType.Regex);

    public static string Format(LabelMatcher m)
    {
        string op = m.Type switch { LabelMatchType.Equal => "=", LabelMatchType.NotEqual => "!=", LabelMatchType.Regex => "=~", _ => "!~" };
        return m.Name + op + GoBytes.Quote(m.Value);
    }

    /// <summary>As in route keys: <c>{a="b",c=~"d"}</c>.</summary>
    public static string Format(IReadOnlyList<LabelMatcher> matchers) => "{" + string.Join(",", matchers.Select(Format)) + "}";

    /// <summary>
    /// One matcher in Alertmanager's syntax: <c>severity="page"</c>, <c>severity = page</c>, <c>team=~"ml|data"</c>,
    /// optionally inside braces. Throws <see cref="FormatException"/> with the problem.
    /// </summary>
    public static List<LabelMatcher> Parse(string text)
    {
        var s = text.Trim();
        if (s.StartsWith('{') && s.EndsWith('}')) s = s[1..^1];
        var result = new List<LabelMatcher>();
        int i = 0;
        while (true)
        {
            SkipSpace(s, ref i);
            if (i >= s.Length) break;
            int nameStart = i;
            while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] is '_' or ':' or '.')) i++;
            var name = s[nameStart..i];
            if (name.Length == 0) throw new FormatException($"bad matcher format: {text}");
            SkipSpace(s, ref i);
            LabelMatchType type;
            if (Starts(s, i, "=~")) { type = LabelMatchType.Regex; i += 2; }
            else if (Starts(s, i, "!~")) { type = LabelMatchType.NotRegex; i += 2; }
            else if (Starts(s, i, "!=")) { type = LabelMatchType.NotEqual; i += 2; }
            else if (Starts(s, i, "=")) { type = LabelMatchType.Equal; i += 1; }
            else throw new FormatException($"bad matcher format: {text}");
            SkipSpace(s, ref i);
            string value;
            if (i < s.Length && s[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (i < s.Length && s[i] != '"')
                {
                    if (s[i] == '\\' && i + 1 < s.Length)
                    {
                        i++;
                        sb.Append(s[i] switch { 'n' => '\n', 't' => '\t', _ => s[i] });
                    }
                    else sb.Append(s[i]);
                    i++;
                }
                if (i >= s.Length) throw new FormatException($"bad matcher format: {text}: unterminated quoted string");
                i++;
                value = sb.ToString();
            }
            else
            {
                int start = i;
                while (i < s.Length && s[i] != ',') i++;
                value = s[start..i].Trim();
            }
            try { result.Add(new LabelMatcher(type, name, value)); }
            catch (ArgumentException e) { throw new FormatException($"invalid regular expression {GoQuoteValue(value)}: {e.Message}"); }
            SkipSpace(s, ref i);
            if (i < s.Length)
            {
                if (s[i] != ',') throw new FormatException($"bad matcher format: {text}");
                i++;
            }
        }
        return result;
    }

    private static string GoQuoteValue(string v) => GoBytes.Quote(v);
    private static bool Starts(string s, int i, string p) => string.CompareOrdinal(s, i, p, 0, p.Length) == 0;
    private static void SkipSpace(string s, ref int i) { while (i < s.Length && char.IsWhiteSpace(s[i])) i++; }
}
