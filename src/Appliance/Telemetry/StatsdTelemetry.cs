using Mlobs.Ingest.StatsD;

namespace Mlobs.Appliance.Telemetry;

/// <summary>Carries the StatsD registry's and sockets' counts into the receiver's metrics when /metrics is collected.</summary>
public static class StatsdTelemetry
{
    public static void Update(StatsdRegistry registry)
    {
        foreach (var (type, count) in registry.Accepted) StatsdMetrics.Events.WithLabels(type).IncTo(count);
        foreach (var (reason, count) in registry.Rejected) StatsdMetrics.Rejected.WithLabels(reason).IncTo(count);
        StatsdMetrics.Series.Set(registry.SeriesCount);
        foreach (var (protocol, count) in registry.Received) StatsdMetrics.Packets.WithLabels(protocol).IncTo(count);
    }
}
