namespace Mlobs.Rules.Routing;

/// <summary>
/// The alertmanager.yml subset the built-in router reads: the route tree, inhibition rules and receivers
/// (config/config.go). Durations default as in Alertmanager.
/// </summary>
public sealed record AlertmanagerConfig(
    RouteConfig Route,
    IReadOnlyList<InhibitRuleConfig> InhibitRules,
    IReadOnlyList<ReceiverConfig> Receivers,
    TimeSpan ResolveTimeout);

public sealed record RouteConfig
{
    public string? Receiver { get; init; }
    /// <summary>Label names to group by; null inherits the parent's; <c>...</c> (all labels) is <see cref="GroupByAll"/>.</summary>
    public IReadOnlyList<string>? GroupBy { get; init; }
    public bool GroupByAll { get; init; }
    public IReadOnlyList<AlertMatcher> Matchers { get; init; } = [];
    public bool Continue { get; init; }
    public TimeSpan? GroupWait { get; init; }
    public TimeSpan? GroupInterval { get; init; }
    public TimeSpan? RepeatInterval { get; init; }
    public IReadOnlyList<RouteConfig> Routes { get; init; } = [];
}

public sealed record InhibitRuleConfig(IReadOnlyList<AlertMatcher> SourceMatchers, IReadOnlyList<AlertMatcher> TargetMatchers, IReadOnlyList<string> Equal);

public sealed record ReceiverConfig(string Name, IReadOnlyList<WebhookConfig> WebhookConfigs);

/// <summary>A webhook receiver (webhook_configs): the URL, whether resolved notifications go out, and a cap on alerts per message.</summary>
public sealed record WebhookConfig(Uri Url, bool SendResolved, int MaxAlerts, string? Authorization, TimeSpan Timeout);
