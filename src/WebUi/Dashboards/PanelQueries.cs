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

    public static IEnumerable<PanelQuery> For(Dashboard dashboard, IReadOnlyDictionary<string, VariableValue> variables, DateTimeOffset from, DateTimeOffset to)
    {
        foreach (var panel in dashboard.DrawnPanels)
        {
            foreach (var target in panel.Targets)
            {
                if (target.Hide) continue;
                int dataPoints = panel.MaxDataPoints ?? Math.Max(100, panel.GridPos.W * PixelsPerColumn);
                var minInterval = target.Interval is { Length: > 0 } ti ? ti : panel.Interval;
                if (minInterval is not null) minInterval = TemplateInterpolator.Interpolate(minInterval, variables);
                var interval = GrafanaTime.PanelInterval(to - from, dataPoints, minInterval, GrafanaTime.DefaultScrapeInterval);
                if (target.IntervalFactor > 1) interval *= target.IntervalFactor;
                var withBuiltIns = new Dictionary<string, VariableValue>(variables, StringComparer.Ordinal);
                TemplateInterpolator.AddBuiltIns(withBuiltIns, from, to, interval, GrafanaTime.DefaultScrapeInterval);
                // Prometheus refuses more than 11,000 points per series: the datasource widens the step as needed.
                var step = TimeSpan.FromMilliseconds(Math.Max(interval.TotalMilliseconds, Math.Ceiling((to - from).TotalSeconds / 11_000) * 1000));
                yield return new PanelQuery(panel, target, TemplateInterpolator.Interpolate(target.Expr, withBuiltIns), step);
            }
        }
    }
}
