using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Mlobs.Model.Labels;

/// <summary>
/// Regular expressions on labels with Prometheus's semantics, in one place for matchers, relabeling and
/// label_replace: fully anchored, <c>.</c> matching newlines (Go's <c>(?s)</c>), and .NET's non-backtracking engine
/// (linear time and no backreferences or lookaround, as RE2); plus Go's <c>Regexp.Expand</c> for replacements.
/// </summary>
public static class GoRegex
{
    /// <summary>Compiles <c>^(?:pattern)$</c>; an invalid pattern throws <see cref="ArgumentException"/>.</summary>
    public static Regex Anchored(string pattern) =>
        new("^(?:" + Translate(pattern) + ")$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | RegexOptions.Singleline);

    /// <summary>Go's regexp.Compile for a search (not anchored): templates' match and reReplaceAll.</summary>
    public static Regex Unanchored(string pattern) =>
        new(Translate(pattern), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    /// <summary>Go syntax .NET spells differently: named groups <c>(?P&lt;name&gt;...)</c> become <c>(?&lt;name&gt;...)</c>.</summary>
    public static string Translate(string pattern) =>
        pattern.Contains("(?P<", StringComparison.Ordinal) ? pattern.Replace("(?P<", "(?<", StringComparison.Ordinal) : pattern;

    /// <summary>
    /// Go's regexp.Expand: <c>$1</c>, <c>${1}</c>, <c>$name</c>, <c>${name}</c>, <c>$$</c>. A bare reference takes the
    /// longest run of letters, digits and underscores, so <c>$1x</c> names group "1x" (empty when absent).
    /// </summary>
    public static string Expand(string template, Match m, Regex regex)
    {
        if (!template.Contains('$')) return template;
        var sb = new StringBuilder();
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c != '$' || i + 1 >= template.Length) { sb.Append(c); continue; }
            char n = template[i + 1];
            if (n == '$') { sb.Append('$'); i++; continue; }
            string name;
            if (n == '{')
            {
                int close = template.IndexOf('}', i + 2);
                if (close < 0) { sb.Append(c); continue; }
                name = template.Substring(i + 2, close - i - 2);
                i = close;
            }
            else
            {
                int j = i + 1;
                while (j < template.Length && (char.IsAsciiLetterOrDigit(template[j]) || template[j] == '_')) j++;
                if (j == i + 1) { sb.Append(c); continue; }
                name = template.Substring(i + 1, j - i - 1);
                i = j - 1;
            }
            sb.Append(GroupValue(m, regex, name));
        }
        return sb.ToString();
    }

    private static string GroupValue(Match m, Regex regex, string name)
    {
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int idx))
            return idx < m.Groups.Count && regex.GroupNumberFromName(name) >= 0 ? m.Groups[idx].Value : "";
        if (regex.GroupNumberFromName(name) < 0) return "";
        var g = m.Groups[name];
        return g.Success ? g.Value : "";
    }
}
