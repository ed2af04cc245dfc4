using System.Text;
using System.Text.RegularExpressions;
using Mlobs.Storage.Labels;

namespace Mlobs.Rules.Routing;

public enum AlertMatchType { Equal, NotEqual, Regexp, NotRegexp }

/// <summary>
/// An Alertmanager label matcher (pkg/labels.Matcher): <c>name="value"</c>, <c>!=</c>, <c>=~</c>, <c>!~</c>, regexes
/// fully anchored. A missing label matches as the empty string, as in Alertmanager.
/// </summary>
public sealed class AlertMatcher
{
    private readonly Regex? _regex;

    public AlertMatcher(AlertMatchType type, string name, string value)
    {
        Type = type;
        Name = name;
        Value = value;
        if (type is AlertMatchType.Regexp or AlertMatchType.NotRegexp) _regex = GoRegex.Anchored(value);
    }

    public AlertMatchType Type { get; }
    public string Name { get; }
    public string Value { get; }

    public bool Matches(string value) => Type switch
    {
        AlertMatchType.Equal => value == Value,
        AlertMatchType.NotEqual => value != Value,
        AlertMatchType.Regexp => _regex!.IsMatch(value),
        _ => !_regex!.IsMatch(value),
    };

    public bool Matches(LabelSet labels) => Matches(labels.Get(Name) ?? "");

    public override string ToString()
    {
        string op = Type switch { AlertMatchType.Equal => "=", AlertMatchType.NotEqual => "!=", AlertMatchType.Regexp => "=~", _ => "!~" };
        return Name + op + Mlobs.Query.PromQl.Parser.GoBytes.Quote(Value);
    }

    /// <summary>Matchers as Alertmanager prints them in route keys: <c>{a="b",c=~"d"}</c>.</summary>
    public static string ToString(IReadOnlyList<AlertMatcher> matchers) => "{" + string.Join(",", matchers.Select(m => m.ToString())) + "}";

    /// <summary>
    /// One matcher in Alertmanager's syntax: <c>severity="page"</c>, <c>severity = page</c>, <c>team=~"ml|data"</c>,
    /// optionally inside braces. Throws <see cref="FormatException"/> with the problem.
    /// </summary>
    public static List<AlertMatcher> ParseMatchers(string text)
    {
        var s = text.Trim();
        if (s.StartsWith('{') && s.EndsWith('}')) s = s[1..^1];
        var result = new List<AlertMatcher>();
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
            AlertMatchType type;
            if (Starts(s, i, "=~")) { type = AlertMatchType.Regexp; i += 2; }
            else if (Starts(s, i, "!~")) { type = AlertMatchType.NotRegexp; i += 2; }
            else if (Starts(s, i, "!=")) { type = AlertMatchType.NotEqual; i += 2; }
            else if (Starts(s, i, "=")) { type = AlertMatchType.Equal; i += 1; }
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
            try { result.Add(new AlertMatcher(type, name, value)); }
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

    private static string GoQuoteValue(string v) => Mlobs.Query.PromQl.Parser.GoBytes.Quote(v);
    private static bool Starts(string s, int i, string p) => string.CompareOrdinal(s, i, p, 0, p.Length) == 0;
    private static void SkipSpace(string s, ref int i) { while (i < s.Length && char.IsWhiteSpace(s[i])) i++; }
}
