using Mlobs.Drift.Statistics;
using Mlobs.Model.Labels;

namespace Mlobs.Drift.Monitors;

/// <summary>
/// The series an evaluation writes: per group and method <c>mlobs_drift_score</c>, <c>mlobs_drift_detected</c> (0/1
/// against the threshold) and, for the tests and Wasserstein, <c>mlobs_drift_statistic</c> (KS D, χ², raw W₁);
/// per group <c>mlobs_drift_window_samples{window="baseline|current"}</c> even when too few to score, so a thin
/// window is visible; per monitor <c>mlobs_drift_share</c> and <c>mlobs_drift_dataset_drift</c>. Groups without a
/// score write no score series (they go stale), never a 0.
/// </summary>
public static class DriftSeries
{
    public const string Score = "mlobs_drift_score";
    public const string Detected = "mlobs_drift_detected";
    public const string Statistic = "mlobs_drift_statistic";
    public const string WindowSamples = "mlobs_drift_window_samples";
    public const string Share = "mlobs_drift_share";
    public const string DatasetDrift = "mlobs_drift_dataset_drift";

    public static IEnumerable<(LabelSet Labels, double Value)> Of(DriftEvaluation evaluation)
    {
        if (evaluation.Error is not null) yield break;
        foreach (var g in evaluation.Groups)
        {
            yield return (Labels(WindowSamples, evaluation.Monitor, g.Group, ("window", "baseline")), g.BaselineSamples);
            yield return (Labels(WindowSamples, evaluation.Monitor, g.Group, ("window", "current")), g.CurrentSamples);
            if (g.Skipped is not null) continue;
            foreach (var s in g.Scores)
            {
                var method = ("method", s.Method.Name());
                yield return (Labels(Score, evaluation.Monitor, g.Group, method), s.Score);
                yield return (Labels(Detected, evaluation.Monitor, g.Group, method), s.Drifted ? 1 : 0);
                if (s.Statistic is { } statistic) yield return (Labels(Statistic, evaluation.Monitor, g.Group, method), statistic);
            }
        }
        if (evaluation.Share is { } share)
        {
            yield return (LabelSet.From((LabelSet.MetricName, Share), ("monitor", evaluation.Monitor)), share);
            yield return (LabelSet.From((LabelSet.MetricName, DatasetDrift), ("monitor", evaluation.Monitor)), evaluation.DatasetDrift ? 1 : 0);
        }
    }

    private static LabelSet Labels(string name, string monitor, LabelSet group, (string, string) extra)
    {
        var pairs = new List<(string, string)> { (LabelSet.MetricName, name), ("monitor", monitor), extra };
        foreach (var l in group.AsSpan()) pairs.Add((l.Name, l.Value));
        return LabelSet.From([.. pairs]);
    }
}
