using Mlobs.Model.Labels;

namespace Mlobs.Ingest.Push;

/// <summary>
/// Gives each pushed metric its group's labels, as the Pushgateway's sanitizeLabels: the grouping key's values
/// override the body's, missing ones are added, and a metric with no <c>instance</c> gets <c>instance=""</c> (so a
/// Prometheus scraping with honor_labels does not attach the gateway's own instance).
/// </summary>
public static class PushSanitizer
{
    public static PushedFamily Sanitize(PushedFamily family, GroupingKey key) =>
        family with { Metrics = [.. family.Metrics.Select(m => m with { Labels = WithGroupingLabels(m.Labels, key) })] };

    public static Label[] WithGroupingLabels(Label[] labels, GroupingKey key)
    {
        var result = new List<Label>(labels.Length + key.Labels.Length + 1);
        foreach (var l in labels)
            if (!key.Labels.Any(g => g.Name == l.Name)) result.Add(l);
        result.AddRange(key.Labels);
        if (!result.Any(l => l.Name == "instance")) result.Add(new Label("instance", ""));
        var arr = result.ToArray();
        Array.Sort(arr, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return arr;
    }
}
