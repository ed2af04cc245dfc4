namespace Mlobs.Rules.RuleFiles;

/// <summary>
/// A rule group as written (rulefmt.RuleGroup): evaluated together, in order, every <see cref="Interval"/>
/// (null: the global evaluation_interval). <see cref="Limit"/> 0 means no limit on series per rule.
/// <see cref="Language"/> is mlobs's own group field <c>query_language</c>: <c>logql</c> makes every expression of
/// the group a LogQL metric query over the log store, as in Loki's ruler.
/// </summary>
public sealed record RuleGroupSpec(
    string Name,
    string File,
    TimeSpan? Interval,
    TimeSpan? QueryOffset,
    int Limit,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<RuleSpec> Rules,
    RuleQueryLanguage Language = RuleQueryLanguage.PromQl);

/// <summary>What a rule group's expressions are written in.</summary>
public enum RuleQueryLanguage { PromQl, LogQl }
