using Mlobs.Ingest.Scrape;

namespace Mlobs.Appliance.Http;

/// <summary>What <c>/api/v1/metadata</c> reads: each metric family's type, help and unit as the targets expose them.</summary>
public interface IMetadataRetriever
{
    IEnumerable<(string Name, IReadOnlyList<MetricMetadata> Entries)> Metadata();
}
