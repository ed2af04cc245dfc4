using Mlobs.Rules.Yaml;
using YamlDotNet.RepresentationModel;

namespace Mlobs.Rules.Routing;

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
        return Parse(r, root);
    }

    public static AlertmanagerConfig Parse(YamlNodeReader r, YamlNode root)
    {
        RouteConfig? route = null;
        YamlNode? routeNode = null;
        var inhibit = new List<InhibitRuleConfig>();
        var receivers = new List<ReceiverConfig>();
        var receiverNodes = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var resolveTimeout = TimeSpan.FromMinutes(5);
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
                        if (k == "resolve_timeout") resolveTimeout = r.Duration(v, k);
                    break;
                case "route": route = ReadRoute(r, value, isRoot: true); routeNode = value; break;
                case "inhibit_rules":
                    foreach (var n in r.Sequence(value, key).Children) inhibit.Add(ReadInhibitRule(r, n));
                    break;
                case "receivers":
                    foreach (var n in r.Sequence(value, key).Children)
                    {
                        var rc = ReadReceiver(r, n);
                        if (!receiverNodes.TryAdd(rc.Name, n)) throw r.Error(n, $"notification config name \"{rc.Name}\" is not unique");
                        receivers.Add(rc);
                    }
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
        if (route is null) throw r.Error(root, "no route provided in config");
        if (route.Receiver is null) throw r.Error(routeNode!, "root route must specify a default receiver");
        if (route.Matchers.Count > 0) throw r.Error(routeNode!, "root route must not have any matchers");
        CheckReceivers(r, routeNode!, route, receiverNodes);
        return new AlertmanagerConfig(route, inhibit, receivers, resolveTimeout);
    }

    private static void CheckReceivers(YamlNodeReader r, YamlNode at, RouteConfig route, Dictionary<string, YamlNode> receivers)
    {
        if (route.Receiver is { } name && !receivers.ContainsKey(name)) throw r.Error(at, $"undefined receiver \"{name}\" used in route");
        foreach (var child in route.Routes) CheckReceivers(r, at, child, receivers);
    }

    private static RouteConfig ReadRoute(YamlNodeReader r, YamlNode node, bool isRoot)
    {
        var route = new RouteConfig();
        var matchers = new List<AlertMatcher>();
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
                        if (n != "..." && !RuleFiles.LegacyNames.IsLabelName(n)) throw r.Error(value, $"invalid label name \"{n}\" in group_by list");
                    route = names.Contains("...") ? route with { GroupByAll = true, GroupBy = [] } : route with { GroupBy = names };
                    break;
                case "matchers":
                    foreach (var m in r.StringList(value, key))
                    {
                        try { matchers.AddRange(AlertMatcher.ParseMatchers(m)); }
                        catch (FormatException e) { throw r.Error(value, e.Message); }
                    }
                    break;
                case "match":
                    foreach (var (k, v) in r.StringMap(value, key)) matchers.Add(new AlertMatcher(MatchType.Equal, k, v));
                    break;
                case "match_re":
                    foreach (var (k, v) in r.StringMap(value, key))
                    {
                        try { matchers.Add(new AlertMatcher(MatchType.Regexp, k, v)); }
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
        var source = new List<AlertMatcher>();
        var target = new List<AlertMatcher>();
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
                        foreach (var m in r.StringList(value, key)) into.AddRange(AlertMatcher.ParseMatchers(m));
                        break;
                    case "source_match" or "target_match":
                        foreach (var (k, v) in r.StringMap(value, key)) into.Add(new AlertMatcher(MatchType.Equal, k, v));
                        break;
                    case "source_match_re" or "target_match_re":
                        foreach (var (k, v) in r.StringMap(value, key)) into.Add(new AlertMatcher(MatchType.Regexp, k, v));
                        break;
                    case "equal": equal = r.StringList(value, key); break;
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentException) { throw r.Error(value, e.Message); }
        }
        return new InhibitRuleConfig(source, target, equal);
    }

    private static ReceiverConfig ReadReceiver(YamlNodeReader r, YamlNode node)
    {
        string name = "";
        var webhooks = new List<WebhookConfig>();
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
                default:
                    if (value is YamlSequenceNode { Children.Count: > 0 }) throw r.Error(keyNode, $"{key} are not supported by mlobs's router yet");
                    break;
            }
        }
        if (name.Length == 0) throw r.Error(node, "missing name in receiver");
        return new ReceiverConfig(name, webhooks);
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
