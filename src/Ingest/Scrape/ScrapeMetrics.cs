using Prometheus;

namespace Mlobs.Ingest.Scrape;

/// <summary>What scraping reports about itself on mlobs's /metrics (registered once, when first used).</summary>
public static class ScrapeMetrics
{
    public static readonly Counter Scrapes = Metrics.CreateCounter(
        "mlobs_scrapes_total", "Scrapes performed, by job and result.", new CounterConfiguration { LabelNames = ["job", "result"] });

    public static readonly Counter ExceededLimit = Metrics.CreateCounter(
        "mlobs_scrapes_exceeded_limit_total",
        "Scrapes failed because they exceeded one of their config's limits (sample_limit, label_limit, body_size_limit, target_limit...).",
        new CounterConfiguration { LabelNames = ["limit"] });

    public static readonly Counter SamplesAppended = Metrics.CreateCounter(
        "mlobs_tsdb_samples_appended_total", "Samples appended to the TSDB.");

    public static readonly Counter SamplesRejected = Metrics.CreateCounter(
        "mlobs_tsdb_samples_rejected_total", "Samples rejected by the TSDB, by reason.", new CounterConfiguration { LabelNames = ["reason"] });
}
