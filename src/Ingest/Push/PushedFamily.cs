using Mlobs.Model.Labels;
using Mlobs.Model.Strconv;

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
    /// <summary>
    /// The samples the family exposes, in the text format's order: a summary's quantiles, <c>_sum</c> and <c>_count</c>;
    /// a histogram's <c>_bucket</c> lines ending in <c>+Inf</c>, <c>_sum</c> and <c>_count</c>; else one value per
    /// metric. Both the exposition writer and the TSDB writer read a family through this.
    /// </summary>
    public IEnumerable<(string Suffix, PushedMetric Metric, (string Name, string Value)? Extra, double Value)> Samples()
    {
        foreach (var m in Metrics)
        {
            switch (Kind)
            {
                case MetricKind.Summary:
                    foreach (var q in m.Quantiles) yield return ("", m, ("quantile", ValueFormat.GoG(q.Quantile)), q.Value);
                    yield return ("_sum", m, null, m.Sum);
                    yield return ("_count", m, null, m.Count);
                    break;
                case MetricKind.Histogram:
                    bool sawInf = false;
                    foreach (var b in m.Buckets)
                    {
                        yield return ("_bucket", m, ("le", ValueFormat.GoG(b.UpperBound)), b.CumulativeCount);
                        sawInf |= double.IsPositiveInfinity(b.UpperBound);
                    }
                    if (!sawInf) yield return ("_bucket", m, ("le", "+Inf"), m.Count);
                    yield return ("_sum", m, null, m.Sum);
                    yield return ("_count", m, null, m.Count);
                    break;
                default:
                    yield return ("", m, null, m.Value);
                    break;
            }
        }
    }

    public static string KindName(MetricKind kind) => kind switch
    {
        MetricKind.Counter => "COUNTER",
        MetricKind.Gauge => "GAUGE",
        MetricKind.Summary => "SUMMARY",
        MetricKind.Histogram => "HISTOGRAM",
        _ => "UNTYPED",
    };
}
