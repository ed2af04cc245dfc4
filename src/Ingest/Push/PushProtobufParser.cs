using Google.Protobuf;
using Mlobs.Ingest.Push.Proto;
using Mlobs.Model.Labels;

namespace Mlobs.Ingest.Push;

/// <summary>
/// Reads a pushed body in delimited protobuf (<c>application/vnd.google.protobuf;
/// proto=io.prometheus.client.MetricFamily; encoding=delimited</c>): length-prefixed MetricFamily messages, a later
/// family replacing an earlier one of the same name, as the Pushgateway reads them. Classic histogram buckets are
/// kept; native histogram parts are not stored (mlobs stores classic series only).
/// </summary>
public static class PushProtobufParser
{
    public static IReadOnlyDictionary<string, PushedFamily> Parse(byte[] body)
    {
        var result = new Dictionary<string, PushedFamily>(StringComparer.Ordinal);
        var input = new CodedInputStream(body);
        while (!input.IsAtEnd)
        {
            var mf = new MetricFamily();
            try { input.ReadMessage(mf); }
            catch (InvalidProtocolBufferException ex) { throw new PushRequestException($"invalid delimited protobuf MetricFamily: {ex.Message}"); }
            if (!LegacyNames.IsMetricName(mf.Name)) throw new PushRequestException($"invalid metric name {GroupingKey.GoQuote(mf.Name)}");
            var kind = mf.Type switch
            {
                MetricType.Counter => MetricKind.Counter,
                MetricType.Gauge => MetricKind.Gauge,
                MetricType.Summary => MetricKind.Summary,
                MetricType.Untyped => MetricKind.Untyped,
                MetricType.Histogram => MetricKind.Histogram,
                _ => throw new PushRequestException($"metric family {GroupingKey.GoQuote(mf.Name)}: type {mf.Type} is not supported"),
            };
            result[mf.Name] = new PushedFamily(mf.Name, mf.Help, kind, [.. mf.Metric.Select(m => Convert(mf.Name, m))]);
        }
        return result;
    }

    private static PushedMetric Convert(string family, Metric m)
    {
        var labels = m.Label.Select(l => new Label(l.Name, l.Value)).ToArray();
        Array.Sort(labels, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        long? ts = m.HasTimestampMs ? m.TimestampMs : null;
        // The value field that is set is the metric's payload; the consistency check compares it with the family's type.
        if (m.Histogram is { } h)
            return new PushedMetric(labels, MetricKind.Histogram)
            {
                TimestampMs = ts, Sum = h.SampleSum, Count = h.SampleCountFloat > 0 ? h.SampleCountFloat : h.SampleCount,
                Buckets = [.. h.Bucket.Select(b => new HistogramBucket(b.UpperBound, b.CumulativeCountFloat > 0 ? b.CumulativeCountFloat : b.CumulativeCount))],
            };
        if (m.Summary is { } s)
            return new PushedMetric(labels, MetricKind.Summary)
            {
                TimestampMs = ts, Sum = s.SampleSum, Count = s.SampleCount,
                Quantiles = [.. s.Quantile.Select(q => new QuantileValue(q.Quantile_, q.Value))],
            };
        if (m.Counter is { } c) return new PushedMetric(labels, MetricKind.Counter) { Value = c.Value, TimestampMs = ts };
        if (m.Gauge is { } g) return new PushedMetric(labels, MetricKind.Gauge) { Value = g.Value, TimestampMs = ts };
        if (m.Untyped is { } u) return new PushedMetric(labels, MetricKind.Untyped) { Value = u.Value, TimestampMs = ts };
        throw new PushRequestException($"a metric of family {GroupingKey.GoQuote(family)} has no value");
    }
}
