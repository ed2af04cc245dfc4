using System.Globalization;
using System.Text.Json.Serialization;
using Mlobs.Drift.Columns;

namespace Mlobs.Drift.Observations;

/// <summary>
/// How one column's values are binned, fitted once on the reference and stored with it: numeric columns get upper
/// bounds (<c>le</c>, ending in +Inf for values above the reference's range), categorical columns their reference
/// categories. Evidently's rule picks the bins: Sturges equal-width bins over the reference for more than 20
/// distinct values, one bin per value otherwise. (Evidently fits Sturges over reference and current together; a
/// monitor cannot see the future current data, so the reference alone sets the edges, and values beyond them fall
/// into the first bin or the +Inf one.)
/// </summary>
public sealed record ColumnBinning(
    [property: JsonPropertyName("column")] string Column,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("bounds")] string[] Bounds,
    [property: JsonPropertyName("categories")] string[] Categories)
{
    [JsonIgnore]
    public bool IsNumeric => Kind == "numeric";

    private double[]? _bounds;

    [JsonIgnore]
    public double[] NumericBounds => _bounds ??= [.. Bounds.Select(b => b == "+Inf" ? double.PositiveInfinity : double.Parse(b, CultureInfo.InvariantCulture))];

    /// <summary>The bucket a value falls in: the first bound at or above it (<c>le</c> semantics).</summary>
    public int Bucket(double v)
    {
        var bounds = NumericBounds;
        int i = Array.BinarySearch(bounds, v);
        return i >= 0 ? i : Math.Min(~i, bounds.Length - 1);
    }

    public static ColumnBinning Fit(ColumnValues column, int maxCategories)
    {
        if (!column.IsNumeric)
        {
            var categories = column.Categories.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
                .Take(Math.Max(maxCategories, 1)).Select(c => c.Key).Order(StringComparer.Ordinal).ToArray();
            return new ColumnBinning(column.Name, "categorical", [], categories);
        }
        var values = column.Numbers;
        var distinct = new SortedSet<double>();
        foreach (double v in values)
        {
            distinct.Add(v);
            if (distinct.Count > 20) break;
        }
        double[] bounds;
        if (distinct.Count <= 20)
        {
            bounds = [.. distinct, double.PositiveInfinity];
        }
        else
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            foreach (double v in values) { if (v < min) min = v; if (v > max) max = v; }
            // The edges after the first are the upper bounds; +Inf takes values beyond the reference's range.
            var edges = SturgesBins.Edges(min, max, values.Length);
            bounds = [.. edges.AsSpan(1), double.PositiveInfinity];
        }
        return new ColumnBinning(column.Name, "numeric", [.. bounds.Select(Mlobs.Drift.Distributions.BinnedDistribution.FormatBound)], []);
    }
}
