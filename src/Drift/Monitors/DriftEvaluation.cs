using Mlobs.Drift.Distributions;
using Mlobs.Model.Labels;

namespace Mlobs.Drift.Monitors;

/// <summary>
/// One group's comparison: its two distributions (on common bins), their sample counts, and the scores — or why there
/// are none (<see cref="Skipped"/>); a method that cannot apply to these bins (a Z-test over three) is named in
/// <see cref="Problems"/> and the others still score.
/// </summary>
public sealed record DriftGroupResult(
    LabelSet Group,
    BinnedDistribution? Baseline,
    BinnedDistribution? Current,
    double BaselineSamples,
    double CurrentSamples,
    IReadOnlyList<DriftScore> Scores,
    string? Skipped,
    IReadOnlyList<string> Problems)
{
    /// <summary>Drifted by the monitor's first method (the one the share counts).</summary>
    public bool Drifted => Scores.Count > 0 && Scores[0].Drifted;
}

/// <summary>
/// What one evaluation of a monitor found: per group results, the share of scored groups that drifted by the first
/// method, and whether that share reaches the monitor's <c>drift_share</c> (dataset drift).
/// </summary>
public sealed record DriftEvaluation(
    string Monitor,
    DateTimeOffset At,
    TimeSpan Duration,
    string BaselineDescription,
    DateTimeOffset? BaselineComputedAt,
    IReadOnlyList<DriftGroupResult> Groups,
    double? Share,
    bool DatasetDrift,
    string? Error)
{
    public int Scored => Groups.Count(g => g.Skipped is null);
    public int DriftedGroups => Groups.Count(g => g.Drifted);
}
