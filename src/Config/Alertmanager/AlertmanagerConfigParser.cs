using Mlobs.Config.Yaml;
using Mlobs.Model.Labels;
using YamlDotNet.RepresentationModel;

namespace Mlobs.Config.Alertmanager;

/// <summary>
/// Reads alertmanager.yml (a file, or the same mapping inline) strictly, with positions, and validates it as
/// Alertmanager does (root route needs a receiver and no matchers, receivers exist and are unique). Receiver kinds
/// mlobs cannot deliver yet are errors, so a config never silently drops notifications.
/// </summary>
public static class AlertmanagerConfigParser
{
    public static AlertmanagerConfig Load(string path)
    {
        var r = new YamlNodeReader(path);
        var root = r.LoadDocument(File.ReadAllText(path));
        if (root is null || YamlNodeReader.IsNull(root)) throw new ConfigException(path, 1, 1, "no route provided in config");
        return Parse(r, root) with { OriginalYaml = r.Text, Warnings = [.. r.Warnings] };
    }

    /// <summary>The top level while it is read: receivers wait for the global URLs, wherever they stand.</summary>
    private sealed record TopDraft
    {
        public RouteConfig? Route { get; init; }
        public YamlNode? RouteNode { get; init; }
        public IReadOnlyList<InhibitRuleConfig> InhibitRules { get; init; } = [];
        public YamlNode? ReceiversNode { get; init; }
        public GlobalSettings Global { get; init; } = new();
    }

    /// <summary>What <c>global</c> sets that mlobs uses: the resolve timeout and the URLs receivers fall back to.</summary>
    private sealed record GlobalSettings
    {
        public TimeSpan ResolveTimeout { get; init; } = TimeSpan.FromMinutes(5);
        public Uri? SlackApiUrl { get; init; }
        public Uri PagerDutyUrl { get; init; } = new("https://events.pagerduty.com/v2/enqueue");
    }

    /// <summary>A section mlobs's router cannot honour yet: an error unless it is empty.</summary>
    private static T Unsupported<T>(YamlNodeReader r, YamlNode keyNode, YamlNode value, string what, T unchanged)
    {
        if (!YamlNodeReader.IsNull(value) && value is not YamlSequenceNode { Children.Count: 0 })
            throw r.Error(keyNode, $"{what} are not supported by mlobs's router yet");
        return unchanged;
    }

    private static readonly KeyTable<GlobalSettings> GlobalKeys = new("global.")
    {
        { "resolve_timeout", (r, v, g) => g with { ResolveTimeout = r.Duration(v, "resolve_timeout") } },
        { "slack_api_url", (r, v, g) => g with { SlackApiUrl = ReadUrl(r, v, "slack_api_url") } },
        { "pagerduty_url", (r, v, g) => g with { PagerDutyUrl = ReadUrl(r, v, "pagerduty_url") } },
        {
            "http_config", "smtp_from", "smtp_smarthost", "smtp_hello", "smtp_auth_username", "smtp_auth_password", "smtp_auth_identity",
            "smtp_auth_secret", "smtp_require_tls", "slack_api_url_file", "opsgenie_api_url", "opsgenie_api_key", "wechat_api_url",
            "victorops_api_url", "telegram_api_url", "webex_api_url"
        },
    };

    private static readonly KeyTable<TopDraft> TopKeys = new()
    {
        { "global", (r, v, t) => t with { Global = GlobalKeys.Read(r, v, "global", t.Global) } },
        { "route", (r, v, t) => t with { Route = ReadRoute(r, v, isRoot: true), RouteNode = v } },
        { "inhibit_rules", (r, v, t) => t with { InhibitRules = r.Sequence(v, "inhibit_rules").Children.Select(n => ReadInhibitRule(r, n)).ToList() } },
        { "receivers", (r, v, t) => t with { ReceiversNode = v } },
        {
            "templates", (r, k, v, t) =>
            {
                if (r.StringList(v, "templates").Count > 0) throw r.Error(k, "templates are not supported by mlobs's router yet");
                return t;
            }
        },
        { "time_intervals", (r, k, v, t) => Unsupported(r, k, v, "time_intervals", t) },
        { "mute_time_intervals", (r, k, v, t) => Unsupported(r, k, v, "mute_time_intervals", t) },
    };

    public static AlertmanagerConfig Parse(YamlNodeReader r, YamlNode root)
    {
        var top = TopKeys.Read(r, root, "alertmanager config", new TopDraft());
        var receivers = new List<ReceiverConfig>();
        var receiverNodes = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        if (top.ReceiversNode is not null)
            foreach (var n in r.Sequence(top.ReceiversNode, "receivers").Children)
            {
                var rc = ReadReceiver(r, n, top.Global);
                if (!receiverNodes.TryAdd(rc.Name, n)) throw r.Error(n, $"notification config name \"{rc.Name}\" is not unique");
                receivers.Add(rc);
            }
        if (top.Route is not { } route) throw r.Error(root, "no route provided in config");
        if (route.Receiver is null) throw r.Error(top.RouteNode!, "root route must specify a default receiver");
        if (route.Matchers.Count > 0) throw r.Error(top.RouteNode!, "root route must not have any matchers");
        CheckReceivers(r, top.RouteNode!, route, receiverNodes);
        return new AlertmanagerConfig(route, top.InhibitRules, receivers, top.Global.ResolveTimeout) { OriginalYaml = r.SourceOf(root) };
    }

    private static void CheckReceivers(YamlNodeReader r, YamlNode at, RouteConfig route, Dictionary<string, YamlNode> receivers)
    {
        if (route.Receiver is { } name && !receivers.ContainsKey(name)) throw r.Error(at, $"undefined receiver \"{name}\" used in route");
        foreach (var child in route.Routes) CheckReceivers(r, at, child, receivers);
    }

    /// <summary>A route while it is read: whether it is the root decides whether <c>continue</c> is allowed.</summary>
    private sealed record RouteDraft(RouteConfig Route, bool IsRoot);

    private static RouteDraft WithMatchers(RouteDraft d, IEnumerable<LabelMatcher> more) =>
        d with { Route = d.Route with { Matchers = [.. d.Route.Matchers, .. more] } };

    private static TimeSpan NonZero(YamlNodeReader r, YamlNode v, string key)
    {
        var d = r.Duration(v, key);
        if (d <= TimeSpan.Zero) throw r.Error(v, $"{key} cannot be zero");
        return d;
    }

    private static readonly KeyTable<RouteDraft> RouteKeys = new()
    {
        { "receiver", (r, v, d) => d with { Route = d.Route with { Receiver = r.String(v, "receiver") } } },
        {
            "group_by", (r, v, d) =>
            {
                var names = r.StringList(v, "group_by");
                if (names.Contains("...") && names.Count > 1) throw r.Error(v, "cannot have wildcard group_by (`...`) and other other labels at the same time");
                foreach (var n in names)
                    if (n != "..." && !LegacyNames.IsLabelName(n)) throw r.Error(v, $"invalid label name \"{n}\" in group_by list");
                return d with { Route = names.Contains("...") ? d.Route with { GroupByAll = true, GroupBy = [] } : d.Route with { GroupBy = names } };
            }
        },
        {
            "matchers", (r, v, d) =>
            {
                var parsed = new List<LabelMatcher>();
                foreach (var m in r.StringList(v, "matchers"))
                {
                    try { parsed.AddRange(AlertmanagerMatchers.Parse(m)); }
                    catch (FormatException e) { throw r.Error(v, e.Message); }
                }
                return WithMatchers(d, parsed);
            }
        },
        { "match", (r, v, d) => WithMatchers(d, r.StringMap(v, "match").Select(kv => new LabelMatcher(LabelMatchType.Equal, kv.Key, kv.Value)).ToList()) },
        {
            "match_re", (r, v, d) => WithMatchers(d, r.StringMap(v, "match_re").Select(kv =>
            {
                try { return new LabelMatcher(LabelMatchType.Regex, kv.Key, kv.Value); }
                catch (ArgumentException e) { throw r.Error(v, $"invalid regular expression \"{kv.Value}\": {e.Message}"); }
            }).ToList())
        },
        {
            "continue", (r, k, v, d) =>
            {
                if (d.IsRoot) throw r.Error(k, "cannot have continue in root route");
                return d with { Route = d.Route with { Continue = r.Bool(v, "continue") } };
            }
        },
        { "group_wait", (r, v, d) => d with { Route = d.Route with { GroupWait = r.Duration(v, "group_wait") } } },
        { "group_interval", (r, v, d) => d with { Route = d.Route with { GroupInterval = NonZero(r, v, "group_interval") } } },
        { "repeat_interval", (r, v, d) => d with { Route = d.Route with { RepeatInterval = NonZero(r, v, "repeat_interval") } } },
        { "routes", (r, v, d) => d with { Route = d.Route with { Routes = r.Sequence(v, "routes").Children.Select(c => ReadRoute(r, c, isRoot: false)).ToList() } } },
        { "mute_time_intervals", (r, k, v, d) => NoneListed(r, k, v, "mute_time_intervals", d) },
        { "active_time_intervals", (r, k, v, d) => NoneListed(r, k, v, "active_time_intervals", d) },
    };

    private static T NoneListed<T>(YamlNodeReader r, YamlNode keyNode, YamlNode value, string key, T unchanged)
    {
        if (r.StringList(value, key).Count > 0) throw r.Error(keyNode, $"{key} are not supported by mlobs's router yet");
        return unchanged;
    }

    private static RouteConfig ReadRoute(YamlNodeReader r, YamlNode node, bool isRoot) =>
        RouteKeys.Read(r, node, "route", new RouteDraft(new RouteConfig(), isRoot)).Route;

    private static List<LabelMatcher> MatcherList(YamlNodeReader r, YamlNode v, string key)
    {
        try { return r.StringList(v, key).SelectMany(AlertmanagerMatchers.Parse).ToList(); }
        catch (FormatException e) { throw r.Error(v, e.Message); }
    }

    private static List<LabelMatcher> MatchMap(YamlNodeReader r, YamlNode v, string key, LabelMatchType type)
    {
        try { return r.StringMap(v, key).Select(kv => new LabelMatcher(type, kv.Key, kv.Value)).ToList(); }
        catch (ArgumentException e) { throw r.Error(v, e.Message); }
    }

    private static readonly KeyTable<InhibitRuleConfig> InhibitKeys = new()
    {
        { "source_matchers", (r, v, i) => i with { SourceMatchers = [.. i.SourceMatchers, .. MatcherList(r, v, "source_matchers")] } },
        { "target_matchers", (r, v, i) => i with { TargetMatchers = [.. i.TargetMatchers, .. MatcherList(r, v, "target_matchers")] } },
        { "source_match", (r, v, i) => i with { SourceMatchers = [.. i.SourceMatchers, .. MatchMap(r, v, "source_match", LabelMatchType.Equal)] } },
        { "source_match_re", (r, v, i) => i with { SourceMatchers = [.. i.SourceMatchers, .. MatchMap(r, v, "source_match_re", LabelMatchType.Regex)] } },
        { "target_match", (r, v, i) => i with { TargetMatchers = [.. i.TargetMatchers, .. MatchMap(r, v, "target_match", LabelMatchType.Equal)] } },
        { "target_match_re", (r, v, i) => i with { TargetMatchers = [.. i.TargetMatchers, .. MatchMap(r, v, "target_match_re", LabelMatchType.Regex)] } },
        { "equal", (r, v, i) => i with { Equal = r.StringList(v, "equal") } },
    };

    private static InhibitRuleConfig ReadInhibitRule(YamlNodeReader r, YamlNode node) =>
        InhibitKeys.Read(r, node, "inhibit rule", new InhibitRuleConfig([], [], []));

    private static Uri ReadUrl(YamlNodeReader r, YamlNode value, string key)
    {
        var text = r.String(value, key);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw r.Error(value, $"unsupported scheme \"{(url?.Scheme ?? text)}\" for URL");
        return url;
    }

    private static Uri ReadUrlFile(YamlNodeReader r, YamlNode value, string key)
    {
        var file = r.String(value, key);
        try { return new Uri(File.ReadAllText(file).Trim()); }
        catch (Exception e) when (e is IOException or UriFormatException) { throw r.Error(value, $"unable to read URL from file {file}: {e.Message}"); }
    }

    /// <summary>A receiver while it is read: its integrations, with the global URLs they fall back to.</summary>
    private sealed record ReceiverDraft(ReceiverConfig Receiver, GlobalSettings Global);

    private static readonly KeyTable<ReceiverDraft> ReceiverKeys = new()
    {
        { "name", (r, v, d) => d with { Receiver = d.Receiver with { Name = r.String(v, "name") } } },
        { "webhook_configs", (r, v, d) => d with { Receiver = d.Receiver with { WebhookConfigs = r.Sequence(v, "webhook_configs").Children.Select(n => ReadWebhook(r, n)).ToList() } } },
        { "slack_configs", (r, v, d) => d with { Receiver = d.Receiver with { SlackConfigs = r.Sequence(v, "slack_configs").Children.Select(n => ReadSlack(r, n, d.Global)).ToList() } } },
        { "pagerduty_configs", (r, v, d) => d with { Receiver = d.Receiver with { PagerDutyConfigs = r.Sequence(v, "pagerduty_configs").Children.Select(n => ReadPagerDuty(r, n, d.Global)).ToList() } } },
        { "discord_configs", (r, v, d) => d with { Receiver = d.Receiver with { DiscordConfigs = r.Sequence(v, "discord_configs").Children.Select(n => ReadDiscord(r, n)).ToList() } } },
        { "email_configs", (r, k, v, d) => NoIntegrations(r, k, v, "email_configs", d) },
        { "opsgenie_configs", (r, k, v, d) => NoIntegrations(r, k, v, "opsgenie_configs", d) },
        { "wechat_configs", (r, k, v, d) => NoIntegrations(r, k, v, "wechat_configs", d) },
        { "pushover_configs", (r, k, v, d) => NoIntegrations(r, k, v, "pushover_configs", d) },
        { "victorops_configs", (r, k, v, d) => NoIntegrations(r, k, v, "victorops_configs", d) },
        { "sns_configs", (r, k, v, d) => NoIntegrations(r, k, v, "sns_configs", d) },
        { "telegram_configs", (r, k, v, d) => NoIntegrations(r, k, v, "telegram_configs", d) },
        { "webex_configs", (r, k, v, d) => NoIntegrations(r, k, v, "webex_configs", d) },
        { "msteams_configs", (r, k, v, d) => NoIntegrations(r, k, v, "msteams_configs", d) },
        { "msteamsv2_configs", (r, k, v, d) => NoIntegrations(r, k, v, "msteamsv2_configs", d) },
        { "jira_configs", (r, k, v, d) => NoIntegrations(r, k, v, "jira_configs", d) },
        { "rocketchat_configs", (r, k, v, d) => NoIntegrations(r, k, v, "rocketchat_configs", d) },
    };

    /// <summary>A receiver kind mlobs cannot deliver: an error when any is configured, so no notification is silently dropped.</summary>
    private static T NoIntegrations<T>(YamlNodeReader r, YamlNode keyNode, YamlNode value, string key, T unchanged)
    {
        if (value is YamlSequenceNode { Children.Count: > 0 }) throw r.Error(keyNode, $"{key} are not supported by mlobs's router yet");
        return unchanged;
    }

    private static ReceiverConfig ReadReceiver(YamlNodeReader r, YamlNode node, GlobalSettings global)
    {
        var receiver = ReceiverKeys.Read(r, node, "receiver", new ReceiverDraft(new ReceiverConfig("", []), global)).Receiver;
        if (receiver.Name.Length == 0) throw r.Error(node, "missing name in receiver");
        return receiver;
    }

    /// <summary>Stands for "no URL yet" while a Slack config is read; still there at the end, it is an error.</summary>
    private static readonly Uri NoUrl = new("http://no-url.invalid/");

    private static readonly KeyTable<SlackConfig> SlackKeys = new()
    {
        { "api_url", (r, v, c) => c with { ApiUrl = ReadUrl(r, v, "api_url") } },
        { "api_url_file", (r, v, c) => c with { ApiUrl = ReadUrlFile(r, v, "api_url_file") } },
        { "send_resolved", (r, v, c) => c with { SendResolved = r.Bool(v, "send_resolved") } },
        { "http_config", (r, v, c) => c with { Authorization = ReadHttpAuthorization(r, v) } },
        { "timeout", (r, v, c) => c with { Timeout = r.Duration(v, "timeout") } },
        { "link_names", (r, v, c) => c with { LinkNames = r.Bool(v, "link_names") } },
        { "mrkdwn_in", (r, v, c) => c with { MrkdwnIn = r.StringList(v, "mrkdwn_in") } },
        { "channel", (r, v, c) => c with { Channel = r.String(v, "channel") } },
        { "username", (r, v, c) => c with { Username = r.String(v, "username") } },
        { "color", (r, v, c) => c with { Color = r.String(v, "color") } },
        { "title", (r, v, c) => c with { Title = r.String(v, "title") } },
        { "title_link", (r, v, c) => c with { TitleLink = r.String(v, "title_link") } },
        { "pretext", (r, v, c) => c with { Pretext = r.String(v, "pretext") } },
        { "text", (r, v, c) => c with { Text = r.String(v, "text") } },
        { "fallback", (r, v, c) => c with { Fallback = r.String(v, "fallback") } },
        { "callback_id", (r, v, c) => c with { CallbackId = r.String(v, "callback_id") } },
        { "footer", (r, v, c) => c with { Footer = r.String(v, "footer") } },
        { "icon_emoji", (r, v, c) => c with { IconEmoji = r.String(v, "icon_emoji") } },
        { "icon_url", (r, v, c) => c with { IconUrl = r.String(v, "icon_url") } },
        { "image_url", (r, v, c) => c with { ImageUrl = r.String(v, "image_url") } },
        { "thumb_url", (r, v, c) => c with { ThumbUrl = r.String(v, "thumb_url") } },
        {
            "short_fields", (r, k, v, c) =>
            {
                if (!YamlNodeReader.IsNull(v) && r.Bool(v, "short_fields")) throw r.Error(k, "slack short_fields are not supported by mlobs's router yet");
                return c;
            }
        },
        { "fields", (r, k, v, c) => Unsupported(r, k, v, "slack fields", c) },
        { "actions", (r, k, v, c) => Unsupported(r, k, v, "slack actions", c) },
    };

    private static SlackConfig ReadSlack(YamlNodeReader r, YamlNode node, GlobalSettings global)
    {
        var c = SlackKeys.Read(r, node, "slack config", new SlackConfig(global.SlackApiUrl ?? NoUrl, false, null, TimeSpan.FromSeconds(10)));
        if (ReferenceEquals(c.ApiUrl, NoUrl)) throw r.Error(node, "no global Slack API URL set either inline or in a file");
        return c;
    }

    private static readonly KeyTable<PagerDutyConfig> PagerDutyKeys = new()
    {
        { "routing_key", (r, v, c) => c with { RoutingKey = r.String(v, "routing_key") } },
        {
            "routing_key_file", (r, v, c) =>
            {
                var file = r.String(v, "routing_key_file");
                try { return c with { RoutingKey = File.ReadAllText(file).Trim() }; }
                catch (IOException e) { throw r.Error(v, $"unable to read routing key from file {file}: {e.Message}"); }
            }
        },
        { "service_key", (r, k, v, c) => throw r.Error(k, ServiceKeyUnsupported) },
        { "service_key_file", (r, k, v, c) => throw r.Error(k, ServiceKeyUnsupported) },
        { "url", (r, v, c) => c with { Url = ReadUrl(r, v, "url") } },
        { "send_resolved", (r, v, c) => c with { SendResolved = r.Bool(v, "send_resolved") } },
        { "timeout", (r, v, c) => c with { Timeout = r.Duration(v, "timeout") } },
        { "http_config", (r, v, c) => { ReadHttpAuthorization(r, v); return c; } },
        {
            "details", (r, v, c) =>
            {
                var details = r.StringMap(v, "details").ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
                // Alertmanager adds its default details under the names the user did not set.
                foreach (var (k, d) in c.Details) details.TryAdd(k, d);
                return c with { Details = details };
            }
        },
        { "client", (r, v, c) => c with { Client = r.String(v, "client") } },
        { "client_url", (r, v, c) => c with { ClientUrl = r.String(v, "client_url") } },
        { "description", (r, v, c) => c with { Description = r.String(v, "description") } },
        { "severity", (r, v, c) => c with { Severity = r.String(v, "severity") } },
        { "class", (r, v, c) => c with { Class = r.String(v, "class") } },
        { "component", (r, v, c) => c with { Component = r.String(v, "component") } },
        { "group", (r, v, c) => c with { Group = r.String(v, "group") } },
        { "source", (r, v, c) => c with { Source = r.String(v, "source") } },
        { "images", (r, k, v, c) => NoIntegrations(r, k, v, "pagerduty images", c) },
        { "links", (r, k, v, c) => NoIntegrations(r, k, v, "pagerduty links", c) },
    };

    private const string ServiceKeyUnsupported = "PagerDuty's Events API v1 (service_key) is not supported by mlobs's router; use routing_key (Events API v2)";

    private static PagerDutyConfig ReadPagerDuty(YamlNodeReader r, YamlNode node, GlobalSettings global)
    {
        var c = PagerDutyKeys.Read(r, node, "pagerduty config", new PagerDutyConfig("", global.PagerDutyUrl, true, TimeSpan.FromSeconds(10)));
        if (string.IsNullOrEmpty(c.RoutingKey)) throw r.Error(node, "missing service or routing key in PagerDuty config");
        return c;
    }

    private static readonly KeyTable<DiscordConfig> DiscordKeys = new()
    {
        { "webhook_url", (r, v, c) => c with { WebhookUrl = ReadUrl(r, v, "webhook_url") } },
        { "webhook_url_file", (r, v, c) => c with { WebhookUrl = ReadUrlFile(r, v, "webhook_url_file") } },
        { "send_resolved", (r, v, c) => c with { SendResolved = r.Bool(v, "send_resolved") } },
        { "timeout", (r, v, c) => c with { Timeout = r.Duration(v, "timeout") } },
        { "http_config", (r, v, c) => { ReadHttpAuthorization(r, v); return c; } },
        { "title", (r, v, c) => c with { Title = r.String(v, "title") } },
        { "message", (r, v, c) => c with { Message = r.String(v, "message") } },
    };

    private static DiscordConfig ReadDiscord(YamlNodeReader r, YamlNode node)
    {
        var c = DiscordKeys.Read(r, node, "discord config", new DiscordConfig(NoUrl, true, TimeSpan.FromSeconds(10)));
        if (ReferenceEquals(c.WebhookUrl, NoUrl)) throw r.Error(node, "one of webhook_url or webhook_url_file must be configured");
        return c;
    }

    private static readonly KeyTable<WebhookConfig> WebhookKeys = new()
    {
        { "url", (r, v, c) => c with { Url = ReadUrl(r, v, "url") } },
        { "url_file", (r, v, c) => c with { Url = ReadUrlFile(r, v, "url_file") } },
        { "send_resolved", (r, v, c) => c with { SendResolved = r.Bool(v, "send_resolved") } },
        { "max_alerts", (r, v, c) => c with { MaxAlerts = (int)r.Long(v, "max_alerts", 0) } },
        { "timeout", (r, v, c) => c with { Timeout = r.Duration(v, "timeout") } },
        { "http_config", (r, v, c) => c with { Authorization = ReadHttpAuthorization(r, v) } },
    };

    private static WebhookConfig ReadWebhook(YamlNodeReader r, YamlNode node)
    {
        var c = WebhookKeys.Read(r, node, "webhook config", new WebhookConfig(NoUrl, true, 0, null, TimeSpan.FromSeconds(10)));
        if (ReferenceEquals(c.Url, NoUrl)) throw r.Error(node, "one of url or url_file must be configured");
        return c;
    }

    private static readonly KeyTable<(string Type, string Credentials)> AuthorizationKeys = new()
    {
        { "type", (r, v, a) => a with { Type = r.String(v, "type") } },
        { "credentials", (r, v, a) => a with { Credentials = r.String(v, "credentials") } },
    };

    private static readonly KeyTable<(string User, string Password)> BasicAuthKeys = new()
    {
        { "username", (r, v, a) => a with { User = r.String(v, "username") } },
        { "password", (r, v, a) => a with { Password = r.String(v, "password") } },
    };

    private static readonly KeyTable<string?> HttpConfigKeys = new("http_config.")
    {
        { "bearer_token", (r, v, _) => "Bearer " + r.String(v, "bearer_token") },
        { "authorization", (r, v, _) => AuthorizationKeys.Read(r, v, "authorization", ("Bearer", "")) is var (type, cred) ? type + " " + cred : null },
        {
            "basic_auth", (r, v, _) => BasicAuthKeys.Read(r, v, "basic_auth", ("", "")) is var (user, pass)
                ? "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(user + ":" + pass))
                : null
        },
        { "tls_config", "follow_redirects", "enable_http2", "proxy_url" },
    };

    /// <summary>The Authorization header of an http_config (authorization, bearer_token or basic_auth).</summary>
    private static string? ReadHttpAuthorization(YamlNodeReader r, YamlNode node) => HttpConfigKeys.Read(r, node, "http_config", null);
}
