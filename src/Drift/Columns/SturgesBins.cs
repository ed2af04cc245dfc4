namespace Mlobs.Drift.Columns;

/// <summary>
/// numpy's <c>histogram_bin_edges(values, "sturges")</c>: width = range/(log₂n + 1), ⌈range/width⌉ equal bins from
/// min to max (±0.5 around a single value), edges as <c>linspace</c> computes them, the last edge exactly max.
/// Shared by the two-file report (over both files) and observations monitors (over the reference).
/// </summary>
public static class SturgesBins
{
    public static double[] Edges(double min, double max, long count)
    {
        double first = min, last = max;
        if (first == last) { first -= 0.5; last += 0.5; }
        double width = (max - min) / (Math.Log2(count) + 1.0);
        int bins = width > 0 ? (int)Math.Ceiling((last - first) / width) : 1;
        var edges = new double[bins + 1];
        double step = (last - first) / bins;
        for (int i = 0; i <= bins; i++) edges[i] = i * step + first;
        edges[bins] = last;
        return edges;
    }
}
