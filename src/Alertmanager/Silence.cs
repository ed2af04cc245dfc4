using Mlobs.Model.Labels;

namespace Mlobs.Alertmanager;

public enum SilenceState { Pending, Active, Expired }

/// <summary>
/// A silence (silence/silencepb.Silence): alerts whose labels match every matcher are muted from
/// <see cref="StartsAt"/> until <see cref="EndsAt"/>.
/// </summary>
public sealed record Silence(
    string Id,
    IReadOnlyList<LabelMatcher> Matchers,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string CreatedBy,
    string Comment,
    DateTimeOffset UpdatedAt)
{
    public SilenceState State(DateTimeOffset now) =>
        EndsAt <= now ? SilenceState.Expired : StartsAt > now ? SilenceState.Pending : SilenceState.Active;

    public bool Mutes(LabelSet labels, DateTimeOffset now) => State(now) == SilenceState.Active && Matchers.All(m => m.Matches(labels));

    public static string StateText(SilenceState s) => s switch
    {
        SilenceState.Pending => "pending",
        SilenceState.Active => "active",
        _ => "expired",
    };
}
