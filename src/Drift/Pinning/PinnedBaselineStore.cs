using System.Globalization;
using System.Text.Json;
using Mlobs.Drift.Distributions;
using Mlobs.Model.Labels;

namespace Mlobs.Drift.Pinning;

/// <summary>Thrown when a pinned baseline file cannot be read back (it is then reported, never silently replaced).</summary>
public sealed class PinnedBaselineException(string message) : Exception(message);

/// <summary>
/// Pinned baselines, one JSON file per monitor under <c>&lt;data dir&gt;/drift/</c>, each replaced atomically
/// (written beside, then renamed) so a crash leaves the old pin or the new one, never half of either.
/// </summary>
public sealed class PinnedBaselineStore(string directory)
{
    public string Directory { get; } = directory;

    private string PathOf(string monitor) => Path.Combine(Directory, monitor + ".json");

    public void Save(PinnedBaseline baseline)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = PathOf(baseline.Monitor);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, baseline, PinnedBaselineJson.Default.PinnedBaseline);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    public PinnedBaseline? Load(string monitor)
    {
        var path = PathOf(monitor);
        if (!File.Exists(path)) return null;
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, PinnedBaselineJson.Default.PinnedBaseline)
                   ?? throw new PinnedBaselineException($"{path}: empty pinned baseline");
        }
        catch (JsonException ex)
        {
            throw new PinnedBaselineException($"{path}: {ex.Message}");
        }
    }

    public bool Delete(string monitor)
    {
        var path = PathOf(monitor);
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }

    /// <summary>A pinned baseline's groups as distributions.</summary>
    public static Dictionary<LabelSet, BinnedDistribution> Distributions(PinnedBaseline baseline)
    {
        var result = new Dictionary<LabelSet, BinnedDistribution>();
        foreach (var g in baseline.Groups)
        {
            bool histogram = g.Kind == "histogram";
            var labels = LabelSet.From(g.Labels.Select(kv => (kv.Key, kv.Value)).ToArray());
            if (g.Bins.Length != g.Counts.Length) throw new PinnedBaselineException($"pinned baseline of {baseline.Monitor}: {labels} has {g.Bins.Length} bins but {g.Counts.Length} counts");
            result[labels] = histogram
                ? BinnedDistribution.FromBins([.. g.Bins.Select(b => b == "+Inf" ? double.PositiveInfinity : double.Parse(b, CultureInfo.InvariantCulture))], g.Counts)
                : BinnedDistribution.FromCategories(g.Bins.Zip(g.Counts));
        }
        return result;
    }

    public static PinnedBaseline Create(string monitor, DateTimeOffset from, DateTimeOffset to, IReadOnlyDictionary<LabelSet, BinnedDistribution> groups,
        long rows = 0, List<Observations.ColumnBinning>? binning = null) =>
        new(monitor, from, to, DateTimeOffset.UtcNow,
            [.. groups.OrderBy(g => g.Key).Select(g => new PinnedGroup(g.Key.ToDictionary(), g.Value.IsHistogram ? "histogram" : "categories", g.Value.Bins, g.Value.Counts))],
            rows, binning);
}
