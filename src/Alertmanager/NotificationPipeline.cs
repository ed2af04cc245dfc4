using Mlobs.Model.Labels;

namespace Mlobs.Alertmanager;

/// <summary>
/// What happens to a group's alerts when it flushes (notify.go's stages): inhibited and silenced alerts are muted; then, per
/// integration of the route's receiver, the notification log decides whether anything changed since the last
/// notification (or the repeat interval passed); if so the integration is tried with exponential backoff until the
/// group's deadline, and a success is written to the log. Every attempt is reported.
/// </summary>
public sealed class NotificationPipeline(
    IReadOnlyDictionary<string, IReadOnlyList<IReceiverIntegration>> receivers,
    Inhibitor inhibitor,
    NotificationLog log,
    Func<IReadOnlyList<RouterAlert>> allAlerts,
    string externalUrl)
{
    /// <summary>Called after every delivery attempt: receiver, integration ("webhook[0]"), attempt number, error or null.</summary>
    public Action<string, string, int, string?>? OnAttempt { get; init; }

    /// <summary>Backoff between attempts (Alertmanager's: 0.5 s growing by 1.5 up to 60 s, jittered).</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Notifies every integration of the route's receiver; true when all succeeded (or had nothing to say).</summary>
    public async Task<bool> NotifyAsync(Route route, string groupKey, LabelSet groupLabels, IReadOnlyList<RouterAlert> alerts, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var firingNow = allAlerts().Where(a => !a.IsResolved(now)).ToList();
        // Mute stages: inhibited, then silenced alerts are left out.
        var kept = alerts.Where(a => !inhibitor.Mutes(a.Labels, firingNow) && log.Silences.SilencedBy(a.Labels, now).Count == 0).ToList();
        if (kept.Count == 0) return true;
        if (!receivers.TryGetValue(route.Receiver, out var integrations) || integrations.Count == 0) return true;
        var context = new NotificationContext(route.Receiver, groupKey, groupLabels, externalUrl, now);
        // The deadline for retries: the group interval, at least 10 s (Alertmanager's notify.MinTimeout).
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(route.GroupInterval < TimeSpan.FromSeconds(10) ? TimeSpan.FromSeconds(10) : route.GroupInterval);
        var results = await Task.WhenAll(integrations.Select(i => NotifyIntegrationAsync(route, context, i, kept, deadline.Token))).ConfigureAwait(false);
        return results.All(ok => ok);
    }

    private async Task<bool> NotifyIntegrationAsync(Route route, NotificationContext context, IReceiverIntegration integration,
        List<RouterAlert> alerts, CancellationToken ct)
    {
        string key = $"{integration.Kind}[{integration.Index}]";
        var firing = alerts.Where(a => !a.IsResolved(context.Now)).Select(a => a.Fingerprint).ToHashSet();
        var resolved = alerts.Where(a => a.IsResolved(context.Now)).Select(a => a.Fingerprint).ToHashSet();
        var entry = log.Query(context.GroupKey, context.Receiver, key);
        if (!NeedsUpdate(entry, firing, resolved, route.RepeatInterval, integration.SendResolved, context.Now)) return true;

        var toSend = integration.SendResolved ? alerts : alerts.Where(a => !a.IsResolved(context.Now)).ToList();
        if (toSend.Count > 0)
        {
            var backoff = InitialBackoff;
            for (int attempt = 1; ; attempt++)
            {
                DeliveryResult result;
                try { result = await integration.NotifyAsync(context, toSend, ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { result = DeliveryResult.Failed("context canceled", retry: false); }
                OnAttempt?.Invoke(context.Receiver, key, attempt, result.Error);
                if (result.Ok) break;
                if (!result.Retry || ct.IsCancellationRequested) return false;
                var wait = TimeSpan.FromMilliseconds(backoff.TotalMilliseconds * (0.5 + Random.Shared.NextDouble()));
                try { await Task.Delay(wait, ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { return false; }
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 1.5, 60_000));
            }
        }
        log.Log(context.GroupKey, context.Receiver, key, firing, resolved, context.Now, NotificationLog.DefaultRetention);
        return true;
    }

    /// <summary>notify.DedupStage.needsUpdate: notify on new firing alerts, on all resolved, on newly resolved ones if they are sent, or after the repeat interval.</summary>
    public static bool NeedsUpdate(NotificationEntry? entry, IReadOnlySet<ulong> firing, IReadOnlySet<ulong> resolved, TimeSpan repeat, bool sendResolved, DateTimeOffset now)
    {
        if (entry is null) return firing.Count > 0;
        if (!firing.IsSubsetOf(entry.Firing)) return true;
        if (firing.Count == 0) return entry.Firing.Count > 0;
        if (sendResolved && !resolved.IsSubsetOf(entry.Resolved)) return true;
        return entry.Timestamp < now - repeat;
    }
}
