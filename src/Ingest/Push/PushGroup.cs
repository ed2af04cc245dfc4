using Mlobs.Model.Labels;

namespace Mlobs.Ingest.Push;

/// <summary>A pushed family with the time of the push that last wrote it (the Pushgateway's TimestampedMetricFamily).</summary>
public sealed record TimestampedFamily(PushedFamily Family, DateTimeOffset PushedAt);

/// <summary>
/// One group of pushed metrics (the Pushgateway's MetricGroup), immutable: a push makes a new one. Besides the pushed
/// families it carries the times of the last successful and failed push, exported as <c>push_time_seconds</c> and
/// <c>push_failure_time_seconds</c>; <see cref="Version"/> grows with every change.
/// </summary>
public sealed record PushGroup(
    GroupingKey Key,
    IReadOnlyDictionary<string, TimestampedFamily> Families,
    DateTimeOffset? LastPush,
    DateTimeOffset? LastFailure,
    DateTimeOffset Created,
    long Version)
{
    public const string PushTimeMetric = "push_time_seconds";
    public const string PushFailureTimeMetric = "push_failure_time_seconds";
    public const string PushTimeHelp = "Last Unix time when changing this group in the Pushgateway succeeded.";
    public const string PushFailureTimeHelp = "Last Unix time when changing this group in the Pushgateway failed.";

    /// <summary>False when the last failed push came after the last successful one.</summary>
    public bool LastPushSuccessful => LastFailure is not { } failure || LastPush is { } push && push >= failure;

    /// <summary>The grouping labels with <c>instance=""</c> added when the key has no instance (what each metric carries).</summary>
    public Label[] MetricLabels => PushSanitizer.WithGroupingLabels([], Key);

    /// <summary>The two push-time gauges as families (0 means "never").</summary>
    public IEnumerable<TimestampedFamily> PushTimeFamilies()
    {
        yield return Gauge(PushTimeMetric, PushTimeHelp, LastPush, LastPush ?? Created);
        yield return Gauge(PushFailureTimeMetric, PushFailureTimeHelp, LastFailure, LastFailure ?? Created);
    }

    /// <summary>Pushed families and the push-time gauges, which override pushed families of the same name.</summary>
    public IEnumerable<TimestampedFamily> AllFamilies() =>
        Families.Values.Where(f => f.Family.Name is not (PushTimeMetric or PushFailureTimeMetric)).Concat(PushTimeFamilies());

    private TimestampedFamily Gauge(string name, string help, DateTimeOffset? at, DateTimeOffset stamp) =>
        new(new PushedFamily(name, help, MetricKind.Gauge,
            [new PushedMetric(MetricLabels, MetricKind.Gauge) { Value = at is { } t ? (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond : 0 }]), stamp);
}
