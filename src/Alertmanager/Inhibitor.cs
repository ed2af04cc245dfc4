using Mlobs.Config.Alertmanager;
using Mlobs.Model.Labels;

namespace Mlobs.Alertmanager;

/// <summary>
/// inhibit_rules (inhibit/inhibit.go): an alert matching a rule's target matchers is muted while a firing alert
/// matches its source matchers and has the same values for the <c>equal</c> labels. An alert matching both
/// sides cannot inhibit itself.
/// </summary>
public sealed class Inhibitor(IReadOnlyList<InhibitRuleConfig> rules)
{
    public bool Mutes(LabelSet labels, IEnumerable<RouterAlert> firing) => InhibitedBy(labels, firing) is not null;

    /// <summary>The fingerprint of an alert inhibiting these labels, or null.</summary>
    public ulong? InhibitedBy(LabelSet labels, IEnumerable<RouterAlert> firing)
    {
        foreach (var rule in rules)
        {
            if (!rule.TargetMatchers.All(m => m.Matches(labels))) continue;
            bool alsoSource = rule.SourceMatchers.All(m => m.Matches(labels));
            foreach (var source in firing)
            {
                if (!rule.SourceMatchers.All(m => m.Matches(source.Labels))) continue;
                if (alsoSource && rule.TargetMatchers.All(m => m.Matches(source.Labels))) continue;
                if (rule.Equal.All(name => (source.Labels.Get(name) ?? "") == (labels.Get(name) ?? ""))) return source.Fingerprint;
            }
        }
        return null;
    }
}
