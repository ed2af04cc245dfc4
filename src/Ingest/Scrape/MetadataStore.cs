namespace Mlobs.Ingest.Scrape;

/// <summary>One metric family's TYPE, HELP and UNIT as a target exposes them (scrape.MetricMetadata).</summary>
public sealed record MetricMetadata(string Type, string Help, string Unit);

/// <summary>
/// Metadata kept from scrapes for /api/v1/metadata: per target, family name to metadata; the API merges
/// identical entries across targets as Prometheus does. Held in memory only, like Prometheus's scrape cache.
/// </summary>
public sealed class MetadataStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, MetricMetadata>> _byTarget = new(StringComparer.Ordinal);

    public void Replace(string targetKey, Dictionary<string, MetricMetadata> families)
    {
        lock (_lock) _byTarget[targetKey] = families;
    }

    public void Remove(string targetKey)
    {
        lock (_lock) _byTarget.Remove(targetKey);
    }

    /// <summary>Family name to its distinct metadata entries, names in order.</summary>
    public IEnumerable<(string Name, IReadOnlyList<MetricMetadata> Entries)> Snapshot()
    {
        var merged = new SortedDictionary<string, List<MetricMetadata>>(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var families in _byTarget.Values)
                foreach (var (name, md) in families)
                {
                    if (!merged.TryGetValue(name, out var list)) merged[name] = list = [];
                    if (!list.Contains(md)) list.Add(md);
                }
        }
        foreach (var (name, list) in merged) yield return (name, list);
    }
}
