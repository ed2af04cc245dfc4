using System.Text;

namespace Mlobs.Ingest.Push;

/// <summary>
/// All groups as one text exposition, as a Pushgateway's /metrics shows them (its GetMetricFamilies): families of the
/// same name from different groups merged into one, in name order, each group's push-time gauges included.
/// </summary>
public static class PushExposition
{
    public static string Write(IEnumerable<PushGroup> groups)
    {
        var merged = new SortedDictionary<string, PushedFamily>(StringComparer.Ordinal);
        foreach (var group in groups.OrderBy(g => g.Key.Key, StringComparer.Ordinal))
        {
            foreach (var tf in group.AllFamilies())
            {
                var f = tf.Family;
                merged[f.Name] = merged.TryGetValue(f.Name, out var existing)
                    ? existing with { Help = f.Help, Metrics = [.. existing.Metrics, .. f.Metrics] } // the latter's help wins, as there
                    : f;
            }
        }
        var sb = new StringBuilder();
        foreach (var f in merged.Values) PushTextWriter.Write(sb, f);
        return sb.ToString();
    }
}
