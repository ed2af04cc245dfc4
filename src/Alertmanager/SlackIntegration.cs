using Mlobs.Config.Alertmanager;
using Mlobs.Templates;

namespace Mlobs.Alertmanager;

/// <summary>
/// slack_configs (notify/slack): one attachment built from the templated fields (title cut at 1024 characters),
/// posted to the incoming-webhook URL. A template error fails the notification without retrying.
/// </summary>
public sealed class SlackIntegration(SlackConfig config, int index, HttpClient http) : IReceiverIntegration
{
    public string Kind => "slack";
    public int Index { get; } = index;
    public bool SendResolved => config.SendResolved;

    public Task<DeliveryResult> NotifyAsync(NotificationContext context, IReadOnlyList<RouterAlert> alerts, CancellationToken ct)
    {
        var data = new NotificationTemplateData(NotificationData.Create(context.Receiver, alerts, context.GroupLabels, context.ExternalUrl, context.Now));
        byte[] body;
        string channel;
        try
        {
            string T(string text) => NotificationTemplates.Expand(text, data);
            channel = T(config.Channel);
            string title = IntegrationHttp.Truncate(T(config.Title), 1024), titleLink = T(config.TitleLink), pretext = T(config.Pretext),
                text = T(config.Text), fallback = T(config.Fallback), callbackId = T(config.CallbackId), imageUrl = T(config.ImageUrl),
                thumbUrl = T(config.ThumbUrl), footer = T(config.Footer), color = T(config.Color),
                username = T(config.Username), iconEmoji = T(config.IconEmoji), iconUrl = T(config.IconUrl);
            var mrkdwn = config.MrkdwnIn.Count > 0 ? config.MrkdwnIn : ["fallback", "pretext", "text"];
            body = IntegrationHttp.Json(w =>
            {
                w.WriteStartObject();
                if (channel.Length > 0) w.WriteString("channel", channel);
                if (username.Length > 0) w.WriteString("username", username);
                if (iconEmoji.Length > 0) w.WriteString("icon_emoji", iconEmoji);
                if (iconUrl.Length > 0) w.WriteString("icon_url", iconUrl);
                if (config.LinkNames) w.WriteBoolean("link_names", true);
                w.WriteStartArray("attachments");
                w.WriteStartObject();
                if (title.Length > 0) w.WriteString("title", title);
                if (titleLink.Length > 0) w.WriteString("title_link", titleLink);
                if (pretext.Length > 0) w.WriteString("pretext", pretext);
                w.WriteString("text", text);
                w.WriteString("fallback", fallback);
                w.WriteString("callback_id", callbackId);
                if (imageUrl.Length > 0) w.WriteString("image_url", imageUrl);
                if (thumbUrl.Length > 0) w.WriteString("thumb_url", thumbUrl);
                w.WriteString("footer", footer);
                if (color.Length > 0) w.WriteString("color", color);
                w.WriteStartArray("mrkdwn_in");
                foreach (var m in mrkdwn) w.WriteStringValue(m);
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }
        catch (TemplateException e)
        {
            return Task.FromResult(DeliveryResult.Failed("slack: " + e.Message, retry: false));
        }
        return IntegrationHttp.PostJsonAsync(http, config.ApiUrl, body, config.Authorization, config.Timeout, $"channel {GoQuote.Quote(channel)}", ct);
    }
}
