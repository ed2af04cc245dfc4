using System.Text.Json.Serialization;

namespace Mlobs.Drift.Pinning;

/// <summary>
/// One group's pinned distribution: its labels, its kind ("histogram": bins are upper bounds as <c>le</c> text;
/// "categories"), the bins and per-bin counts.
/// </summary>
public sealed record PinnedGroup(
    [property: JsonPropertyName("labels")] Dictionary<string, string> Labels,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("bins")] string[] Bins,
    [property: JsonPropertyName("counts")] double[] Counts);

/// <summary>
/// A monitor's baseline as it was over [from, to] when pinned — or, for an observations monitor, its uploaded reference
/// with the bin edges fitted on it (<see cref="Binning"/>) and its row count: kept in the data dir
/// (<c>drift/&lt;monitor&gt;.json</c>), outside the TSDB, so retention never takes it.
/// </summary>
public sealed record PinnedBaseline(
    [property: JsonPropertyName("monitor")] string Monitor,
    [property: JsonPropertyName("from")] DateTimeOffset From,
    [property: JsonPropertyName("to")] DateTimeOffset To,
    [property: JsonPropertyName("pinnedAt")] DateTimeOffset PinnedAt,
    [property: JsonPropertyName("groups")] List<PinnedGroup> Groups,
    [property: JsonPropertyName("rows")] long Rows = 0,
    [property: JsonPropertyName("binning")] List<Observations.ColumnBinning>? Binning = null);

[JsonSerializable(typeof(PinnedBaseline))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class PinnedBaselineJson : JsonSerializerContext;
