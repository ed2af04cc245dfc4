using Mlobs.Model.Labels;

namespace Mlobs.Ingest.Push;

/// <summary>A metric family's type as client_model's MetricType names it (the Pushgateway's JSON shows these names).</summary>
public enum MetricKind { Counter, Gauge, Summary, Untyped, Histogram }

/// <summary>A summary quantile or a classic histogram bucket (upper bound and cumulative count).</summary>
public readonly record struct QuantileValue(double Quantile, double Value);

public readonly record struct HistogramBucket(double UpperBound, double CumulativeCount);

/// <summary>
/// One metric of a pushed family (client_model's Metric): its labels sorted by name, empty values kept (the
/// Pushgateway exports <c>instance=""</c>), and its value, or a summary's or histogram's parts.
/// </summary>
public sealed record PushedMetric(Label[] Labels, MetricKind Payload)
{
    /// <summary>A counter's, gauge's or untyped metric's value.</summary>
    public double Value { get; init; }

    public long? TimestampMs { get; init; }
    public double Sum { get; init; }
    public double Count { get; init; }
    public IReadOnlyList<QuantileValue> Quantiles { get; init; } = [];
    public IReadOnlyList<HistogramBucket> Buckets { get; init; } = [];
}

/// <summary>A pushed metric family (client_model's MetricFamily): name, help ("" when none), type and metrics.</summary>
public sealed record PushedFamily(string Name, string Help, MetricKind Kind, IReadOnlyList<PushedMetric> Metrics)
{
    public static string KindName(MetricKind kind) => kind switch
    {
        MetricKind.Counter => "COUNTER",
        MetricKind.Gauge => "GAUGE",
        MetricKind.Summary => "SUMMARY",
        MetricKind.Histogram => "HISTOGRAM",
        _ => "UNTYPED",
    };
}
