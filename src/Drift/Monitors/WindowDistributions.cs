using System.Globalization;
using Mlobs.Drift.Distributions;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Engine;

namespace Mlobs.Drift.Monitors;

/// <summary>
/// A window's distributions, one per group (the values of the monitor's <c>by</c> labels), read through the query
/// engine: the result of <see cref="DriftMonitor.WindowQuery"/> at the window's end, split by the bin label.
/// </summary>
public static class WindowDistributions
{
    public static Dictionary<LabelSet, BinnedDistribution> Read(DriftMonitor monitor, IQueryEngine engine, long atMs, TimeSpan window, TimeSpan offset, CancellationToken ct = default)
    {
        var distributions = new Dictionary<LabelSet, BinnedDistribution>();
        foreach (var source in monitor.Sources)
            foreach (var (key, d) in Read(monitor, source, engine, atMs, window, offset, ct))
                distributions.TryAdd(key, d); // a group is one kind; the first source read keeps it
        return distributions;
    }

    private static Dictionary<LabelSet, BinnedDistribution> Read(DriftMonitor monitor, DriftSeriesSource source, IQueryEngine engine, long atMs, TimeSpan window, TimeSpan offset, CancellationToken ct)
    {
        var result = engine.Instant(monitor.WindowQuery(source, window, offset), atMs, ct: ct);
        var samples = result.Value is VectorValue v ? v.Samples : [];
        var histogram = source.Histogram;
        var groups = new Dictionary<LabelSet, List<(string Bin, double Count)>>();
        foreach (var s in samples)
        {
            var bin = s.Metric.Get(source.BinLabel);
            if (bin is null) continue; // series without the bin label say nothing about the distribution
            var key = s.Metric.Without(source.BinLabel);
            if (!groups.TryGetValue(key, out var bins)) groups[key] = bins = [];
            bins.Add((bin, s.F));
        }
        var distributions = new Dictionary<LabelSet, BinnedDistribution>(groups.Count);
        foreach (var (key, bins) in groups)
        {
            if (histogram)
            {
                var buckets = bins.Select(b => (Bound: ParseBound(b.Bin), b.Count)).Where(b => !double.IsNaN(b.Bound))
                    // the same bound written two ways ("1" and "1.0") is one bucket
                    .GroupBy(b => b.Bound).Select(g => (g.Key, g.Max(x => x.Count)));
                distributions[key] = BinnedDistribution.FromCumulative(buckets);
            }
            else
            {
                distributions[key] = BinnedDistribution.FromCategories(bins);
            }
        }
        return distributions;
    }

    private static double ParseBound(string le) => le switch
    {
        "+Inf" or "Inf" or "+inf" or "inf" => double.PositiveInfinity,
        _ => double.TryParse(le, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : double.NaN,
    };
}
