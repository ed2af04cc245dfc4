using Mlobs.Model.Labels;

namespace Mlobs.Rules.Evaluation;

/// <summary>State of one alert instance, as Prometheus names them in ALERTS{alertstate} and the API.</summary>
public enum AlertState { Inactive, Pending, Firing }

/// <summary>
/// One alert instance of an alerting rule: a label set the rule's expression returned, with its annotations and
/// the times that drive the state machine (rules/alerting.go Alert). Guarded by the owning rule.
/// </summary>
public sealed class Alert(LabelSet labels, IReadOnlyDictionary<string, string> annotations, long activeAtMs, double value)
{
    public LabelSet Labels { get; } = labels;
    public IReadOnlyDictionary<string, string> Annotations { get; set; } = annotations;
    public AlertState State { get; set; } = AlertState.Pending;
    public double Value { get; set; } = value;
    public long ActiveAtMs { get; set; } = activeAtMs;
    public long FiredAtMs { get; set; }
    public long ResolvedAtMs { get; set; }
    public long KeepFiringSinceMs { get; set; }
    /// <summary>When it was last sent to Alertmanager; "never" sorts before any evaluation time (Go's zero time).</summary>
    public long LastSentAtMs { get; set; } = long.MinValue / 4;
    public long ValidUntilMs { get; set; }

    public static string StateText(AlertState s) => s switch
    {
        AlertState.Pending => "pending",
        AlertState.Firing => "firing",
        _ => "inactive",
    };
}
