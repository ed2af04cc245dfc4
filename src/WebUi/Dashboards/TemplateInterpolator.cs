using System.Text;
using System.Text.RegularExpressions;

namespace Mlobs.WebUi.Dashboards;

/// <summary>What a variable stands for when a query is interpolated: the selected values, or "All".</summary>
public sealed record VariableValue(IReadOnlyList<string> Values, bool IsAll, bool Multi, bool IncludeAll, string? AllValue, IReadOnlyList<string> AllOptions)
{
    public static VariableValue Single(string value) => new([value], false, false, false, null, [value]);
}

/// <summary>
/// Grafana's template interpolation (templateSrv.replace) as the Prometheus datasource applies it: <c>$var</c>,
/// <c>${var}</c>, <c>${var:format}</c>, <c>[[var]]</c>; multi-value and "All" selections become an escaped regex
/// alternation <c>(a|b)</c>; a custom all value is used as written; unknown names are left alone.
/// </summary>
public static partial class TemplateInterpolator
{
    [GeneratedRegex(@"\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^\}]+))?(?::([^\}]+))?\}")]
    private static partial Regex VariableReference();

    public static string Interpolate(string text, IReadOnlyDictionary<string, VariableValue> variables)
    {
        if (!text.Contains('$') && !text.Contains("[[", StringComparison.Ordinal)) return text;
        return VariableReference().Replace(text, m =>
        {
            string name = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Groups[4].Value;
            string? format = m.Groups[3].Success ? m.Groups[3].Value : m.Groups[6].Success ? m.Groups[6].Value : null;
            if (!variables.TryGetValue(name, out var v)) return m.Value;
            if (v.IsAll && v.AllValue is not null && format is not ("text" or "percentencode")) return v.AllValue;
            var values = v.IsAll ? v.AllOptions : v.Values;
            return Format(values, format, v.Multi || v.IncludeAll);
        });
    }

    private static string Format(IReadOnlyList<string> values, string? format, bool multi) => format switch
    {
        null => PrometheusQueryValue(values, multi),
        "raw" => string.Join(",", values),
        "regex" => values.Count == 1 ? RegexEscape(values[0]) : "(" + string.Join("|", values.Select(RegexEscape)) + ")",
        "pipe" => string.Join("|", values),
        "csv" => string.Join(",", values),
        "text" => string.Join(" + ", values),
        "doublequote" => string.Join(",", values.Select(x => "\"" + x.Replace("\"", "\\\"") + "\"")),
        "singlequote" => string.Join(",", values.Select(x => "'" + x.Replace("'", "\\'") + "'")),
        "json" => "[" + string.Join(",", values.Select(x => "\"" + x.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"")) + "]",
        "queryparam" => string.Join("&", values.Select(x => "var-" + Uri.EscapeDataString(x))),
        "percentencode" => string.Join(",", values.Select(Uri.EscapeDataString)),
        _ => string.Join(",", values),
    };

    /// <summary>The Prometheus datasource's interpolateQueryExpr.</summary>
    private static string PrometheusQueryValue(IReadOnlyList<string> values, bool multi)
    {
        if (!multi) return values.Count == 0 ? "" : RegularEscape(values[0]);
        var escaped = values.Select(SpecialRegexEscape).ToList();
        return escaped.Count == 1 ? escaped[0] : "(" + string.Join("|", escaped) + ")";
    }

    /// <summary>prometheusRegularEscape: backslashes and single quotes.</summary>
    private static string RegularEscape(string v) => v.Replace("\\", "\\\\").Replace("'", "\\\\'");

    /// <summary>prometheusSpecialRegexEscape: a value inside a regex matcher.</summary>
    private static string SpecialRegexEscape(string v)
    {
        var sb = new StringBuilder(v.Length + 8);
        foreach (char ch in v)
        {
            if (ch == '\\') sb.Append("\\\\\\\\");
            else if ("$^*{}[]'+?.()|".Contains(ch)) sb.Append("\\\\").Append(ch);
            else sb.Append(ch);
        }
        return sb.ToString();
    }

    /// <summary>Grafana's :regex format (lodash escapeRegExp-like).</summary>
    private static string RegexEscape(string v)
    {
        var sb = new StringBuilder(v.Length + 8);
        foreach (char ch in v)
        {
            if ("\\^$.*+?()[]{}|/".Contains(ch)) sb.Append('\\');
            sb.Append(ch);
        }
        return sb.ToString();
    }

    /// <summary>The built-in variables of a panel query: $__interval, $__rate_interval, $__range and friends.</summary>
    public static void AddBuiltIns(Dictionary<string, VariableValue> variables, DateTimeOffset from, DateTimeOffset to, TimeSpan interval, TimeSpan scrapeInterval)
    {
        var range = to - from;
        variables["__interval"] = VariableValue.Single(GrafanaTime.Format(interval));
        variables["__interval_ms"] = VariableValue.Single(((long)interval.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        variables["__rate_interval"] = VariableValue.Single(GrafanaTime.Format(GrafanaTime.RateInterval(interval, scrapeInterval)));
        variables["__range"] = VariableValue.Single($"{(long)Math.Round(range.TotalSeconds)}s");
        variables["__range_s"] = VariableValue.Single(((long)Math.Round(range.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        variables["__range_ms"] = VariableValue.Single(((long)range.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        variables["__from"] = VariableValue.Single(from.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        variables["__to"] = VariableValue.Single(to.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
