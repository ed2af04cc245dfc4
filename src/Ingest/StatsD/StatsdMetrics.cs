using Prometheus;

namespace Mlobs.Ingest.StatsD;

/// <summary>The StatsD receiver's own metrics on /metrics (read from the registry's counts when collected).</summary>
public static class StatsdMetrics
{
    public static readonly Counter Events = Metrics.CreateCounter(
        "mlobs_statsd_events_total", "StatsD events taken, by type (counter, gauge, observer, set).", new CounterConfiguration { LabelNames = ["type"] });

    public static readonly Counter Rejected = Metrics.CreateCounter(
        "mlobs_statsd_events_rejected_total",
        "StatsD events or lines refused, by reason (malformed_line, malformed_value, type_conflict, label_conflict, illegal_negative_counter, ...).",
        new CounterConfiguration { LabelNames = ["reason"] });

    public static readonly Counter Packets = Metrics.CreateCounter(
        "mlobs_statsd_packets_total", "UDP packets and TCP lines received by the StatsD receiver.", new CounterConfiguration { LabelNames = ["protocol"] });

    public static readonly Gauge Series = Metrics.CreateGauge("mlobs_statsd_series", "Series the StatsD receiver holds.");
}
