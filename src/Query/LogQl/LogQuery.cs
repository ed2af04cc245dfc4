using System.Text.RegularExpressions;
using Mlobs.Storage.Labels;

namespace Mlobs.Query.LogQl;

public enum LineFilterOp { Contains, NotContains, Matches, NotMatches }

/// <summary>A line filter (<c>|= "x"</c>, <c>!= "x"</c>, <c>|~ "re"</c>, <c>!~ "re"</c>); regexes are RE2-like, unanchored as in Loki.</summary>
public sealed record LineFilter(LineFilterOp Op, string Value)
{
    private readonly Regex? _regex = Op is LineFilterOp.Matches or LineFilterOp.NotMatches ? new Regex(Value, RegexOptions.CultureInvariant) : null;

    public bool Keeps(string line) => Op switch
    {
        LineFilterOp.Contains => line.Contains(Value, StringComparison.Ordinal),
        LineFilterOp.NotContains => !line.Contains(Value, StringComparison.Ordinal),
        LineFilterOp.Matches => _regex!.IsMatch(line),
        _ => !_regex!.IsMatch(line),
    };
}

/// <summary>A LogQL log query: a stream selector and line filters applied in order.</summary>
public sealed record LogQuery(LabelMatcher[] Selector, IReadOnlyList<LineFilter> Filters)
{
    public bool Keeps(string line)
    {
        foreach (var f in Filters) if (!f.Keeps(line)) return false;
        return true;
    }

    /// <summary>The longest text every kept line must contain, for the store's full-text index.</summary>
    public string? RequiredText => Filters.Where(f => f.Op == LineFilterOp.Contains).Select(f => f.Value).OrderByDescending(v => v.Length).FirstOrDefault();
}
