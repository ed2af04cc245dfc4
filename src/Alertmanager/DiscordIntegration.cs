using Mlobs.Config.Alertmanager;
using Mlobs.Templates;

namespace Mlobs.Alertmanager;

/// <summary>
/// discord_configs (notify/discord): one embed with the templated title (256 characters) and message (4096),
/// red while firing, green when resolved.
/// </summary>
public sealed class DiscordIntegration(DiscordConfig config, int index, HttpClient http) : IReceiverIntegration
{
    private const int Red = 0x992D22, Green = 0x2ECC71, Grey = 0x95A5A6;

    public string Kind => "discord";
    public int Index { get; } = index;
    public bool SendResolved => config.SendResolved;

    public Task<DeliveryResult> NotifyAsync(NotificationContext context, IReadOnlyList<RouterAlert> alerts, CancellationToken ct)
    {
        var notification = NotificationData.Create(context.Receiver, alerts, context.GroupLabels, context.ExternalUrl, context.Now);
        var data = new NotificationTemplateData(notification);
        byte[] body;
        try
        {
            string title = IntegrationHttp.Truncate(NotificationTemplates.Expand(config.Title, data), 256);
            string description = IntegrationHttp.Truncate(NotificationTemplates.Expand(config.Message, data), 4096);
            int color = notification.Status switch { "firing" => Red, "resolved" => Green, _ => Grey };
            body = IntegrationHttp.Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("content", "");
                w.WriteStartArray("embeds");
                w.WriteStartObject();
                w.WriteString("title", title);
                w.WriteString("description", description);
                w.WriteNumber("color", color);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }
        catch (TemplateException e)
        {
            return Task.FromResult(DeliveryResult.Failed("discord: " + e.Message, retry: false));
        }
        return IntegrationHttp.PostJsonAsync(http, config.WebhookUrl, body, null, config.Timeout, "discord", ct);
    }
}
