namespace Mlobs.WebUi.Dashboards;

/// <summary>One target of one panel, ready to run: the interpolated expression, its range or instant, and step.</summary>
public sealed record PanelQuery(DashboardPanel Panel, PanelTarget Target, string Expr, TimeSpan Step);

/// <summary>
/// Turns a dashboard's panels into the queries Grafana would send: per panel the interval (range over its data
/// points, floored by the target's or panel's min interval and the scrape interval), then each visible target's
/// expression with variables and $__interval/$__rate_interval/$__range interpolated.
/// </summary>
public static class PanelQueries
{
    /// <summary>Pixels per grid column Grafana would give a panel on a typical 1,800 px wide screen.</summary>
    private const int PixelsPerColumn = 75;

    public static IEnumerable<PanelQuery> For(Dashboard dashboard, IReadOnlyDictionary<string, VariableValue> variables, DateTimeOffset from, DateTimeOffset to,
        TimeSpan scrapeInterval) =>
        dashboard.DrawnPanels.SelectMany(panel => ForPanel(panel, variables, from, to, scrapeInterval));

    /// <summary>One panel's queries (the browser computes the same for each panel it draws).</summary>
    public static IEnumerable<PanelQuery> ForPanel(DashboardPanel panel, IReadOnlyDictionary<string, VariableValue> variables, DateTimeOffset from, DateTimeOffset to,
        TimeSpan scrapeInterval)
    {
        foreach (var target in panel.Targets)
        {
            if (target.Hide) continue;
            int dataPoints = panel.MaxDataPoints ?? Math.Max(100, panel.GridPos.W * PixelsPerColumn);
            var minInterval = target.Interval is { Length: > 0 } ti ? ti : panel.Interval;
            if (minInterval is not null) minInterval = TemplateInterpolator.Interpolate(minInterval, variables);
            var interval = GrafanaTime.PanelInterval(to - from, dataPoints, minInterval, scrapeInterval);
            if (target.IntervalFactor > 1) interval *= target.IntervalFactor;
            var withBuiltIns = new Dictionary<string, VariableValue>(variables, StringComparer.Ordinal);
            TemplateInterpolator.AddBuiltIns(withBuiltIns, from, to, interval, scrapeInterval);
            var step = GrafanaTime.QueryStep(to - from, interval);
            yield return new PanelQuery(panel, target, TemplateInterpolator.Interpolate(target.Expr, withBuiltIns), step);
        }
    }

    /// <summary>
    /// The copies a repeated panel is drawn as: per selected value of its variable (every option for All), with the
    /// variable narrowed to that value, keyed "id-index" as the browser keys them; a panel that is not repeated is
    /// itself, keyed by its id.
    /// </summary>
    public static IEnumerable<(string Key, IReadOnlyDictionary<string, VariableValue> Variables)> Copies(DashboardPanel panel, IReadOnlyDictionary<string, VariableValue> variables)
    {
        string id = panel.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var values = RepeatValues(panel.Repeat, variables);
        if (values.Count == 0)
        {
            yield return (id, variables);
            yield break;
        }
        for (int i = 0; i < values.Count; i++)
        {
            var scoped = new Dictionary<string, VariableValue>(variables, StringComparer.Ordinal) { [panel.Repeat!] = VariableValue.Single(values[i]) };
            yield return ($"{id}-{i}", scoped);
        }
    }

    /// <summary>The values a panel repeated over <paramref name="repeat"/> is copied for (every option for All, empty ones left out); none when it is drawn once.</summary>
    public static IReadOnlyList<string> RepeatValues(string? repeat, IReadOnlyDictionary<string, VariableValue> variables)
    {
        if (repeat is not { Length: > 0 } || !variables.TryGetValue(repeat, out var v)) return [];
        var values = (v.IsAll ? v.AllOptions : v.Values).Where(x => x.Length > 0).ToList();
        return values.Count < 2 ? [] : values;
    }
}
