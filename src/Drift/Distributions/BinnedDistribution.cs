using System.Globalization;

namespace Mlobs.Drift.Distributions;

/// <summary>
/// Counts over bins: a classic histogram's buckets (bin i holds the values in (le[i−1], le[i]], the last bound +Inf)
/// or a counter's categories. Counts are what <c>increase()</c> gave over a window, so they may be fractional.
/// </summary>
public sealed record BinnedDistribution
{
    /// <summary>The histogram's upper bounds, ascending, ending in +Inf; null for categories.</summary>
    public double[]? UpperBounds { get; }

    /// <summary>The categories' names (for histograms: the upper bounds as Prometheus formats <c>le</c>).</summary>
    public string[] Bins { get; }

    /// <summary>Per-bin counts (not cumulative).</summary>
    public double[] Counts { get; }

    public double Total { get; }

    public bool IsHistogram => UpperBounds is not null;

    private BinnedDistribution(double[]? upperBounds, string[] bins, double[] counts)
    {
        UpperBounds = upperBounds;
        Bins = bins;
        Counts = counts;
        double total = 0;
        foreach (double c in counts) total += c;
        Total = total;
    }

    /// <summary>
    /// From cumulative bucket counts (the <c>_bucket{le}</c> series), sorted by bound; a missing +Inf bucket is taken as
    /// the last one. A bucket below its predecessor (a scrape between two buckets' increments) is clamped, as
    /// histogram_quantile does.
    /// </summary>
    public static BinnedDistribution FromCumulative(IEnumerable<(double UpperBound, double Count)> buckets)
    {
        var sorted = buckets.Where(b => !double.IsNaN(b.UpperBound) && !double.IsNaN(b.Count)).OrderBy(b => b.UpperBound).ToList();
        if (sorted.Count == 0) return new BinnedDistribution([double.PositiveInfinity], ["+Inf"], [0]);
        var bounds = new double[sorted.Count];
        var counts = new double[sorted.Count];
        double previous = 0;
        for (int i = 0; i < sorted.Count; i++)
        {
            double cumulative = Math.Max(sorted[i].Count, previous);
            bounds[i] = sorted[i].UpperBound;
            counts[i] = cumulative - previous;
            previous = cumulative;
        }
        return new BinnedDistribution(bounds, [.. bounds.Select(FormatBound)], counts);
    }

    /// <summary>Per-bin counts over explicit upper bounds (the last should be +Inf).</summary>
    public static BinnedDistribution FromBins(double[] upperBounds, double[] counts) =>
        new(upperBounds, [.. upperBounds.Select(FormatBound)], counts);

    public static BinnedDistribution FromCategories(IEnumerable<(string Category, double Count)> categories)
    {
        var sorted = categories.GroupBy(c => c.Category, StringComparer.Ordinal)
            .Select(g => (Category: g.Key, Count: g.Sum(x => double.IsNaN(x.Count) ? 0 : x.Count)))
            .OrderBy(c => c.Category, StringComparer.Ordinal).ToList();
        return new BinnedDistribution(null, [.. sorted.Select(c => c.Category)], [.. sorted.Select(c => c.Count)]);
    }

    public double[] Shares()
    {
        var shares = new double[Counts.Length];
        if (Total <= 0) return shares;
        for (int i = 0; i < shares.Length; i++) shares[i] = Counts[i] / Total;
        return shares;
    }

    /// <summary>
    /// Puts two distributions on the same bins: categories over their union (missing = 0); histograms over the bounds
    /// both have, merging finer buckets into the common ones (exact, since buckets are cumulative).
    /// </summary>
    public static (BinnedDistribution Reference, BinnedDistribution Current) Align(BinnedDistribution reference, BinnedDistribution current)
    {
        if (reference.IsHistogram != current.IsHistogram)
            throw new ArgumentException("cannot compare a histogram with categories");
        if (!reference.IsHistogram)
        {
            var names = reference.Bins.Union(current.Bins, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            return (Reindex(reference, names), Reindex(current, names));
        }
        if (reference.UpperBounds!.AsSpan().SequenceEqual(current.UpperBounds!)) return (reference, current);
        var common = reference.UpperBounds!.Intersect(current.UpperBounds!).Order().ToList();
        if (common.Count == 0 || !double.IsPositiveInfinity(common[^1])) common.Add(double.PositiveInfinity);
        return (Coarsen(reference, common), Coarsen(current, common));
    }

    private static BinnedDistribution Reindex(BinnedDistribution d, string[] names)
    {
        var index = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int i = 0; i < d.Bins.Length; i++) index[d.Bins[i]] = d.Counts[i];
        return new BinnedDistribution(null, names, [.. names.Select(n => index.GetValueOrDefault(n))]);
    }

    private static BinnedDistribution Coarsen(BinnedDistribution d, List<double> bounds)
    {
        var counts = new double[bounds.Count];
        int target = 0;
        for (int i = 0; i < d.Counts.Length; i++)
        {
            while (target < bounds.Count - 1 && d.UpperBounds![i] > bounds[target]) target++;
            counts[target] += d.Counts[i];
        }
        return FromBins([.. bounds], counts);
    }

    /// <summary>Formats a bound as Prometheus writes <c>le</c> (shortest round-trip, +Inf).</summary>
    public static string FormatBound(double v) =>
        double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf" : v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// The point each bucket stands for when a distance needs values (Wasserstein): its midpoint; the first bucket's
    /// lower edge is 0 when its bound is positive (as histogram_quantile assumes), else the bound itself; the +Inf
    /// bucket sits at its lower edge.
    /// </summary>
    public double[] Midpoints()
    {
        var b = UpperBounds ?? throw new InvalidOperationException("categories have no midpoints");
        var points = new double[b.Length];
        for (int i = 0; i < b.Length; i++)
        {
            double upper = b[i];
            double lower = i == 0 ? (upper > 0 ? 0 : upper) : b[i - 1];
            if (double.IsPositiveInfinity(upper)) points[i] = i == 0 ? 0 : lower;
            else points[i] = (lower + upper) / 2;
        }
        return points;
    }
}
