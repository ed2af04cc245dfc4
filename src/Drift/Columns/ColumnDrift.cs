using System.Globalization;
using Mlobs.Drift.Statistics;

namespace Mlobs.Drift.Columns;

/// <summary>One column's line of the report: the test, the score (a p-value for the tests), the threshold and the verdict.</summary>
public sealed record ColumnDriftResult(
    string Column,
    string Type,
    DriftMethod Method,
    double Score,
    double Threshold,
    bool Drifted,
    long ReferenceCount,
    long CurrentCount,
    long ReferenceMissing,
    long CurrentMissing);

/// <summary>
/// Evidently's column drift (legacy <c>get_one_column_drift</c> with its default stattest choice,
/// <c>_get_default_stattest</c>): missing values and infinities dropped; n_unique counted over both files; the
/// reference's size alone picks the branch. Reference ≤ 1000 values: numeric with more than 5 unique values → KS,
/// otherwise chi-square (3–5) or the Z-test (1–2); categorical → chi-square (more than 2) or Z-test. Larger
/// reference: numeric with more than 5 unique values → normed Wasserstein, everything else → Jensen-Shannon.
/// Binned methods use Evidently's bins: Sturges equal-width bins over both files for numeric columns with more than
/// 20 unique reference values, one bin per value otherwise.
/// </summary>
public static class ColumnDrift
{
    public static DriftMethod DefaultMethod(ColumnValues reference, ColumnValues current)
    {
        bool numeric = reference.IsNumeric && current.IsNumeric;
        int unique = numeric ? DistinctUpTo(reference.Numbers, current.Numbers, 6) : reference.Categories.Keys.Union(current.Categories.Keys).Count();
        bool small = reference.Count <= 1000;
        if (numeric)
        {
            if (unique > 5) return small ? DriftMethod.Ks : DriftMethod.Wasserstein;
            if (unique > 2) return small ? DriftMethod.ChiSquare : DriftMethod.JensenShannon;
            return small ? DriftMethod.ZTest : DriftMethod.JensenShannon;
        }
        if (unique > 2) return small ? DriftMethod.ChiSquare : DriftMethod.JensenShannon;
        return small ? DriftMethod.ZTest : DriftMethod.JensenShannon;
    }

    /// <summary>Scores a column pair; a numeric column's values are sorted in place.</summary>
    public static ColumnDriftResult Score(ColumnValues reference, ColumnValues current, DriftMethod? method = null, double? threshold = null)
    {
        // A column numeric in one file and text in the other is text in both (pandas would read it as object).
        if (reference.IsNumeric != current.IsNumeric)
        {
            reference.ToCategories();
            current.ToCategories();
        }
        if (reference.Count == 0 || current.Count == 0)
            throw new ArgumentException($"column \"{reference.Name}\" has no values in the {(reference.Count == 0 ? "reference" : "current")} file");
        var m = method ?? DefaultMethod(reference, current);
        double limit = threshold ?? m.DefaultThreshold();
        bool numeric = reference.IsNumeric;
        if (!numeric && m.NeedsOrder())
            throw new ArgumentException($"column \"{reference.Name}\" holds text; {m.Name()} needs numbers");
        double score;
        if (numeric && m is DriftMethod.Ks or DriftMethod.Wasserstein)
        {
            var r = reference.Numbers;
            var c = current.Numbers;
            r.Sort();
            c.Sort();
            score = m == DriftMethod.Ks
                ? KolmogorovSmirnov.TwoSample(r, c).PValue
                : Wasserstein.Normed(Wasserstein.Distance(r, c), StdDev(r));
        }
        else
        {
            var (refCounts, curCounts) = m == DriftMethod.Hellinger && numeric ? SturgesCounts(reference, current) : Binned(reference, current);
            score = m switch
            {
                DriftMethod.Psi => PopulationStabilityIndex.Compute(Shares(refCounts), Shares(curCounts)),
                DriftMethod.JensenShannon => JensenShannon.Distance(Shares(refCounts), Shares(curCounts)),
                DriftMethod.Hellinger => Hellinger.Distance(Shares(refCounts), Shares(curCounts)),
                DriftMethod.ChiSquare => ChiSquareTest.Compute(ValueCounts(reference, current).Ref, ValueCounts(reference, current).Cur).PValue,
                DriftMethod.ZTest => ZTest(reference, current),
                _ => throw new ArgumentOutOfRangeException(nameof(method)),
            };
        }
        return new ColumnDriftResult(reference.Name, numeric ? "num" : "cat", m, score, limit, m.Drifted(score, limit),
            reference.Count, current.Count, reference.MissingCount, current.MissingCount);
    }

    /// <summary>Evidently's <c>get_binned_data</c> bins: Sturges for numeric columns with more than 20 unique reference values, else one per value.</summary>
    internal static (double[] Ref, double[] Cur) Binned(ColumnValues reference, ColumnValues current) =>
        reference.IsNumeric && DistinctUpTo(reference.Numbers, [], 21) > 20 ? SturgesCounts(reference, current) : ValueCounts(reference, current);

    /// <summary>Counts per distinct value over the union of both files' values.</summary>
    internal static (double[] Ref, double[] Cur) ValueCounts(ColumnValues reference, ColumnValues current)
    {
        var r = Counts(reference);
        var c = Counts(current);
        var keys = r.Keys.Union(c.Keys).ToArray();
        return ([.. keys.Select(k => (double)r.GetValueOrDefault(k))], [.. keys.Select(k => (double)c.GetValueOrDefault(k))]);
    }

    private static Dictionary<string, long> Counts(ColumnValues column)
    {
        if (!column.IsNumeric) return new Dictionary<string, long>(column.Categories, StringComparer.Ordinal);
        var counts = new Dictionary<double, long>();
        foreach (double v in column.Numbers) counts[v] = counts.GetValueOrDefault(v) + 1;
        return counts.ToDictionary(kv => kv.Key.ToString("R", CultureInfo.InvariantCulture), kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// numpy's <c>histogram_bin_edges(concat(ref, cur), "sturges")</c> and <c>histogram</c>: width = range/(log₂n + 1),
    /// ⌈range/width⌉ equal bins from min to max (±0.5 when all values are equal), the last bin closed.
    /// </summary>
    internal static (double[] Ref, double[] Cur) SturgesCounts(ColumnValues reference, ColumnValues current)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in reference.Numbers) { if (v < min) min = v; if (v > max) max = v; }
        foreach (double v in current.Numbers) { if (v < min) min = v; if (v > max) max = v; }
        var edges = SturgesBins.Edges(min, max, reference.NumberCount + current.NumberCount);
        return (Histogram(reference.Numbers, edges), Histogram(current.Numbers, edges));
    }

    private static double[] Histogram(ReadOnlySpan<double> values, double[] edges)
    {
        int bins = edges.Length - 1;
        var counts = new double[bins];
        double first = edges[0], last = edges[^1], norm = bins / (last - first);
        foreach (double v in values)
        {
            if (v < first || v > last) continue;
            int i = (int)((v - first) * norm);
            if (i >= bins) i = bins - 1;
            // numpy's correction for rounding in the index computation
            if (v < edges[i]) i--;
            else if (i != bins - 1 && v >= edges[i + 1]) i++;
            counts[i]++;
        }
        return counts;
    }

    private static double[] Shares(double[] counts)
    {
        double total = counts.Sum();
        return [.. counts.Select(c => c / total)];
    }

    private static double ZTest(ColumnValues reference, ColumnValues current)
    {
        var r = Counts(reference);
        var c = Counts(current);
        if (r.Count == 1 && c.Count == 1 && r.Keys.First() == c.Keys.First()) return 1;
        // Evidently takes the first key of a set; for a two-sided test of two categories either gives the same p.
        var key = r.Keys.Union(c.Keys).Order(StringComparer.Ordinal).First();
        return ProportionsZTest.PValue(r.GetValueOrDefault(key), reference.Count, c.GetValueOrDefault(key), current.Count);
    }

    private static double StdDev(ReadOnlySpan<double> values)
    {
        double mean = 0;
        foreach (double v in values) mean += v;
        mean /= values.Length;
        double sum = 0;
        foreach (double v in values) sum += (v - mean) * (v - mean);
        return Math.Sqrt(sum / values.Length);
    }

    /// <summary>Distinct values among both spans, counting no further than <paramref name="limit"/>.</summary>
    private static int DistinctUpTo(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int limit)
    {
        var seen = new HashSet<double>();
        foreach (double v in a) { seen.Add(v); if (seen.Count >= limit) return limit; }
        foreach (double v in b) { seen.Add(v); if (seen.Count >= limit) return limit; }
        return seen.Count;
    }
}
