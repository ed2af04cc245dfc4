using Mlobs.Model.Labels;

namespace Mlobs.Alertmanager;

/// <summary>
/// An alert as a client posts it to Alertmanager (the v2 API's PostableAlert): what the rule engine's notifier
/// hands the built-in router in process.
/// </summary>
public sealed record PostableAlert(
    LabelSet Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string GeneratorUrl);
