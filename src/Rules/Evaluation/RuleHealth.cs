namespace Mlobs.Rules.Evaluation;

/// <summary>Outcome of a rule's last evaluation, as <c>/api/v1/rules</c> reports it.</summary>
public enum RuleHealth { Unknown, Ok, Err }

/// <summary>What every rule reports about its last evaluation.</summary>
public sealed class RuleStatus
{
    public RuleHealth Health { get; set; } = RuleHealth.Unknown;
    public string? LastError { get; set; }
    public DateTimeOffset LastEvaluation { get; set; }
    public TimeSpan EvaluationTime { get; set; }
}
