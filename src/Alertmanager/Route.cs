using Mlobs.Config.Alertmanager;
using Mlobs.Model.Labels;

namespace Mlobs.Alertmanager;

/// <summary>
/// A node of the routing tree (dispatch/route.go) with its options resolved: a child inherits receiver, group_by
/// and the timings it does not set. An alert goes to the deepest matching routes: children are tried in order,
/// the first match ends the search unless it has <c>continue</c>; with no matching child the node itself takes it.
/// </summary>
public sealed class Route
{
    public static readonly TimeSpan DefaultGroupWait = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultGroupInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultRepeatInterval = TimeSpan.FromHours(4);

    private Route(Route? parent, RouteConfig config)
    {
        Parent = parent;
        Matchers = config.Matchers;
        Continue = config.Continue;
        Receiver = config.Receiver ?? parent?.Receiver ?? "";
        GroupByAll = config.GroupBy is null ? parent?.GroupByAll ?? false : config.GroupByAll;
        GroupBy = config.GroupBy is null ? parent?.GroupBy ?? new HashSet<string>() : config.GroupBy.ToHashSet(StringComparer.Ordinal);
        GroupWait = config.GroupWait ?? parent?.GroupWait ?? DefaultGroupWait;
        GroupInterval = config.GroupInterval ?? parent?.GroupInterval ?? DefaultGroupInterval;
        RepeatInterval = config.RepeatInterval ?? parent?.RepeatInterval ?? DefaultRepeatInterval;
        Children = config.Routes.Select(c => new Route(this, c)).ToList();
    }

    public static Route Build(RouteConfig root) => new(null, root);

    public Route? Parent { get; }
    public IReadOnlyList<LabelMatcher> Matchers { get; }
    public bool Continue { get; }
    public string Receiver { get; }
    public IReadOnlySet<string> GroupBy { get; }
    public bool GroupByAll { get; }
    public TimeSpan GroupWait { get; }
    public TimeSpan GroupInterval { get; }
    public TimeSpan RepeatInterval { get; }
    public IReadOnlyList<Route> Children { get; }

    /// <summary>Alertmanager's route key, the first part of group keys: <c>{}</c>, <c>{}/{severity="page"}</c>.</summary>
    public string Key => (Parent is null ? "" : Parent.Key + "/") + AlertmanagerMatchers.Format(Matchers);

    public List<Route> Match(LabelSet labels)
    {
        if (!Matchers.All(m => m.Matches(labels))) return [];
        var all = new List<Route>();
        foreach (var child in Children)
        {
            var matches = child.Match(labels);
            all.AddRange(matches);
            if (matches.Count > 0 && !child.Continue) break;
        }
        if (all.Count == 0) all.Add(this);
        return all;
    }

    /// <summary>The labels an alert is grouped by on this route.</summary>
    public LabelSet GroupLabels(LabelSet alertLabels)
    {
        if (GroupByAll) return alertLabels;
        var b = new LabelSetBuilder();
        foreach (var l in alertLabels.AsSpan()) if (GroupBy.Contains(l.Name)) b.Set(l.Name, l.Value);
        return b.Build();
    }
}
