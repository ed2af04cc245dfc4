using Prometheus;

namespace Mlobs.Appliance.Telemetry;

/// <summary>The binary's own metrics, exposed on /metrics through prometheus-net.</summary>
public static class ApplianceMetrics
{
    public static readonly Counter Scrapes = Metrics.CreateCounter(
        "mlobs_scrapes_total", "Scrapes performed, by job and result.", new CounterConfiguration { LabelNames = ["job", "result"] });

    public static readonly Counter SamplesAppended = Metrics.CreateCounter(
        "mlobs_tsdb_samples_appended_total", "Samples appended to the TSDB.");

    public static readonly Counter SamplesRejected = Metrics.CreateCounter(
        "mlobs_tsdb_samples_rejected_total", "Samples rejected by the TSDB, by reason.", new CounterConfiguration { LabelNames = ["reason"] });

    public static readonly Gauge StorageBytes = Metrics.CreateGauge(
        "mlobs_tsdb_storage_bytes", "Bytes used by the TSDB files in the data directory.");

    public static readonly Gauge HeadSeries = Metrics.CreateGauge(
        "mlobs_tsdb_head_series", "Series known to the TSDB.");

    public static readonly Counter HttpRequests = Metrics.CreateCounter(
        "mlobs_http_requests_total", "HTTP requests served, by handler and status code.", new CounterConfiguration { LabelNames = ["handler", "code"] });

    public static readonly Counter ConfigReloads = Metrics.CreateCounter(
        "mlobs_config_reloads_total", "Configuration loads, by result.", new CounterConfiguration { LabelNames = ["result"] });
}
