using System.Security.Cryptography;
using System.Text;
using Mlobs.Config.Alertmanager;
using Mlobs.Templates;

namespace Mlobs.Alertmanager;

/// <summary>
/// pagerduty_configs over the Events API v2 (notify/pagerduty notifyV2): "trigger" while any alert fires,
/// "resolve" when all are resolved, deduplicated by the SHA-256 of the group key so PagerDuty folds repeats into
/// one incident; summary cut at 1024 characters; custom details are templates.
/// </summary>
public sealed class PagerDutyIntegration(PagerDutyConfig config, int index, HttpClient http) : IReceiverIntegration
{
    public string Kind => "pagerduty";
    public int Index { get; } = index;
    public bool SendResolved => config.SendResolved;

    /// <summary>Alertmanager's Key.Hash(): hex SHA-256 of the group key.</summary>
    public static string DedupKey(string groupKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(groupKey)));

    public Task<DeliveryResult> NotifyAsync(NotificationContext context, IReadOnlyList<RouterAlert> alerts, CancellationToken ct)
    {
        var notification = NotificationData.Create(context.Receiver, alerts, context.GroupLabels, context.ExternalUrl, context.Now);
        var data = new NotificationTemplateData(notification);
        byte[] body;
        try
        {
            string T(string text) => NotificationTemplates.Expand(text, data);
            string action = notification.Status == "resolved" ? "resolve" : "trigger";
            string client = T(config.Client), clientUrl = T(config.ClientUrl);
            string summary = IntegrationHttp.Truncate(T(config.Description), 1024);
            string source = T(config.Source ?? config.Client), severity = T(config.Severity);
            string cls = T(config.Class), component = T(config.Component), group = T(config.Group);
            var details = config.Details.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, Value: T(kv.Value))).ToList();
            body = IntegrationHttp.Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("routing_key", config.RoutingKey);
                w.WriteString("dedup_key", DedupKey(context.GroupKey));
                w.WriteString("event_action", action);
                w.WriteStartObject("payload");
                w.WriteString("summary", summary);
                w.WriteString("source", source);
                w.WriteString("severity", severity);
                if (cls.Length > 0) w.WriteString("class", cls);
                if (component.Length > 0) w.WriteString("component", component);
                if (group.Length > 0) w.WriteString("group", group);
                if (details.Count > 0)
                {
                    w.WriteStartObject("custom_details");
                    foreach (var (k, v) in details) w.WriteString(k, v);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                if (client.Length > 0) w.WriteString("client", client);
                if (clientUrl.Length > 0) w.WriteString("client_url", clientUrl);
                w.WriteEndObject();
            });
        }
        catch (TemplateException e)
        {
            return Task.FromResult(DeliveryResult.Failed("pagerduty: " + e.Message, retry: false));
        }
        return IntegrationHttp.PostJsonAsync(http, config.Url, body, null, config.Timeout, "pagerduty", ct, 429);
    }
}
