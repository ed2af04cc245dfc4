using System.Text;
using Mlobs.Model.Labels;
using Mlobs.Model.Strconv;

namespace Mlobs.Ingest.Push;

/// <summary>
/// The Pushgateway's consistency check: would gathering every group (with the push applied) succeed, as client_golang's
/// Gatherers.Gather decides? A metric name has one type across all groups and the appliance's own metrics, no
/// histogram or summary collides with another family's <c>_sum</c>/<c>_count</c>/<c>_bucket</c>, no two series share
/// name and labels, label names are valid and a summary has no <c>quantile</c> label of its own. Returns the first
/// problem in client_golang's words, or null.
/// </summary>
public static class PushConsistency
{
    public static string? Check(IEnumerable<PushGroup> groups, IReadOnlyDictionary<string, MetricKind> reserved)
    {
        var kinds = new Dictionary<string, MetricKind>(reserved, StringComparer.Ordinal);
        var fromGroups = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var key = new StringBuilder();
        foreach (var group in groups)
        {
            foreach (var tf in group.AllFamilies())
            {
                var family = tf.Family;
                if (!kinds.TryGetValue(family.Name, out var kind))
                {
                    if (SuffixCollision(family.Name, family.Kind, kinds) is { } collision) return collision;
                    kinds[family.Name] = kind = family.Kind;
                }
                else if (!fromGroups.Contains(family.Name) && kind != family.Kind)
                {
                    return $"gathered metric family {family.Name} has type {PushedFamily.KindName(family.Kind)} but should have {PushedFamily.KindName(kind)}";
                }
                fromGroups.Add(family.Name);
                foreach (var m in family.Metrics)
                {
                    if (m.Payload != kind) return $"collected metric {GoBytes.Quote(family.Name)} {{ {Describe(m)}}} is not a {PushedFamily.KindName(kind)}";
                    string previous = "";
                    foreach (var l in m.Labels)
                    {
                        if (l.Name == previous)
                            return $"collected metric {GoBytes.Quote(family.Name)} {{ {Describe(m)}}} has two or more labels with the same name: {l.Name}";
                        if (!LegacyNames.IsLabelName(l.Name) || l.Name.StartsWith("__", StringComparison.Ordinal))
                            return $"collected metric {GoBytes.Quote(family.Name)} {{ {Describe(m)}}} has a label with an invalid name: {l.Name}";
                        if (m.Payload == MetricKind.Summary && l.Name == "quantile")
                            return $"collected metric {GoBytes.Quote(family.Name)} {{ {Describe(m)}}} must not have an explicit \"quantile\" label";
                        previous = l.Name;
                    }
                    key.Clear().Append(family.Name);
                    foreach (var l in m.Labels) key.Append('\u0000').Append(l.Name).Append('\u0000').Append(l.Value);
                    if (!seen.Add(key.ToString()))
                        return $"collected metric {GoBytes.Quote(family.Name)} {{ {Describe(m)}}} was collected before with the same name and label values";
                }
            }
        }
        return null;
    }

    /// <summary>client_golang's checkSuffixCollisions against the families gathered so far.</summary>
    private static string? SuffixCollision(string name, MetricKind kind, Dictionary<string, MetricKind> known)
    {
        string? baseName = name.EndsWith("_count", StringComparison.Ordinal) ? name[..^6]
            : name.EndsWith("_sum", StringComparison.Ordinal) ? name[..^4]
            : name.EndsWith("_bucket", StringComparison.Ordinal) ? name[..^7] : null;
        if (baseName is not null && known.TryGetValue(baseName, out var existing))
        {
            if (existing == MetricKind.Summary && !name.EndsWith("_bucket", StringComparison.Ordinal))
                return $"collected metric named {GoBytes.Quote(name)} collides with previously collected summary named {GoBytes.Quote(baseName)}";
            if (existing == MetricKind.Histogram)
                return $"collected metric named {GoBytes.Quote(name)} collides with previously collected histogram named {GoBytes.Quote(baseName)}";
        }
        if (kind is MetricKind.Summary or MetricKind.Histogram)
        {
            foreach (var suffix in new[] { "_count", "_sum" })
                if (known.ContainsKey(name + suffix))
                    return $"collected histogram or summary named {GoBytes.Quote(name)} collides with previously collected metric named {GoBytes.Quote(name + suffix)}";
        }
        if (kind == MetricKind.Histogram && known.ContainsKey(name + "_bucket"))
            return $"collected histogram named {GoBytes.Quote(name)} collides with previously collected metric named {GoBytes.Quote(name + "_bucket")}";
        return null;
    }

    /// <summary>A metric as Go's protobuf text shows it in these messages (labels and value).</summary>
    private static string Describe(PushedMetric m)
    {
        var sb = new StringBuilder();
        foreach (var l in m.Labels) sb.Append("label:{name:").Append(GoBytes.Quote(l.Name)).Append(" value:").Append(GoBytes.Quote(l.Value)).Append("} ");
        sb.Append(m.Payload switch
        {
            MetricKind.Counter => "counter:{value:" + ValueFormat.GoG(m.Value) + "}",
            MetricKind.Gauge => "gauge:{value:" + ValueFormat.GoG(m.Value) + "}",
            MetricKind.Untyped => "untyped:{value:" + ValueFormat.GoG(m.Value) + "}",
            MetricKind.Summary => "summary:{sample_count:" + ValueFormat.GoG(m.Count) + " sample_sum:" + ValueFormat.GoG(m.Sum) + "}",
            _ => "histogram:{sample_count:" + ValueFormat.GoG(m.Count) + " sample_sum:" + ValueFormat.GoG(m.Sum) + "}",
        });
        return sb.ToString();
    }
}
