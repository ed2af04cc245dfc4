using Mlobs.Rules.Notifier;
using Prometheus;

namespace Mlobs.Appliance.Telemetry;

/// <summary>The notifier on /metrics, as Prometheus's prometheus_notifications_* series with mlobs's prefix.</summary>
public static class AlertingMetrics
{
    private static readonly Counter Sent = Metrics.CreateCounter(
        "mlobs_notifications_sent_total", "Alerts sent to Alertmanager (every attempt).", ["alertmanager"]);
    private static readonly Counter Errors = Metrics.CreateCounter(
        "mlobs_notifications_errors_total", "Alerts whose sending to Alertmanager failed.", ["alertmanager"]);
    private static readonly Counter Dropped = Metrics.CreateCounter(
        "mlobs_notifications_dropped_total", "Alerts dropped: the queue overflowed, or no Alertmanager accepted them.");
    private static readonly Gauge QueueLength = Metrics.CreateGauge(
        "mlobs_notifications_queue_length", "Alerts waiting to be sent.");
    private static readonly Gauge QueueCapacity = Metrics.CreateGauge(
        "mlobs_notifications_queue_capacity", "Capacity of the alert queue.");
    private static readonly Gauge Discovered = Metrics.CreateGauge(
        "mlobs_notifications_alertmanagers_discovered", "Alertmanagers alerts are sent to.");

    public static void Update(AlertNotifier notifier)
    {
        foreach (var (url, stats) in notifier.Stats)
        {
            Sent.WithLabels(url.ToString()).IncTo(Interlocked.Read(ref stats.Sent));
            Errors.WithLabels(url.ToString()).IncTo(Interlocked.Read(ref stats.Errors));
        }
        Dropped.IncTo(Interlocked.Read(ref notifier.Dropped));
        QueueLength.Set(notifier.QueueLength);
        QueueCapacity.Set(AlertNotifier.QueueCapacity);
        Discovered.Set(notifier.Endpoints.Count);
    }
}
