using Mlobs.Model.Labels;

namespace Mlobs.Rules.Notifier;

/// <summary>
/// An alert as sent to Alertmanager (notifier.Alert, Alertmanager's v2 PostableAlert): labels, annotations, the
/// time it started firing, when it ends (its resolve time, or how long it stays valid without a resend) and a
/// link back to the expression.
/// </summary>
public sealed record NotifierAlert(
    LabelSet Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string GeneratorUrl)
{
    /// <summary>Resolved alerts carry their resolve time; Alertmanager treats them as resolved once it has passed.</summary>
    public bool IsResolved(DateTimeOffset now) => EndsAt <= now;
}
