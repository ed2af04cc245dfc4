using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Mlobs.Model;
using Mlobs.Model.Labels;
using static Mlobs.Templates.TemplateParam;

namespace Mlobs.Templates;

/// <summary>Runs a PromQL instant query for a template (<c>query "expr"</c>) at the evaluation time.</summary>
public delegate IReadOnlyList<TemplateSample> TemplateQuery(string expr);

/// <summary>
/// Prometheus's template functions (template/template.go): query, first, label, value, strvalue, args, the humanize
/// family, title, toUpper, toLower, reReplaceAll, match, safeHtml, graphLink, tableLink, sortByLabel, stripPort,
/// stripDomain, parseDuration, toTime, toDuration, now, externalURL, pathPrefix — with Prometheus's output forms.
/// </summary>
public static class PrometheusTemplateFunctions
{
    public static IReadOnlyDictionary<string, TemplateFunction> Create(TemplateQuery? query, long timeMs, string externalUrl)
    {
        var list = new[]
        {
            TemplateFunction.Of("query", a => query is null
                ? throw new TemplateFunctionException("queries are not available here")
                : (object)query((string)a[0]!), Text),
            TemplateFunction.Of("first", a => a[0] is IReadOnlyList<TemplateSample> { Count: > 0 } v ? v[0]
                : throw new TemplateFunctionException("first() called on vector with no elements"), QueryResult),
            TemplateFunction.Of("label", a => a[1] is TemplateSample s ? s.Labels.GetValueOrDefault((string)a[0]!, "") : "", Text, Sample),
            TemplateFunction.Of("value", a => a[0] is TemplateSample s ? s.Value : 0.0, Sample),
            TemplateFunction.Of("strvalue", a => a[0] is TemplateSample s ? s.Labels.GetValueOrDefault("__value__", "") : "", Sample),
            TemplateFunction.Varargs("args", a =>
            {
                var m = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (int i = 0; i < a.Length; i++) m["arg" + i] = a[i];
                return (IReadOnlyDictionary<string, object?>)m;
            }, Any),
            TemplateFunction.Of("graphLink", a => "/graph?g0.expr=" + GoBuiltins.QueryEscape((string)a[0]!) + "&g0.tab=0", Text),
            TemplateFunction.Of("tableLink", a => "/graph?g0.expr=" + GoBuiltins.QueryEscape((string)a[0]!) + "&g0.tab=1", Text),
            TemplateFunction.Of("sortByLabel", a => a[1] is IReadOnlyList<TemplateSample> v
                ? v.OrderBy(s => s.Labels.GetValueOrDefault((string)a[0]!, ""), StringComparer.Ordinal).ToList()
                : (object?)null, Text, QueryResult),
            TemplateFunction.Of("stripPort", a => StripPort((string)a[0]!), Text),
            TemplateFunction.Of("stripDomain", a => StripDomain((string)a[0]!), Text),
            TemplateFunction.Of("humanize", a => Humanize(ToFloat(a[0])), Any),
            TemplateFunction.Of("humanize1024", a => Humanize1024(ToFloat(a[0])), Any),
            TemplateFunction.Of("humanizePercentage", a => GoFmt.Sprintf("%.4g%%", [ToFloat(a[0]) * 100]), Any),
            TemplateFunction.Of("humanizeTimestamp", a =>
            {
                double v = ToFloat(a[0]);
                return double.IsFinite(v) ? ToTime(v).FormatV() : GoFmt.Sprintf("%.4g", [v]);
            }, Any),
            TemplateFunction.Of("toTime", a => ToTime(ToFloat(a[0])), Any),
            TemplateFunction.Of("toDuration", a => new GoDurationValue(checked((long)(ToFloat(a[0]) * 1e9))), Any),
            TemplateFunction.Of("parseDuration", a => Mlobs.Model.PromDuration.TryParse((string)a[0]!, out long ms)
                ? ms / 1000.0
                : throw new TemplateFunctionException($"not a valid duration string: {GoQuote.Quote((string)a[0]!)}"), Text),
            TemplateFunction.Of("now", _ => timeMs / 1000.0),
            TemplateFunction.Of("externalURL", _ => externalUrl),
            TemplateFunction.Of("pathPrefix", _ => Uri.TryCreate(externalUrl, UriKind.Absolute, out var u) ? u.AbsolutePath.TrimEnd('/') : ""),
        };
        var all = list.ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var f in TextFunctions) all[f.Name] = f;
        return all;
    }

    /// <summary>
    /// The text functions Prometheus's and Alertmanager's template function maps share (same names, same Go
    /// implementations): toUpper, toLower, title, match, reReplaceAll, safeHtml, humanizeDuration.
    /// </summary>
    public static readonly IReadOnlyList<TemplateFunction> TextFunctions =
    [
        TemplateFunction.Of("toUpper", a => ((string)a[0]!).ToUpperInvariant(), Text),
        TemplateFunction.Of("toLower", a => ((string)a[0]!).ToLowerInvariant(), Text),
        TemplateFunction.Of("title", a => Title((string)a[0]!), Text),
        TemplateFunction.Of("match", a => Compile((string)a[0]!).IsMatch((string)a[1]!), Text, Text),
        TemplateFunction.Of("reReplaceAll", a =>
        {
            var re = Compile((string)a[0]!);
            return re.Replace((string)a[2]!, m => GoRegex.Expand((string)a[1]!, m, re));
        }, Text, Text, Text),
        TemplateFunction.Of("safeHtml", a => a[0], Text),
        TemplateFunction.Of("humanizeDuration", a => HumanizeDuration(ToFloat(a[0])), Any),
    ];

    /// <summary>Go's regexp (RE2: unanchored, linear time); a bad pattern is the function's error.</summary>
    private static Regex Compile(string pattern)
    {
        try { return GoRegex.Unanchored(pattern); }
        catch (ArgumentException e) { throw new TemplateFunctionException($"error parsing regexp: {e.Message}"); }
    }

    /// <summary>Prometheus's convertToFloat: float64, int and numeric strings; anything else is an error.</summary>
    public static double ToFloat(object? v) => v switch
    {
        double d => d,
        long l => l,
        int i => i,
        string s => ParseFloat(s),
        GoDurationValue d => d.Nanoseconds / 1e9,
        _ => throw new TemplateFunctionException($"can't convert {(v is null ? "<nil>" : GoValueFormat.TypeName(v))} to float"),
    };

    private static double ParseFloat(string s)
    {
        string t = s.Trim();
        switch (t.ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity" or "+infinity": return double.PositiveInfinity;
            case "-inf" or "-infinity": return double.NegativeInfinity;
            case "nan": return double.NaN;
        }
        if (t.Length == s.Length && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
        throw new TemplateFunctionException($"strconv.ParseFloat: parsing {GoQuote.Quote(s)}: invalid syntax");
    }

    private static GoTime ToTime(double v)
    {
        if (!double.IsFinite(v)) throw new TemplateFunctionException("value is NaN or Inf");
        double ns = v * 1e9;
        if (ns > long.MaxValue || ns < long.MinValue)
            throw new TemplateFunctionException($"{GoValueFormat.V(v)} cannot be represented as a nanoseconds timestamp since it overflows int64");
        long ms = (long)ns / 1_000_000; // model.TimeFromUnixNano keeps milliseconds
        return new GoTime(DateTimeOffset.UnixEpoch.AddMilliseconds(ms));
    }

    private static readonly string[] BigPrefixes = ["k", "M", "G", "T", "P", "E", "Z", "Y"];
    private static readonly string[] SmallPrefixes = ["m", "u", "n", "p", "f", "a", "z", "y"];
    private static readonly string[] BinaryPrefixes = ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"];

    public static string Humanize(double v)
    {
        if (v == 0 || !double.IsFinite(v)) return GoFmt.Sprintf("%.4g", [v]);
        string prefix = "";
        if (Math.Abs(v) >= 1)
        {
            foreach (var p in BigPrefixes)
            {
                if (Math.Abs(v) < 1000) break;
                prefix = p;
                v /= 1000;
            }
            return GoFmt.Sprintf("%.4g", [v]) + prefix;
        }
        foreach (var p in SmallPrefixes)
        {
            if (Math.Abs(v) >= 1) break;
            prefix = p;
            v *= 1000;
        }
        return GoFmt.Sprintf("%.4g", [v]) + prefix;
    }

    public static string Humanize1024(double v)
    {
        if (Math.Abs(v) <= 1 || !double.IsFinite(v)) return GoFmt.Sprintf("%.4g", [v]);
        string prefix = "";
        foreach (var p in BinaryPrefixes)
        {
            if (Math.Abs(v) < 1024) break;
            prefix = p;
            v /= 1024;
        }
        return GoFmt.Sprintf("%.4g", [v]) + prefix;
    }

    public static string HumanizeDuration(double v)
    {
        if (!double.IsFinite(v)) return GoFmt.Sprintf("%.4g", [v]);
        if (v == 0) return GoFmt.Sprintf("%.4gs", [v]);
        if (Math.Abs(v) >= 1)
        {
            string sign = "";
            if (v < 0) { sign = "-"; v = -v; }
            long duration = (long)v;
            long seconds = duration % 60, minutes = duration / 60 % 60, hours = duration / 60 / 60 % 24, days = duration / 60 / 60 / 24;
            if (days != 0) return $"{sign}{days}d {hours}h {minutes}m {seconds}s";
            if (hours != 0) return $"{sign}{hours}h {minutes}m {seconds}s";
            if (minutes != 0) return $"{sign}{minutes}m {seconds}s";
            return sign + GoFmt.Sprintf("%.4gs", [v]);
        }
        string prefix = "";
        foreach (var p in SmallPrefixes)
        {
            if (Math.Abs(v) >= 1) break;
            prefix = p;
            v *= 1000;
        }
        return GoFmt.Sprintf("%.4g", [v]) + prefix + "s";
    }

    /// <summary>Go's strings.Title: the first letter of each word upper-cased, the rest unchanged.</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        char prev = ' ';
        foreach (char c in s)
        {
            sb.Append(IsSeparator(prev) ? char.ToUpperInvariant(c) : c);
            prev = c;
        }
        return sb.ToString();
    }

    private static bool IsSeparator(char c)
    {
        if (c <= 0x7F)
        {
            if (char.IsAsciiLetterOrDigit(c) || c == '_') return false;
            return true;
        }
        if (char.IsLetterOrDigit(c)) return false;
        return char.IsWhiteSpace(c);
    }

    private static bool TrySplitHostPort(string hostPort, out string host, out string port)
    {
        host = hostPort; port = "";
        if (hostPort.StartsWith('['))
        {
            int end = hostPort.IndexOf(']');
            if (end < 0 || end + 1 >= hostPort.Length || hostPort[end + 1] != ':') return false;
            host = hostPort[1..end];
            port = hostPort[(end + 2)..];
            return true;
        }
        int colon = hostPort.LastIndexOf(':');
        if (colon < 0 || hostPort.IndexOf(':') != colon) return false;
        host = hostPort[..colon];
        port = hostPort[(colon + 1)..];
        return true;
    }

    private static string StripPort(string hostPort) => TrySplitHostPort(hostPort, out var host, out _) ? host : hostPort;

    private static string StripDomain(string hostPort)
    {
        if (!TrySplitHostPort(hostPort, out var host, out var port)) { host = hostPort; port = ""; }
        if (System.Net.IPAddress.TryParse(host, out _)) return hostPort;
        host = host.Split('.')[0];
        if (port.Length == 0) return host;
        return (host.Contains(':') ? "[" + host + "]" : host) + ":" + port;
    }
}
