using Mlobs.Config.Alertmanager;

namespace Mlobs.Alertmanager;

/// <summary>
/// webhook_configs: POSTs the version 4 message as JSON (notify/webhook). 2xx is success; 5xx and network errors
/// are retried; other statuses are permanent failures. <c>max_alerts</c> truncates the alert list and says so in
/// <c>truncatedAlerts</c>.
/// </summary>
public sealed class WebhookIntegration(WebhookConfig config, int index, HttpClient http) : IReceiverIntegration
{
    public string Kind => "webhook";
    public int Index { get; } = index;
    public bool SendResolved => config.SendResolved;

    public async Task<DeliveryResult> NotifyAsync(NotificationContext context, IReadOnlyList<RouterAlert> alerts, CancellationToken ct)
    {
        int truncated = 0;
        if (config.MaxAlerts > 0 && alerts.Count > config.MaxAlerts)
        {
            truncated = alerts.Count - config.MaxAlerts;
            alerts = alerts.Take(config.MaxAlerts).ToList();
        }
        var data = NotificationData.Create(context.Receiver, alerts, context.GroupLabels, context.ExternalUrl, context.Now);
        var body = WebhookPayload.Serialize(data, context.GroupKey, truncated);
        return await IntegrationHttp.PostJsonAsync(http, config.Url, body, config.Authorization, config.Timeout, "webhook", ct).ConfigureAwait(false);
    }
}
