namespace Mlobs.Rules.RuleFiles;

/// <summary>
/// A rule group as written (rulefmt.RuleGroup): evaluated together, in order, every <see cref="Interval"/>
/// (null: the global evaluation_interval). <see cref="Limit"/> 0 means no limit on series per rule.
/// </summary>
public sealed record RuleGroupSpec(
    string Name,
    string File,
    TimeSpan? Interval,
    TimeSpan? QueryOffset,
    int Limit,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<RuleSpec> Rules);
