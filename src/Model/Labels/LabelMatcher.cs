using System.Text.RegularExpressions;

namespace Mlobs.Model.Labels;

public enum LabelMatchType { Equal, NotEqual, Regex, NotRegex }

/// <summary>
/// A label matcher as in a PromQL selector. Regexes are fully anchored as in Prometheus;
/// .NET's non-backtracking engine gives RE2-like linear-time matching.
/// </summary>
public sealed class LabelMatcher
{
    private readonly Regex? _regex;

    public LabelMatcher(LabelMatchType type, string name, string value)
    {
        Type = type;
        Name = name;
        Value = value;
        if (type is LabelMatchType.Regex or LabelMatchType.NotRegex)
        {
            // Throws RegexParseException (an ArgumentException) for an invalid pattern; callers map it to their error.
            _regex = GoRegex.Anchored(value);
        }
    }

    public LabelMatchType Type { get; }
    public string Name { get; }
    public string Value { get; }

    public static LabelMatcher Equal(string name, string value) => new(LabelMatchType.Equal, name, value);

    /// <summary>Matches a label value; a missing label is the empty string, as in Prometheus.</summary>
    public bool Matches(string value) => Type switch
    {
        LabelMatchType.Equal => string.Equals(value, Value, StringComparison.Ordinal),
        LabelMatchType.NotEqual => !string.Equals(value, Value, StringComparison.Ordinal),
        LabelMatchType.Regex => _regex!.IsMatch(value),
        _ => !_regex!.IsMatch(value),
    };

    /// <summary>Whether a label set satisfies every matcher (a missing label is the empty string).</summary>
    /// <summary>Whether the set's value for this matcher's name (empty when absent) matches.</summary>
    public bool Matches(LabelSet labels) => Matches(labels.Get(Name) ?? "");

    public static bool MatchAll(ReadOnlySpan<LabelMatcher> matchers, LabelSet labels)
    {
        foreach (var m in matchers)
            if (!m.Matches(labels.Get(m.Name) ?? "")) return false;
        return true;
    }

    /// <summary>True when the matcher also matches series that lack the label entirely.</summary>
    public bool MatchesEmpty => Matches("");

    public override string ToString()
    {
        var op = Type switch { LabelMatchType.Equal => "=", LabelMatchType.NotEqual => "!=", LabelMatchType.Regex => "=~", _ => "!~" };
        var sb = new System.Text.StringBuilder(Name).Append(op).Append('"');
        LabelSet.AppendEscaped(sb, Value);
        return sb.Append('"').ToString();
    }
}
