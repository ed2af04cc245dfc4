using Mlobs.Ingest.Scrape;
using Mlobs.Model.Labels;
using Mlobs.Storage;

namespace Mlobs.Ingest.Push;

/// <summary>
/// Writes every pushed group into the TSDB as Prometheus stores a Pushgateway it scrapes with <c>honor_labels: true</c>:
/// each call appends all groups' series at one timestamp (so <c>rate()</c> and staleness behave as for a scrape), a
/// series gone since the last call (group deleted or expired, family replaced) gets a staleness marker, and empty label
/// values (the <c>instance=""</c> the gateway adds) are dropped. A group's series are flattened once per change.
/// </summary>
public sealed class PushedSeriesWriter(IAppendable storage, MetadataStore? metadata = null)
{
    /// <summary>The metadata key the pushed families are listed under in /api/v1/metadata.</summary>
    public const string MetadataKey = "pushgateway";

    internal readonly record struct FlatSeries(LabelSet Labels, double Value);

    private readonly Dictionary<string, (long Version, FlatSeries[] Series)> _flattened = new(StringComparer.Ordinal);
    private readonly SeriesSnapshotWriter _writer = new(storage);

    /// <summary>Appends every group's series at <paramref name="timestampMs"/>; returns the commit's outcome.</summary>
    public CommitResult WriteOnce(IReadOnlyCollection<PushGroup> groups, long timestampMs)
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        var families = new Dictionary<string, MetricMetadata>(StringComparer.Ordinal);
        var series = new List<(LabelSet, double)>();
        foreach (var group in groups)
        {
            live.Add(group.Key.Key);
            if (!_flattened.TryGetValue(group.Key.Key, out var cached) || cached.Version != group.Version)
                _flattened[group.Key.Key] = cached = (group.Version, Flatten(group));
            foreach (var s in cached.Series) series.Add((s.Labels, s.Value));
            foreach (var tf in group.AllFamilies())
                families.TryAdd(tf.Family.Name, new MetricMetadata(PushedFamily.KindName(tf.Family.Kind).ToLowerInvariant(), tf.Family.Help, ""));
        }
        foreach (var key in _flattened.Keys.Where(k => !live.Contains(k)).ToList()) _flattened.Remove(key);
        metadata?.Replace(MetadataKey, families);
        return _writer.Write(series, timestampMs);
    }

    /// <summary>The series a scrape of the group's exposition yields: one per value, bucket and quantile.</summary>
    internal static FlatSeries[] Flatten(PushGroup group)
    {
        var result = new List<FlatSeries>();
        foreach (var tf in group.AllFamilies())
            foreach (var (suffix, metric, extra, value) in tf.Family.Samples())
                result.Add(new(Series(tf.Family.Name + suffix, metric, extra), value));
        return [.. result];
    }

    private static LabelSet Series(string name, PushedMetric m, (string Name, string Value)? extra)
    {
        var labels = new List<Label>(m.Labels.Length + 2) { new(LabelSet.MetricName, name) };
        labels.AddRange(m.Labels);
        if (extra is { } e) labels.Add(new Label(e.Name, e.Value));
        return LabelSet.From(labels);
    }
}
