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
        return Parse(r, root) with { OriginalYaml = r.Text };
    }

    public static AlertmanagerConfig Parse(YamlNodeReader r, YamlNode root)
    {
        RouteConfig? route = null;
        YamlNode? routeNode = null;
        var inhibit = new List<InhibitRuleConfig>();
        var receivers = new List<ReceiverConfig>();
        var receiverNodes = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        YamlNode? receiversNode = null;
        var resolveTimeout = TimeSpan.FromMinutes(5);
        var globals = new GlobalUrls();
        foreach (var (key, keyNode, value) in r.Entries(r.Mapping(root, "alertmanager config"), "alertmanager config",
                     "global", "route", "inhibit_rules", "receivers", "templates", "time_intervals", "mute_time_intervals"))
        {
            switch (key)
            {
                case "global":
                    foreach (var (k, _, v) in r.Entries(r.Mapping(value, "global"), "global", "resolve_timeout", "http_config",
                                 "smtp_from", "smtp_smarthost", "smtp_hello", "smtp_auth_username", "smtp_auth_password",
                                 "smtp_auth_identity", "smtp_auth_secret", "smtp_require_tls", "slack_api_url", "slack_api_url_file",
                                 "pagerduty_url", "opsgenie_api_url", "opsgenie_api_key", "wechat_api_url", "victorops_api_url",
                                 "telegram_api_url", "webex_api_url"))
                    {
                        if (k == "resolve_timeout") resolveTimeout = r.Duration(v, k);
                        else if (k == "slack_api_url") globals.SlackApiUrl = ReadUrl(r, v, k);
                        else if (k == "pagerduty_url") globals.PagerDutyUrl = ReadUrl(r, v, k);
                    }
                    break;
                case "route": route = ReadRoute(r, value, isRoot: true); routeNode = value; break;
                case "inhibit_rules":
                    foreach (var n in r.Sequence(value, key).Children) inhibit.Add(ReadInhibitRule(r, n));
                    break;
                case "receivers":
                    receiversNode = value;
                    break;
                case "templates":
                    if (r.StringList(value, key).Count > 0) throw r.Error(keyNode, "templates are not supported by mlobs's router yet");
                    break;
                default:
                    if (!YamlNodeReader.IsNull(value) && value is not YamlSequenceNode { Children.Count: 0 })
                        throw r.Error(keyNode, $"{key} are not supported by mlobs's router yet");
                    break;
            }
        }
        if (receiversNode is not null)
            foreach (var n in r.Sequence(receiversNode, "receivers").Children)
            {
                var rc = ReadReceiver(r, n, globals);
                if (!receiverNodes.TryAdd(rc.Name, n)) throw r.Error(n, $"notification config name \"{rc.Name}\" is not unique");
                receivers.Add(rc);
            }
        if (route is null) throw r.Error(root, "no route provided in config");
        if (route.Receiver is null) throw r.Error(routeNode!, "root route must specify a default receiver");
        if (route.Matchers.Count > 0) throw r.Error(routeNode!, "root route must not have any matchers");
        CheckReceivers(r, routeNode!, route, receiverNodes);
        return new AlertmanagerConfig(route, inhibit, receivers, resolveTimeout) { OriginalYaml = r.SourceOf(root) };
    }

    private static void CheckReceivers(YamlNodeReader r, YamlNode at, RouteConfig route, Dictionary<string, YamlNode> receivers)
    {
        if (route.Receiver is { } name && !receivers.ContainsKey(name)) throw r.Error(at, $"undefined receiver \"{name}\" used in route");
        foreach (var child in route.Routes) CheckReceivers(r, at, child, receivers);
    }

    private static RouteConfig ReadRoute(YamlNodeReader r, YamlNode node, bool isRoot)
    {
        var route = new RouteConfig();
        var matchers = new List<LabelMatcher>();
        foreach (var (key, keyNode, value) in r.Entries(r.Mapping(node, "route"), "route",
                     "receiver", "group_by", "matchers", "match", "match_re", "continue", "group_wait", "group_interval",
                     "repeat_interval", "routes", "mute_time_intervals", "active_time_intervals"))
        {
            switch (key)
            {
                case "receiver": route = route with { Receiver = r.String(value, key) }; break;
                case "group_by":
                    var names = r.StringList(value, key);
                    if (names.Contains("...") && names.Count > 1) throw r.Error(value, "cannot have wildcard group_by (`...`) and other other labels at the same time");
                    foreach (var n in names)
                        if (n != "..." && !LegacyNames.IsLabelName(n)) throw r.Error(value, $"invalid label name \"{n}\" in group_by list");
                    route = names.Contains("...") ? route with { GroupByAll = true, GroupBy = [] } : route with { GroupBy = names };
                    break;
                case "matchers":
                    foreach (var m in r.StringList(value, key))
                    {
                        try { matchers.AddRange(AlertmanagerMatchers.Parse(m)); }
                        catch (FormatException e) { throw r.Error(value, e.Message); }
                    }
                    break;
                case "match":
                    foreach (var (k, v) in r.StringMap(value, key)) matchers.Add(new LabelMatcher(LabelMatchType.Equal, k, v));
                    break;
                case "match_re":
                    foreach (var (k, v) in r.StringMap(value, key))
                    {
                        try { matchers.Add(new LabelMatcher(LabelMatchType.Regex, k, v)); }
                        catch (ArgumentException e) { throw r.Error(value, $"invalid regular expression \"{v}\": {e.Message}"); }
                    }
                    break;
                case "continue":
                    if (isRoot) throw r.Error(keyNode, "cannot have continue in root route");
                    route = route with { Continue = r.Bool(value, key) };
                    break;
                case "group_wait": route = route with { GroupWait = r.Duration(value, key) }; break;
                case "group_interval":
                    var gi = r.Duration(value, key);
                    if (gi <= TimeSpan.Zero) throw r.Error(value, "group_interval cannot be zero");
                    route = route with { GroupInterval = gi };
                    break;
                case "repeat_interval":
                    var ri = r.Duration(value, key);
                    if (ri <= TimeSpan.Zero) throw r.Error(value, "repeat_interval cannot be zero");
                    route = route with { RepeatInterval = ri };
                    break;
                case "routes":
                    route = route with { Routes = r.Sequence(value, key).Children.Select(c => ReadRoute(r, c, isRoot: false)).ToList() };
                    break;
                default:
                    if (r.StringList(value, key).Count > 0) throw r.Error(keyNode, $"{key} are not supported by mlobs's router yet");
                    break;
            }
        }
        return route with { Matchers = matchers };
    }

    private static InhibitRuleConfig ReadInhibitRule(YamlNodeReader r, YamlNode node)
    {
        var source = new List<LabelMatcher>();
        var target = new List<LabelMatcher>();
        IReadOnlyList<string> equal = [];
        foreach (var (key, _, value) in r.Entries(r.Mapping(node, "inhibit rule"), "inhibit rule",
                     "source_matchers", "target_matchers", "source_match", "source_match_re", "target_match", "target_match_re", "equal"))
        {
            var into = key.StartsWith("source", StringComparison.Ordinal) ? source : target;
            try
            {
                switch (key)
                {
                    case "source_matchers" or "target_matchers":
                        foreach (var m in r.StringList(value, key)) into.AddRange(AlertmanagerMatchers.Parse(m));
                        break;
                    case "source_match" or "target_match":
                        foreach (var (k, v) in r.StringMap(value, key)) into.Add(new LabelMatcher(LabelMatchType.Equal, k, v));
                        break;
                    case "source_match_re" or "target_match_re":
                        foreach (var (k, v) in r.StringMap(value, key)) into.Add(new LabelMatcher(LabelMatchType.Regex, k, v));
                        break;
                    case "equal": equal = r.StringList(value, key); break;
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentException) { throw r.Error(value, e.Message); }
        }
        return new InhibitRuleConfig(source, target, equal);
    }

    /// <summary>URLs from <c>global</c> that receivers fall back to.</summary>
    private sealed class GlobalUrls
    {
        public Uri? SlackApiUrl;
        public Uri PagerDutyUrl = new("https://events.pagerduty.com/v2/enqueue");
    }

    private static Uri ReadUrl(YamlNodeReader r, YamlNode value, string key)
    {
        var text = r.String(value, key);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw r.Error(value, $"unsupported scheme \"{(url?.Scheme ?? text)}\" for URL");
        return url;
    }

    private static ReceiverConfig ReadReceiver(YamlNodeReader r, YamlNode node, GlobalUrls globals)
    {
        string name = "";
        var webhooks = new List<WebhookConfig>();
        var slack = new List<SlackConfig>();
        var pagerduty = new List<PagerDutyConfig>();
        var discord = new List<DiscordConfig>();
        foreach (var (key, keyNode, value) in r.Entries(r.Mapping(node, "receiver"), "receiver",
                     "name", "webhook_configs", "slack_configs", "pagerduty_configs", "discord_configs", "email_configs",
                     "opsgenie_configs", "wechat_configs", "pushover_configs", "victorops_configs", "sns_configs",
                     "telegram_configs", "webex_configs", "msteams_configs", "msteamsv2_configs", "jira_configs", "rocketchat_configs"))
        {
            switch (key)
            {
                case "name": name = r.String(value, key); break;
                case "webhook_configs":
                    foreach (var w in r.Sequence(value, key).Children) webhooks.Add(ReadWebhook(r, w));
                    break;
                case "slack_configs":
                    foreach (var w in r.Sequence(value, key).Children) slack.Add(ReadSlack(r, w, globals));
                    break;
                case "pagerduty_configs":
                    foreach (var w in r.Sequence(value, key).Children) pagerduty.Add(ReadPagerDuty(r, w, globals));
                    break;
                case "discord_configs":
                    foreach (var w in r.Sequence(value, key).Children) discord.Add(ReadDiscord(r, w));
                    break;
                default:
                    if (value is YamlSequenceNode { Children.Count: > 0 }) throw r.Error(keyNode, $"{key} are not supported by mlobs's router yet");
                    break;
            }
        }
        if (name.Length == 0) throw r.Error(node, "missing name in receiver");
        return new ReceiverConfig(name, webhooks) { SlackConfigs = slack, PagerDutyConfigs = pagerduty, DiscordConfigs = discord };
    }

    private static SlackConfig ReadSlack(YamlNodeReader r, YamlNode node, GlobalUrls globals)
    {
        Uri? url = globals.SlackApiUrl;
        bool sendResolved = false;
        string? auth = null;
        var timeout = TimeSpan.FromSeconds(10);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        bool linkNames = false;
        IReadOnlyList<string> mrkdwn = [];
        foreach (var (key, keyNode, value) in r.Entries(r.Mapping(node, "slack config"), "slack config",
                     "api_url", "api_url_file", "send_resolved", "http_config", "channel", "username", "color", "title", "title_link",
                     "pretext", "text", "fallback", "callback_id", "footer", "icon_emoji", "icon_url", "image_url", "thumb_url",
                     "link_names", "mrkdwn_in", "short_fields", "fields", "actions", "timeout"))
        {
            switch (key)
            {
                case "api_url": url = ReadUrl(r, value, key); break;
                case "api_url_file": url = ReadUrlFile(r, value, key); break;
                case "send_resolved": sendResolved = r.Bool(value, key); break;
                case "http_config": auth = ReadHttpAuthorization(r, value); break;
                case "timeout": timeout = r.Duration(value, key); break;
                case "link_names": linkNames = r.Bool(value, key); break;
                case "mrkdwn_in": mrkdwn = r.StringList(value, key); break;
                case "short_fields" or "fields" or "actions":
                    if (!YamlNodeReader.IsNull(value) && value is not YamlSequenceNode { Children.Count: 0 } && !(key == "short_fields" && !r.Bool(value, key)))
                        throw r.Error(keyNode, $"slack {key} are not supported by mlobs's router yet");
                    break;
                default: fields[key] = r.String(value, key); break;
            }
        }
        if (url is null) throw r.Error(node, "no global Slack API URL set either inline or in a file");
        var c = new SlackConfig(url, sendResolved, auth, timeout) { LinkNames = linkNames, MrkdwnIn = mrkdwn };
        foreach (var (k, v) in fields)
        {
            c = k switch
            {
                "channel" => c with { Channel = v },
                "username" => c with { Username = v },
                "color" => c with { Color = v },
                "title" => c with { Title = v },
                "title_link" => c with { TitleLink = v },
                "pretext" => c with { Pretext = v },
                "text" => c with { Text = v },
                "fallback" => c with { Fallback = v },
                "callback_id" => c with { CallbackId = v },
                "footer" => c with { Footer = v },
                "icon_emoji" => c with { IconEmoji = v },
                "icon_url" => c with { IconUrl = v },
                "image_url" => c with { ImageUrl = v },
                _ => c with { ThumbUrl = v },
            };
        }
        return c;
    }

    private static PagerDutyConfig ReadPagerDuty(YamlNodeReader r, YamlNode node, GlobalUrls globals)
    {
        string? key2 = null;
        Uri url = globals.PagerDutyUrl;
        bool sendResolved = true;
        var timeout = TimeSpan.FromSeconds(10);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        Dictionary<string, string>? details = null;
        foreach (var (key, keyNode, value) in r.Entries(r.Mapping(node, "pagerduty config"), "pagerduty config",
                     "routing_key", "routing_key_file", "service_key", "service_key_file", "url", "send_resolved", "http_config",
                     "client", "client_url", "description", "details", "severity", "class", "component", "group", "source",
                     "images", "links", "timeout"))
        {
            switch (key)
            {
                case "routing_key": key2 = r.String(value, key); break;
                case "routing_key_file":
                    var file = r.String(value, key);
                    try { key2 = File.ReadAllText(file).Trim(); }
                    catch (IOException e) { throw r.Error(value, $"unable to read routing key from file {file}: {e.Message}"); }
                    break;
                case "service_key" or "service_key_file":
                    throw r.Error(keyNode, "PagerDuty's Events API v1 (service_key) is not supported by mlobs's router; use routing_key (Events API v2)");
                case "url": url = ReadUrl(r, value, key); break;
                case "send_resolved": sendResolved = r.Bool(value, key); break;
                case "timeout": timeout = r.Duration(value, key); break;
                case "http_config": ReadHttpAuthorization(r, value); break;
                case "details": details = r.StringMap(value, key).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal); break;
                case "images" or "links":
                    if (value is YamlSequenceNode { Children.Count: > 0 }) throw r.Error(keyNode, $"pagerduty {key} are not supported by mlobs's router yet");
                    break;
                default: fields[key] = r.String(value, key); break;
            }
        }
        if (string.IsNullOrEmpty(key2)) throw r.Error(node, "missing service or routing key in PagerDuty config");
        var c = new PagerDutyConfig(key2, url, sendResolved, timeout);
        if (details is not null)
        {
            // Alertmanager adds its default details under the names the user did not set.
            foreach (var (k, v) in c.Details) details.TryAdd(k, v);
            c = c with { Details = details };
        }
        foreach (var (k, v) in fields)
        {
            c = k switch
            {
                "client" => c with { Client = v },
                "client_url" => c with { ClientUrl = v },
                "description" => c with { Description = v },
                "severity" => c with { Severity = v },
                "class" => c with { Class = v },
                "component" => c with { Component = v },
                "group" => c with { Group = v },
                _ => c with { Source = v },
            };
        }
        return c;
    }

    private static DiscordConfig ReadDiscord(YamlNodeReader r, YamlNode node)
    {
        Uri? url = null;
        bool sendResolved = true;
        var timeout = TimeSpan.FromSeconds(10);
        string? title = null, message = null;
        foreach (var (key, _, value) in r.Entries(r.Mapping(node, "discord config"), "discord config",
                     "webhook_url", "webhook_url_file", "send_resolved", "http_config", "title", "message", "timeout"))
        {
            switch (key)
            {
                case "webhook_url": url = ReadUrl(r, value, key); break;
                case "webhook_url_file": url = ReadUrlFile(r, value, key); break;
                case "send_resolved": sendResolved = r.Bool(value, key); break;
                case "timeout": timeout = r.Duration(value, key); break;
                case "http_config": ReadHttpAuthorization(r, value); break;
                case "title": title = r.String(value, key); break;
                case "message": message = r.String(value, key); break;
            }
        }
        if (url is null) throw r.Error(node, "one of webhook_url or webhook_url_file must be configured");
        var c = new DiscordConfig(url, sendResolved, timeout);
        if (title is not null) c = c with { Title = title };
        if (message is not null) c = c with { Message = message };
        return c;
    }

    private static Uri ReadUrlFile(YamlNodeReader r, YamlNode value, string key)
    {
        var file = r.String(value, key);
        try { return new Uri(File.ReadAllText(file).Trim()); }
        catch (Exception e) when (e is IOException or UriFormatException) { throw r.Error(value, $"unable to read URL from file {file}: {e.Message}"); }
    }

    private static WebhookConfig ReadWebhook(YamlNodeReader r, YamlNode node)
    {
        Uri? url = null;
        bool sendResolved = true;
        int maxAlerts = 0;
        string? auth = null;
        var timeout = TimeSpan.FromSeconds(10);
        foreach (var (key, _, value) in r.Entries(r.Mapping(node, "webhook config"), "webhook config",
                     "url", "url_file", "send_resolved", "max_alerts", "http_config", "timeout"))
        {
            switch (key)
            {
                case "url":
                    var text = r.String(value, key);
                    if (!Uri.TryCreate(text, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https"))
                        throw r.Error(value, $"unsupported scheme \"{url?.Scheme ?? text}\" for URL");
                    break;
                case "url_file":
                    var file = r.String(value, key);
                    try { url = new Uri(File.ReadAllText(file).Trim()); }
                    catch (Exception e) when (e is IOException or UriFormatException) { throw r.Error(value, $"unable to read URL from file {file}: {e.Message}"); }
                    break;
                case "send_resolved": sendResolved = r.Bool(value, key); break;
                case "max_alerts": maxAlerts = (int)r.Long(value, key, 0); break;
                case "timeout": timeout = r.Duration(value, key); break;
                case "http_config": auth = ReadHttpAuthorization(r, value); break;
            }
        }
        if (url is null) throw r.Error(node, "one of url or url_file must be configured");
        return new WebhookConfig(url, sendResolved, maxAlerts, auth, timeout);
    }

    /// <summary>The Authorization header of an http_config (authorization, bearer_token or basic_auth).</summary>
    private static string? ReadHttpAuthorization(YamlNodeReader r, YamlNode node)
    {
        string? header = null;
        foreach (var (key, _, value) in r.Entries(r.Mapping(node, "http_config"), "http_config",
                     "authorization", "bearer_token", "basic_auth", "tls_config", "follow_redirects", "enable_http2", "proxy_url"))
        {
            switch (key)
            {
                case "bearer_token": header = "Bearer " + r.String(value, key); break;
                case "authorization":
                    string type = "Bearer", cred = "";
                    foreach (var (k, _, v) in r.Entries(r.Mapping(value, key), key, "type", "credentials"))
                        if (k == "type") type = r.String(v, k); else cred = r.String(v, k);
                    header = type + " " + cred;
                    break;
                case "basic_auth":
                    string user = "", pass = "";
                    foreach (var (k, _, v) in r.Entries(r.Mapping(value, key), key, "username", "password"))
                        if (k == "username") user = r.String(v, k); else pass = r.String(v, k);
                    header = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(user + ":" + pass));
                    break;
            }
        }
        return header;
    }
}
