using Prometheus;

namespace Mlobs.Ingest.Push;

/// <summary>The push intake's own metrics on /metrics.</summary>
public static class PushMetrics
{
    public static readonly Counter Pushes = Metrics.CreateCounter(
        "mlobs_push_requests_total", "Requests to the Pushgateway API, by method and HTTP status code.",
        new CounterConfiguration { LabelNames = ["method", "code"] });

    public static readonly Counter GroupsExpired = Metrics.CreateCounter(
        "mlobs_push_groups_expired_total", "Pushed groups deleted because no push reached them within their group_ttl.");

    public static readonly Gauge Groups = Metrics.CreateGauge(
        "mlobs_push_groups", "Groups of pushed metrics currently held.");
}
