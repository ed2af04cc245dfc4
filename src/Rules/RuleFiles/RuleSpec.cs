namespace Mlobs.Rules.RuleFiles;

/// <summary>
/// One rule as written in a rule file (Prometheus's rulefmt.Rule): a recording rule has <see cref="Record"/>,
/// an alerting rule <see cref="Alert"/>. Line and column are those of the record/alert name, for messages.
/// </summary>
public sealed record RuleSpec(
    string? Record,
    string? Alert,
    string Expr,
    TimeSpan For,
    TimeSpan KeepFiringFor,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    long Line,
    long Column)
{
    public string Name => Alert ?? Record ?? ""; // as rulefmt names a rule in messages: the alert name first
    public bool IsAlerting => Alert is not null;
}
