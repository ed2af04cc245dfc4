using Mlobs.Model.Labels;

namespace Mlobs.Alertmanager;

/// <summary>
/// What a receiver is told about a group (Alertmanager's template.Data): the receiver, "firing" or "resolved",
/// the alerts, the group's labels, the labels and annotations all alerts share, and the external URL.
/// </summary>
public sealed record NotificationData(
    string Receiver,
    string Status,
    IReadOnlyList<RouterAlert> Alerts,
    LabelSet GroupLabels,
    LabelSet CommonLabels,
    IReadOnlyDictionary<string, string> CommonAnnotations,
    string ExternalUrl,
    DateTimeOffset Now)
{
    public static NotificationData Create(string receiver, IReadOnlyList<RouterAlert> alerts, LabelSet groupLabels, string externalUrl, DateTimeOffset now)
    {
        var commonLabels = new Dictionary<string, string>(StringComparer.Ordinal);
        var commonAnnotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (alerts.Count > 0)
        {
            foreach (var l in alerts[0].Labels.AsSpan()) commonLabels[l.Name] = l.Value;
            foreach (var (k, v) in alerts[0].Annotations) commonAnnotations[k] = v;
            foreach (var a in alerts.Skip(1))
            {
                foreach (var (k, v) in commonLabels.ToList()) if (a.Labels.Get(k) != v) commonLabels.Remove(k);
                foreach (var (k, v) in commonAnnotations.ToList()) if (!a.Annotations.TryGetValue(k, out var x) || x != v) commonAnnotations.Remove(k);
            }
        }
        string status = alerts.Any(a => !a.IsResolved(now)) ? "firing" : "resolved";
        return new NotificationData(receiver, status, alerts, groupLabels,
            LabelSet.From(commonLabels.Select(kv => new Label(kv.Key, kv.Value))), commonAnnotations, externalUrl, now);
    }
}
