using Mlobs.Alertmanager;
using Prometheus;

namespace Mlobs.Appliance.Telemetry;

/// <summary>The built-in router on /metrics (after Alertmanager's alertmanager_notifications_* and alertmanager_alerts).</summary>
public static class RouterMetrics
{
    private static readonly string[] DeliveryLabels = ["receiver", "integration"];

    private static readonly Counter Attempts = Metrics.CreateCounter(
        "mlobs_router_notifications_total", "Delivery attempts by the built-in router.", DeliveryLabels);
    private static readonly Counter Failures = Metrics.CreateCounter(
        "mlobs_router_notifications_failed_total", "Delivery attempts that failed.", DeliveryLabels);
    private static readonly Gauge Alerts = Metrics.CreateGauge(
        "mlobs_router_alerts", "Alerts held by the built-in router, by state.", ["state"]);
    private static readonly Gauge Groups = Metrics.CreateGauge(
        "mlobs_router_aggregation_groups", "Aggregation groups of the built-in router.");

    public static void Update(AlertRouter? router)
    {
        if (router is null) return;
        foreach (var (key, counts) in router.Deliveries)
        {
            int slash = key.LastIndexOf('/');
            string receiver = key[..slash], integration = key[(slash + 1)..];
            Attempts.WithLabels(receiver, integration).IncTo(Interlocked.Read(ref counts[0]));
            Failures.WithLabels(receiver, integration).IncTo(Interlocked.Read(ref counts[1]));
        }
        var now = DateTimeOffset.UtcNow;
        var alerts = router.Alerts;
        Alerts.WithLabels("firing").Set(alerts.Count(a => !a.IsResolved(now)));
        Alerts.WithLabels("resolved").Set(alerts.Count(a => a.IsResolved(now)));
        Groups.Set(router.GroupCount);
    }
}
