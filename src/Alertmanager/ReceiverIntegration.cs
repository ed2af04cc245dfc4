using Mlobs.Model.Labels;

namespace Mlobs.Alertmanager;

/// <summary>The group a notification is about: its key, labels and receiver, and the URL receivers link back to.</summary>
public sealed record NotificationContext(string Receiver, string GroupKey, LabelSet GroupLabels, string ExternalUrl, DateTimeOffset Now);

/// <summary>The outcome of one delivery attempt: success, or an error and whether trying again may help.</summary>
public readonly record struct DeliveryResult(bool Ok, bool Retry, string? Error)
{
    public static readonly DeliveryResult Success = new(true, false, null);
    public static DeliveryResult Failed(string error, bool retry) => new(false, retry, error);
}

/// <summary>One configured way a receiver is notified (notify.Integration): a webhook, a Slack channel, ...</summary>
public interface IReceiverIntegration
{
    /// <summary>The integration kind as Alertmanager names it ("webhook").</summary>
    string Kind { get; }

    /// <summary>Its position among the receiver's integrations of the same kind; with <see cref="Kind"/> it keys the notification log.</summary>
    int Index { get; }

    bool SendResolved { get; }

    Task<DeliveryResult> NotifyAsync(NotificationContext context, IReadOnlyList<RouterAlert> alerts, CancellationToken ct);
}
