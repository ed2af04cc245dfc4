namespace Mlobs.Rules.RuleFiles;

/// <summary>
/// promtool's duplicate-rules lint: rules with the same name (record or alert) and the same labels across all
/// groups of a file would write or fire the same series twice.
/// </summary>
public static class DuplicateRules
{
    public sealed record Duplicate(string Metric, IReadOnlyList<KeyValuePair<string, string>> Labels);

    public static IReadOnlyList<Duplicate> Find(RuleFile file)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<Duplicate>();
        foreach (var rule in file.Groups.SelectMany(g => g.Rules))
        {
            var labels = rule.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).ToList();
            string key = rule.Name + "\xff" + string.Join("\xff", labels.Select(l => l.Key + "\xfe" + l.Value));
            int count = seen.GetValueOrDefault(key) + 1;
            seen[key] = count;
            if (count == 2) result.Add(new Duplicate(rule.Name, labels)); // each duplicated rule reported once
        }
        return result;
    }
}
