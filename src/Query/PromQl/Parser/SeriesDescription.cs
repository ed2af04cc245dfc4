using System.Globalization;
using System.Text.RegularExpressions;
using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Storage;

namespace Mlobs.Query.PromQl.Parser;

/// <summary>
/// A series with values in Prometheus's expanding notation (parser.ParseSeriesDesc), as promqltest files and
/// <c>promtool test rules</c> input_series write them: <c>up{job="a"} 1 2 _ stale 0+10x3 5-1x2 _x3 1x2</c>.
/// Values are one per step; null is "no sample" (<c>_</c>); <c>stale</c> is the staleness marker.
/// </summary>
public static partial class SeriesDescription
{
    /// <summary>Splits <c>metric{labels} values...</c> into the label set and the values text.</summary>
    public static (LabelSet Labels, string Values) SplitLine(string line)
    {
        int end;
        int brace = line.IndexOf('{');
        int space = IndexOfWhitespace(line, 0);
        if (brace >= 0 && (space < 0 || brace < space))
        {
            bool quoted = false;
            end = brace;
            for (; end < line.Length; end++)
            {
                char c = line[end];
                if (c == '\\' && quoted) { end++; continue; }
                if (c == '"') quoted = !quoted;
                if (c == '}' && !quoted) break;
            }
            end++;
        }
        else
        {
            end = space < 0 ? line.Length : space;
        }
        return (ParseLabels(line[..Math.Min(end, line.Length)]), line[Math.Min(end, line.Length)..].Trim());
    }

    private static int IndexOfWhitespace(string s, int from)
    {
        for (int i = from; i < s.Length; i++) if (char.IsWhiteSpace(s[i])) return i;
        return -1;
    }

    /// <summary>A series selector with only equality matchers as a label set (parser.ParseMetric).</summary>
    public static LabelSet ParseLabels(string selector)
    {
        if (selector.Trim() is "{}" or "") return LabelSet.Empty;
        var matchers = SeriesSelectorParser.Parse(selector);
        var b = new LabelSetBuilder();
        foreach (var m in matchers)
        {
            if (m.Type != LabelMatchType.Equal) throw new ParseException(selector, 0, $"unexpected {m.Type} matcher in a series description, expected \"=\"");
            b.Set(m.Name, m.Value);
        }
        return b.Build();
    }

    /// <summary>The expanding notation; throws <see cref="FormatException"/> naming the bad token.</summary>
    public static IEnumerable<double?> ExpandValues(string text)
    {
        foreach (var token in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (token == "_") { yield return null; continue; }
            if (token == "stale") { yield return StaleNaN.Value; continue; }
            var m = ExpandingPattern().Match(token);
            if (m.Success)
            {
                int times = int.Parse(m.Groups["times"].Value, CultureInfo.InvariantCulture);
                if (m.Groups["start"].Value == "_")
                {
                    for (int k = 0; k < times; k++) yield return null;
                    continue;
                }
                if (m.Groups["start"].Value == "stale")
                {
                    for (int k = 0; k <= times; k++) yield return StaleNaN.Value;
                    continue;
                }
                double start = ParseValue(m.Groups["start"].Value);
                double step = m.Groups["step"].Success ? ParseValue(m.Groups["step"].Value) * (m.Groups["sign"].Value == "-" ? -1 : 1) : 0;
                // "a+bxN" is N+1 values a, a+b, ..., a+N·b; "axN" is a repeated N+1 times.
                for (int k = 0; k <= times; k++) yield return start + k * step;
                continue;
            }
            yield return ParseValue(token);
        }
    }

    [GeneratedRegex(@"^(?<start>_|stale|[-+]?[^+\-x]+?(?:[eE][-+]?\d+)?)(?:(?<sign>[+-])(?<step>[^x]+))?x(?<times>\d+)$")]
    private static partial Regex ExpandingPattern();

    private static double ParseValue(string s)
    {
        if (Literals.TryParseNumber(s, out double v)) return v;
        throw new FormatException($"bad number or duration syntax: \"{s}\"");
    }
}
