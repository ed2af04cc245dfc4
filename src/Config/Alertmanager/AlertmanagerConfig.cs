using Mlobs.Model.Labels;

namespace Mlobs.Config.Alertmanager;

/// <summary>
/// The alertmanager.yml subset the built-in router reads: the route tree, inhibition rules and receivers
/// (config/config.go). Durations default as in Alertmanager.
/// </summary>
public sealed record AlertmanagerConfig(
    RouteConfig Route,
    IReadOnlyList<InhibitRuleConfig> InhibitRules,
    IReadOnlyList<ReceiverConfig> Receivers,
    TimeSpan ResolveTimeout)
{
    /// <summary>The configuration as written (the file, or the inline section de-indented): Alertmanager's <c>config.original</c>.</summary>
    public string OriginalYaml { get; init; } = "";

    /// <summary>Keys of a separate file accepted but not acted on (an inline config reports them with the file around it).</summary>
    public IReadOnlyList<Yaml.ConfigWarning> Warnings { get; init; } = [];
}

public sealed record RouteConfig
{
    public string? Receiver { get; init; }
    /// <summary>Label names to group by; null inherits the parent's; <c>...</c> (all labels) is <see cref="GroupByAll"/>.</summary>
    public IReadOnlyList<string>? GroupBy { get; init; }
    public bool GroupByAll { get; init; }
    public IReadOnlyList<LabelMatcher> Matchers { get; init; } = [];
    public bool Continue { get; init; }
    public TimeSpan? GroupWait { get; init; }
    public TimeSpan? GroupInterval { get; init; }
    public TimeSpan? RepeatInterval { get; init; }
    public IReadOnlyList<RouteConfig> Routes { get; init; } = [];
}

public sealed record InhibitRuleConfig(IReadOnlyList<LabelMatcher> SourceMatchers, IReadOnlyList<LabelMatcher> TargetMatchers, IReadOnlyList<string> Equal);

public sealed record ReceiverConfig(string Name, IReadOnlyList<WebhookConfig> WebhookConfigs)
{
    public IReadOnlyList<SlackConfig> SlackConfigs { get; init; } = [];
    public IReadOnlyList<PagerDutyConfig> PagerDutyConfigs { get; init; } = [];
    public IReadOnlyList<DiscordConfig> DiscordConfigs { get; init; } = [];
}

/// <summary>A webhook receiver (webhook_configs): the URL, whether resolved notifications go out, and a cap on alerts per message.</summary>
public sealed record WebhookConfig(Uri Url, bool SendResolved, int MaxAlerts, string? Authorization, TimeSpan Timeout);

/// <summary>slack_configs: an incoming-webhook URL and the message fields, each a template (Alertmanager's defaults).</summary>
public sealed record SlackConfig(Uri ApiUrl, bool SendResolved, string? Authorization, TimeSpan Timeout)
{
    public string Channel { get; init; } = "";
    public string Username { get; init; } = """{{ template "slack.default.username" . }}""";
    public string Color { get; init; } = """{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}""";
    public string Title { get; init; } = """{{ template "slack.default.title" . }}""";
    public string TitleLink { get; init; } = """{{ template "slack.default.titlelink" . }}""";
    public string Pretext { get; init; } = """{{ template "slack.default.pretext" . }}""";
    public string Text { get; init; } = """{{ template "slack.default.text" . }}""";
    public string Fallback { get; init; } = """{{ template "slack.default.fallback" . }}""";
    public string CallbackId { get; init; } = """{{ template "slack.default.callbackid" . }}""";
    public string Footer { get; init; } = """{{ template "slack.default.footer" . }}""";
    public string IconEmoji { get; init; } = """{{ template "slack.default.iconemoji" . }}""";
    public string IconUrl { get; init; } = """{{ template "slack.default.iconurl" . }}""";
    public string ImageUrl { get; init; } = "";
    public string ThumbUrl { get; init; } = "";
    public bool LinkNames { get; init; }
    public IReadOnlyList<string> MrkdwnIn { get; init; } = [];
}

/// <summary>pagerduty_configs (Events API v2): routing key, URL and the event fields, each a template.</summary>
public sealed record PagerDutyConfig(string RoutingKey, Uri Url, bool SendResolved, TimeSpan Timeout)
{
    public string Client { get; init; } = """{{ template "pagerduty.default.client" . }}""";
    public string ClientUrl { get; init; } = """{{ template "pagerduty.default.clientURL" . }}""";
    public string Description { get; init; } = """{{ template "pagerduty.default.description" .}}""";
    public string? Source { get; init; }
    public string Severity { get; init; } = "error";
    public string Class { get; init; } = "";
    public string Component { get; init; } = "";
    public string Group { get; init; } = "";
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>
    {
        ["firing"] = """{{ template "pagerduty.default.instances" .Alerts.Firing }}""",
        ["resolved"] = """{{ template "pagerduty.default.instances" .Alerts.Resolved }}""",
        ["num_firing"] = "{{ .Alerts.Firing | len }}",
        ["num_resolved"] = "{{ .Alerts.Resolved | len }}",
    };
}

/// <summary>discord_configs: a Discord webhook URL, title and message templates.</summary>
public sealed record DiscordConfig(Uri WebhookUrl, bool SendResolved, TimeSpan Timeout)
{
    public string Title { get; init; } = """{{ template "discord.default.title" . }}""";
    public string Message { get; init; } = """{{ template "discord.default.message" . }}""";
}
