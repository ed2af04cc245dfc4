using Mlobs.Ingest.Scrape;

namespace Mlobs.Appliance.Http;

/// <summary>One scrape config's targets as the targets API shows them.</summary>
public sealed record TargetPool(string Job, IReadOnlyList<ScrapeTarget> Active, IReadOnlyList<DroppedTarget> Dropped);

/// <summary>What <c>/api/v1/targets</c> reads (Prometheus's web/api/v1 TargetRetriever): every pool's targets now.</summary>
public interface ITargetRetriever
{
    IReadOnlyList<TargetPool> TargetPools();
}
