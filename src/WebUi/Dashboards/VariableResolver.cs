using System.Globalization;
using System.Text.RegularExpressions;

namespace Mlobs.WebUi.Dashboards;

/// <summary>A variable after resolution: its options and what is selected.</summary>
public sealed record ResolvedVariable(TemplateVariable Variable, IReadOnlyList<VariableOption> Options, VariableValue Value, string? Error);

/// <summary>
/// Resolves a dashboard's template variables in order, each query seeing the values chosen for the ones before it
/// (Node Exporter Full chains job → nodename → node), as Grafana's Prometheus datasource does: label_values,
/// label_names, metrics, query_result; custom lists; intervals, constants, textboxes. Without a data source, query
/// variables keep what the dashboard saved as current (or a placeholder), so expressions can still be parsed.
/// </summary>
public static partial class VariableResolver
{
    /// <summary>Stands in for a query variable with no saved value when checking offline.</summary>
    public const string Placeholder = "mlobs_placeholder";

    [GeneratedRegex(@"^label_names\(\s*\)\s*$")]
    private static partial Regex LabelNames();
    [GeneratedRegex(@"^label_names\((.+)\)\s*$")]
    private static partial Regex LabelNamesMatch();
    [GeneratedRegex(@"^label_values\((?:(.+),\s*)?([a-zA-Z_$][a-zA-Z0-9_]*)\)\s*$")]
    private static partial Regex LabelValues();
    [GeneratedRegex(@"^metrics\((.+)\)\s*$")]
    private static partial Regex MetricNames();
    [GeneratedRegex(@"^query_result\((.+)\)\s*$")]
    private static partial Regex QueryResult();

    public static async Task<IReadOnlyList<ResolvedVariable>> ResolveAsync(Dashboard dashboard, IDashboardDataSource? source,
        DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var values = new Dictionary<string, VariableValue>(StringComparer.Ordinal);
        var scrape = source is null ? GrafanaTime.DefaultScrapeInterval : await source.ScrapeIntervalAsync(ct);
        TemplateInterpolator.AddBuiltIns(values, from, to, scrape, scrape);
        var resolved = new List<ResolvedVariable>();
        foreach (var v in dashboard.Variables)
        {
            if (v.Name.Length == 0) continue;
            var (options, error) = await OptionsAsync(v, source, values, from, to, ct);
            var value = Select(v, options, source is null);
            values[v.Name] = value;
            resolved.Add(new ResolvedVariable(v, options, value, error));
        }
        return resolved;
    }

    /// <summary>The values to interpolate with: each resolved variable's selection.</summary>
    public static Dictionary<string, VariableValue> ValuesOf(IEnumerable<ResolvedVariable> resolved)
    {
        var map = new Dictionary<string, VariableValue>(StringComparer.Ordinal);
        foreach (var r in resolved) map[r.Variable.Name] = r.Value;
        return map;
    }

    private static async Task<(IReadOnlyList<VariableOption>, string?)> OptionsAsync(TemplateVariable v, IDashboardDataSource? source,
        Dictionary<string, VariableValue> values, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        switch (v.Type)
        {
            case VariableType.Custom:
                return (CustomOptions(v.Query), null);
            case VariableType.Interval:
            {
                var options = CustomOptions(v.Query);
                if (v.Auto) options.Insert(0, new VariableOption("auto", AutoInterval(v, to - from)));
                return (options, null);
            }
            case VariableType.Constant:
                return ([new VariableOption(v.Query, v.Query)], null);
            case VariableType.Textbox:
            {
                string text = v.Current.FirstOrDefault() ?? v.Query;
                return ([new VariableOption(text, text)], null);
            }
            case VariableType.Query when source is not null:
                try
                {
                    var texts = await QueryAsync(TemplateInterpolator.Interpolate(v.Query, values), source, from, to, ct);
                    return (Filter(texts, v.Regex), null);
                }
                catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or RegexParseException)
                {
                    return ([], ex.Message);
                }
            default:
                // Offline, and for datasource/adhoc variables: what the dashboard saved.
                return (v.Options.Where(o => o.Value != "$__all").ToList(), null);
        }
    }

    private static async Task<IReadOnlyList<string>> QueryAsync(string query, IDashboardDataSource source, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        query = query.Trim();
        if (LabelNames().IsMatch(query)) return await source.LabelNamesAsync(null, from, to, ct);
        if (LabelNamesMatch().Match(query) is { Success: true } ln) return await source.LabelNamesAsync(ln.Groups[1].Value, from, to, ct);
        if (LabelValues().Match(query) is { Success: true } lv)
            return await source.LabelValuesAsync(lv.Groups[2].Value, lv.Groups[1].Success ? lv.Groups[1].Value : null, from, to, ct);
        if (MetricNames().Match(query) is { Success: true } mn)
        {
            var re = new Regex(mn.Groups[1].Value);
            return (await source.LabelValuesAsync("__name__", null, from, to, ct)).Where(n => re.IsMatch(n)).ToList();
        }
        var expr = QueryResult().Match(query) is { Success: true } qr ? qr.Groups[1].Value : query;
        var result = await source.InstantQueryAsync(expr, to, ct);
        if (result.Error is not null) throw new DataSourceException(result.Error);
        // Grafana lists each sample as `name{labels} value timestamp`.
        return result.Series.Select(s =>
        {
            var name = s.Labels.TryGetValue("__name__", out var n) ? n : "";
            var labels = string.Join(", ", s.Labels.Where(l => l.Key != "__name__").Select(l => $"{l.Key}=\"{l.Value}\""));
            var (t, value) = s.Points.Count > 0 ? s.Points[^1] : (0, 0);
            return $"{name}{{{labels}}} {value.ToString(CultureInfo.InvariantCulture)} {(long)(t * 1000)}";
        }).ToList();
    }

    /// <summary>The variable's regex: a value must match; the first capture group (or named value/text groups) is kept.</summary>
    private static List<VariableOption> Filter(IReadOnlyList<string> texts, string? regex)
    {
        Regex? re = regex is null ? null : ToRegex(regex);
        var options = new List<VariableOption>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in texts)
        {
            string value = t, text = t;
            if (re is not null)
            {
                var m = re.Match(t);
                if (!m.Success) continue;
                if (m.Groups["value"].Success || m.Groups["text"].Success)
                {
                    value = m.Groups["value"].Success ? m.Groups["value"].Value : m.Groups["text"].Value;
                    text = m.Groups["text"].Success ? m.Groups["text"].Value : value;
                }
                else if (m.Groups.Count > 1)
                {
                    value = text = m.Groups[1].Value;
                }
            }
            if (seen.Add(value)) options.Add(new VariableOption(text, value));
        }
        return options;
    }

    /// <summary>Grafana's stringToJsRegex: "/re/flags", or a bare pattern that must match the whole value.</summary>
    private static Regex ToRegex(string text)
    {
        if (!text.StartsWith('/')) return new Regex("^" + text + "$");
        int end = text.LastIndexOf('/');
        if (end <= 0) return new Regex(text);
        var flags = text[(end + 1)..];
        var options = RegexOptions.None;
        if (flags.Contains('i')) options |= RegexOptions.IgnoreCase;
        if (flags.Contains('m')) options |= RegexOptions.Multiline;
        if (flags.Contains('s')) options |= RegexOptions.Singleline;
        return new Regex(text[1..end], options);
    }

    /// <summary>A custom variable's list: comma-separated (\, keeps a comma), each "text : value" or just a value.</summary>
    private static List<VariableOption> CustomOptions(string query)
    {
        var options = new List<VariableOption>();
        foreach (Match m in CustomItem().Matches(query))
        {
            var item = m.Value.Replace("\\,", ",").Trim();
            if (item.Length == 0) continue;
            var kv = KeyValue().Match(item);
            options.Add(kv.Success ? new VariableOption(kv.Groups[1].Value.Trim(), kv.Groups[2].Value.Trim()) : new VariableOption(item, item));
        }
        return options;
    }

    [GeneratedRegex(@"(?:\\,|[^,])+")]
    private static partial Regex CustomItem();

    [GeneratedRegex(@"^\s*(.+?)\s+:\s+(.+)$")]
    private static partial Regex KeyValue();

    /// <summary>kbn.calculateInterval: the range over auto_count, rounded, at least auto_min.</summary>
    private static string AutoInterval(TemplateVariable v, TimeSpan range)
    {
        long ms = GrafanaTime.RoundIntervalMs((long)(range.TotalMilliseconds / v.AutoCount));
        if (GrafanaTime.TryParseDuration(v.AutoMin, out var min)) ms = Math.Max(ms, (long)min.TotalMilliseconds);
        return GrafanaTime.Format(TimeSpan.FromMilliseconds(ms));
    }

    /// <summary>What is selected: the saved current value(s) if still offered, else All (if allowed) or the first option.</summary>
    private static VariableValue Select(TemplateVariable v, IReadOnlyList<VariableOption> options, bool offline)
    {
        // An interval variable left on "auto" saves $__auto_interval_<name>: the auto option's computed value.
        if (v.Auto && v.Current.Count > 0 && (v.Current[0].StartsWith("$__auto_interval", StringComparison.Ordinal) || v.Current[0] == "auto") && options.Count > 0)
            return new VariableValue([options[0].Value], false, false, false, null, options.Select(o => o.Value).ToList());
        var all = options.Select(o => o.Value).ToList();
        bool savedAll = v.Current.Count > 0 && v.Current[0] is "$__all" or "All";
        if (savedAll && v.IncludeAll) return new VariableValue(all, true, v.Multi, v.IncludeAll, v.AllValue, all);
        var chosen = v.Current.Where(c => all.Contains(c, StringComparer.Ordinal)).ToList();
        if (offline && chosen.Count == 0 && v.Current.Count > 0 && v.Current[0] != "$__all") chosen = [.. v.Current];
        if (chosen.Count > 0) return new VariableValue(v.Multi ? chosen : [chosen[0]], false, v.Multi, v.IncludeAll, v.AllValue, all);
        if (v.IncludeAll && (all.Count > 0 || v.AllValue is not null)) return new VariableValue(all, true, v.Multi, v.IncludeAll, v.AllValue, all);
        if (all.Count > 0) return new VariableValue([all[0]], false, v.Multi, v.IncludeAll, v.AllValue, all);
        string fallback = offline ? Placeholder : "";
        return new VariableValue([fallback], false, v.Multi, v.IncludeAll, v.AllValue, [fallback]);
    }
}
