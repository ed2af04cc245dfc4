using System.Net.Http.Headers;

namespace Mlobs.Rules.Routing;

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
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(config.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, config.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            if (config.Authorization is { } auth) request.Headers.TryAddWithoutValidation("Authorization", auth);
            using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (status / 100 == 2) return DeliveryResult.Success;
            var text = (await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false)).Trim();
            string error = $"unexpected status code {status}: {config.Url}" + (text.Length > 0 ? ": " + text : "");
            return DeliveryResult.Failed(error, retry: status / 100 == 5);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return DeliveryResult.Failed($"Post \"{config.Url}\": context deadline exceeded", retry: true);
        }
        catch (HttpRequestException e)
        {
            return DeliveryResult.Failed($"Post \"{config.Url}\": {e.Message}", retry: true);
        }
    }
}
