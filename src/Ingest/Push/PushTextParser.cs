using System.Globalization;
using Mlobs.Ingest.Scrape;
using Mlobs.Model.Labels;
using Mlobs.Model.Strconv;

namespace Mlobs.Ingest.Push;

/// <summary>
/// Reads a pushed body in the text format 0.0.4 into metric families, as client_golang's expfmt.TextParser does for
/// the Pushgateway: a family's HELP and TYPE come at most once and TYPE before its samples; <c>_sum</c>, <c>_count</c>
/// and <c>_bucket</c> lines join a summary or histogram declared before them, their metrics grouped by the labels
/// other than <c>quantile</c> / <c>le</c>; samples without TYPE are untyped; families without samples are dropped.
/// Errors read "text format parsing error in line N: ...".
/// </summary>
public static class PushTextParser
{
    private sealed class FamilyDraft(string name)
    {
        public string Name { get; } = name;
        public string? Help;
        public MetricKind? Kind;
        public readonly List<MetricDraft> Metrics = [];
        public readonly Dictionary<string, MetricDraft> BySignature = new(StringComparer.Ordinal);
    }

    private sealed class MetricDraft(Label[] labels)
    {
        public Label[] Labels { get; } = labels;
        public double Value, Sum, Count;
        public long? TimestampMs;
        public readonly List<QuantileValue> Quantiles = [];
        public readonly List<HistogramBucket> Buckets = [];
    }

    public static IReadOnlyDictionary<string, PushedFamily> Parse(ReadOnlySpan<byte> body)
    {
        var bytes = body.ToArray();
        var parser = new ExpositionParser().Reset(bytes, bytes.Length, openMetrics: false);
        var families = new Dictionary<string, FamilyDraft>(StringComparer.Ordinal);
        var order = new List<FamilyDraft>();
        try
        {
            while (true)
            {
                var kind = parser.Next();
                if (kind == EntryKind.None) break;
                switch (kind)
                {
                    case EntryKind.Help:
                    {
                        var family = GetOrCreate(parser.MetricFamily, parser.Line, families, order);
                        if (family.Help is not null) throw Error(parser.Line, $"second HELP line for metric name {GoBytes.Quote(family.Name)}");
                        family.Help = parser.MetaText;
                        break;
                    }
                    case EntryKind.Type:
                    {
                        var family = GetOrCreate(parser.MetricFamily, parser.Line, families, order);
                        if (family.Kind is not null)
                            throw Error(parser.Line, $"second TYPE line for metric name {GoBytes.Quote(family.Name)}, or TYPE reported after samples");
                        family.Kind = parser.MetaText.ToLowerInvariant() switch
                        {
                            "counter" => MetricKind.Counter,
                            "gauge" => MetricKind.Gauge,
                            "summary" => MetricKind.Summary,
                            "histogram" => MetricKind.Histogram,
                            "untyped" => MetricKind.Untyped,
                            var other => throw Error(parser.Line, $"unknown metric type {GoBytes.Quote(other)}"),
                        };
                        break;
                    }
                    case EntryKind.Series:
                        AddSample(parser, families, order);
                        break;
                }
            }
        }
        catch (ExpositionParseException ex)
        {
            throw Error(ex.Line, ex.Message[(ex.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..]);
        }
        // Every line must end in a newline: Go's parser reports the cut-off last line as the stream ending early.
        if (bytes.Length > 0 && bytes[^1] != '\n') throw Error(parser.Line, "unexpected end of input stream");

        var result = new Dictionary<string, PushedFamily>(StringComparer.Ordinal);
        foreach (var f in order)
        {
            if (f.Metrics.Count == 0) continue;
            var kindOf = f.Kind ?? MetricKind.Untyped;
            result[f.Name] = new PushedFamily(f.Name, f.Help ?? "", kindOf, [.. f.Metrics.Select(m => Freeze(m, kindOf))]);
        }
        return result;
    }

    private static PushedMetric Freeze(MetricDraft m, MetricKind kind) => new(m.Labels, kind)
    {
        Value = m.Value, Sum = m.Sum, Count = m.Count, TimestampMs = m.TimestampMs,
        Quantiles = [.. m.Quantiles], Buckets = [.. m.Buckets],
    };

    private static FamilyDraft GetOrCreate(string name, int line, Dictionary<string, FamilyDraft> families, List<FamilyDraft> order)
    {
        if (!LegacyNames.IsMetricName(name)) throw Error(line, $"invalid metric name {GoBytes.Quote(name)}");
        if (families.TryGetValue(name, out var family)) return family;
        family = new FamilyDraft(name);
        families[name] = family;
        order.Add(family);
        return family;
    }

    private static void AddSample(ExpositionParser parser, Dictionary<string, FamilyDraft> families, List<FamilyDraft> order)
    {
        var read = new List<Label>();
        parser.ReadLabels(read);
        var name = read.FirstOrDefault(l => l.Name == LabelSet.MetricName).Value ?? "";
        if (!LegacyNames.IsMetricName(name)) throw Error(parser.Line, $"invalid metric name {GoBytes.Quote(name)}");
        FamilyDraft family;
        bool isSum = false, isCount = false;
        if (families.TryGetValue(name, out var exact)) family = exact;
        else if (Suffixed(name, "_count", out var baseName) && IsAggregate(families, baseName, out var agg)) { family = agg; isCount = true; }
        else if (Suffixed(name, "_sum", out baseName) && IsAggregate(families, baseName, out agg)) { family = agg; isSum = true; }
        else if (Suffixed(name, "_bucket", out baseName) && families.TryGetValue(baseName, out agg) && agg.Kind == MetricKind.Histogram) family = agg;
        else family = GetOrCreate(name, parser.Line, families, order);
        family.Kind ??= MetricKind.Untyped;

        var labels = new List<Label>();
        double quantile = double.NaN, bucket = double.NaN;
        foreach (var l in read)
        {
            if (l.Name == LabelSet.MetricName) continue;
            if (family.Kind == MetricKind.Summary && l.Name == "quantile")
            {
                if (!TryParseGoFloat(l.Value, out quantile))
                    throw Error(parser.Line, $"expected float as value for 'quantile' label, got {GoBytes.Quote(l.Value)}");
                continue;
            }
            if (family.Kind == MetricKind.Histogram && l.Name == "le")
            {
                if (!TryParseGoFloat(l.Value, out bucket))
                    throw Error(parser.Line, $"expected float as value for 'le' label, got {GoBytes.Quote(l.Value)}");
                continue;
            }
            if (!LegacyNames.IsLabelName(l.Name)) throw Error(parser.Line, $"invalid label name {GoBytes.Quote(l.Name)}");
            labels.Add(l);
        }
        var sorted = labels.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Name, b.Name));

        MetricDraft metric;
        if (family.Kind is MetricKind.Summary or MetricKind.Histogram)
        {
            var signature = string.Join('\u0000', sorted.Select(l => l.Name + "\u0000" + l.Value));
            if (!family.BySignature.TryGetValue(signature, out metric!))
            {
                metric = new MetricDraft(sorted);
                family.BySignature[signature] = metric;
                family.Metrics.Add(metric);
            }
        }
        else
        {
            metric = new MetricDraft(sorted);
            family.Metrics.Add(metric);
        }

        double value = parser.Value;
        switch (family.Kind)
        {
            case MetricKind.Summary:
                if (isCount) metric.Count = value;
                else if (isSum) metric.Sum = value;
                else if (!double.IsNaN(quantile)) metric.Quantiles.Add(new QuantileValue(quantile, value));
                break;
            case MetricKind.Histogram:
                if ((isCount || !double.IsNaN(bucket)) && value < 0)
                    throw Error(parser.Line, isCount ? $"negative count for histogram {GoBytes.Quote(family.Name)}"
                        : $"negative bucket population for histogram {GoBytes.Quote(family.Name)}");
                if (isCount) metric.Count = value;
                else if (isSum) metric.Sum = value;
                else if (!double.IsNaN(bucket)) metric.Buckets.Add(new HistogramBucket(bucket, value));
                break;
            default:
                metric.Value = value;
                break;
        }
        if (parser.TimestampMs is { } ts) metric.TimestampMs = ts;
    }

    private static bool Suffixed(string name, string suffix, out string baseName)
    {
        baseName = name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal) ? name[..^suffix.Length] : "";
        return baseName.Length > 0;
    }

    private static bool IsAggregate(Dictionary<string, FamilyDraft> families, string baseName, out FamilyDraft family) =>
        families.TryGetValue(baseName, out family!) && family.Kind is MetricKind.Summary or MetricKind.Histogram;

    /// <summary>Go's strconv.ParseFloat as the text parser uses it for <c>le</c> and <c>quantile</c>.</summary>
    internal static bool TryParseGoFloat(string s, out double v)
    {
        var t = s.StartsWith('+') || s.StartsWith('-') ? s[1..] : s;
        if (t.Equals("inf", StringComparison.OrdinalIgnoreCase) || t.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            v = s.StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (t.Equals("nan", StringComparison.OrdinalIgnoreCase)) { v = double.NaN; return true; }
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v);
    }

    private static PushRequestException Error(int line, string message) =>
        new($"text format parsing error in line {line}: {message}");
}
