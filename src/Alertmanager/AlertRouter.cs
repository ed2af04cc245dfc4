using System.Collections.Concurrent;
using Mlobs.Config.Alertmanager;

namespace Mlobs.Alertmanager;

/// <summary>
/// The built-in Alertmanager for users without one (dispatch.Dispatcher): alerts from the rule engine are kept in
/// an alert store, routed through the route tree into aggregation groups, and flushed through the notification
/// pipeline to the receivers. A reload rebuilds the routes and re-inserts the current alerts; the notification
/// log keeps that (and a restart) from repeating notifications already sent.
/// </summary>
public sealed class AlertRouter : IDisposable
{
    /// <summary>Resolved alerts stay in the store (for inhibition and the API) this long.</summary>
    public static readonly TimeSpan ResolvedRetention = TimeSpan.FromMinutes(30);

    private readonly NotificationLog _log;
    private readonly HttpClient _http;
    private readonly string _externalUrl;
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, RouterAlert> _alerts = new();
    private readonly Dictionary<string, AggregationGroup> _groups = new(StringComparer.Ordinal);
    private Route _root;
    private NotificationPipeline _pipeline;
    private Inhibitor _inhibitor = new([]);
    private readonly Timer _maintenance;

    public AlertRouter(AlertmanagerConfig config, NotificationLog log, string externalUrl, HttpMessageHandler? handler = null,
        TimeSpan? initialBackoff = null)
    {
        _log = log;
        _initialBackoff = initialBackoff ?? TimeSpan.FromMilliseconds(500);
        _externalUrl = externalUrl;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = Timeout.InfiniteTimeSpan;
        (_root, _pipeline, _inhibitor) = Build(config);
        // Alerts known before a restart come back (and time out to resolved if nobody re-sends them).
        var now = DateTimeOffset.UtcNow;
        lock (_lock)
        {
            foreach (var a in _log.Alerts.LoadAll())
            {
                if (a.IsResolved(now) && now - a.EndsAt > ResolvedRetention) continue;
                _alerts[a.Fingerprint] = a;
                RouteAlert(a);
            }
        }
        _maintenance = new Timer(_ => Maintain(), null, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
    }

    /// <summary>Every attempt to notify: receiver, integration, attempt number, error (null on success).</summary>
    public Action<string, string, int, string?>? OnAttempt { get; init; }

    /// <summary>Delivery attempts and failures per "receiver/integration".</summary>
    public ConcurrentDictionary<string, long[]> Deliveries { get; } = new(StringComparer.Ordinal);

    private readonly TimeSpan _initialBackoff;

    public IReadOnlyList<RouterAlert> Alerts { get { lock (_lock) return [.. _alerts.Values]; } }

    public SilenceStore Silences => _log.Silences;

    /// <summary>An alert as Alertmanager's API shows it: the receivers it routes to, and what mutes it.</summary>
    public sealed record AlertView(RouterAlert Alert, IReadOnlyList<string> Receivers, IReadOnlyList<string> SilencedBy, IReadOnlyList<string> InhibitedBy);

    /// <summary>The alerts not resolved yet, with their routing and muting (GET /api/v2/alerts).</summary>
    public IReadOnlyList<AlertView> View(DateTimeOffset now)
    {
        Route root;
        Inhibitor inhibitor;
        List<RouterAlert> alerts;
        lock (_lock) { root = _root; inhibitor = _inhibitor; alerts = [.. _alerts.Values]; }
        var firing = alerts.Where(a => !a.IsResolved(now)).ToList();
        return firing.OrderBy(a => a.Labels).Select(a =>
        {
            var by = inhibitor.InhibitedBy(a.Labels, firing);
            return new AlertView(a, root.Match(a.Labels).Select(r => r.Receiver).Distinct().ToList(), Silences.SilencedBy(a.Labels, now),
                by is { } fp ? [Fingerprints.Format(fp)] : []);
        }).ToList();
    }

    public int GroupCount { get { lock (_lock) return _groups.Count; } }

    /// <summary>A configuration built and ready to swap in: routes, receivers and inhibition rules.</summary>
    public sealed class PreparedConfig
    {
        internal PreparedConfig((Route, NotificationPipeline, Inhibitor) built) => Built = built;
        internal (Route Root, NotificationPipeline Pipeline, Inhibitor Inhibitor) Built { get; }
    }

    /// <summary>Builds a configuration without touching the running one: a reload prepares everything before it swaps.</summary>
    public PreparedConfig Prepare(AlertmanagerConfig config) => new(Build(config));

    private (Route, NotificationPipeline, Inhibitor) Build(AlertmanagerConfig config)
    {
        var receivers = config.Receivers.ToDictionary(r => r.Name, r => (IReadOnlyList<IReceiverIntegration>)
            [
                .. r.WebhookConfigs.Select((c, i) => (IReceiverIntegration)new WebhookIntegration(c, i, _http)),
                .. r.SlackConfigs.Select((c, i) => (IReceiverIntegration)new SlackIntegration(c, i, _http)),
                .. r.PagerDutyConfigs.Select((c, i) => (IReceiverIntegration)new PagerDutyIntegration(c, i, _http)),
                .. r.DiscordConfigs.Select((c, i) => (IReceiverIntegration)new DiscordIntegration(c, i, _http)),
            ], StringComparer.Ordinal);
        var inhibitor = new Inhibitor(config.InhibitRules);
        var pipeline = new NotificationPipeline(receivers, inhibitor, _log, () => Alerts, _externalUrl)
        {
            OnAttempt = Attempted,
            InitialBackoff = _initialBackoff,
        };
        return (Route.Build(config.Route), pipeline, inhibitor);
    }

    private void Attempted(string receiver, string integration, int attempt, string? error)
    {
        var counts = Deliveries.GetOrAdd(receiver + "/" + integration, _ => new long[2]);
        Interlocked.Increment(ref counts[0]);
        if (error is not null) Interlocked.Increment(ref counts[1]);
        OnAttempt?.Invoke(receiver, integration, attempt, error);
    }

    /// <summary>
    /// Replaces routes, inhibition rules and receivers; current alerts are routed again. The old aggregation groups
    /// are stopped in the background: a notification in flight (a slow webhook) must not hold the reload up.
    /// </summary>
    public void ApplyConfig(AlertmanagerConfig config) => ApplyConfig(Prepare(config));

    /// <inheritdoc cref="ApplyConfig(AlertmanagerConfig)"/>
    public void ApplyConfig(PreparedConfig config)
    {
        List<AggregationGroup> old;
        lock (_lock)
        {
            (_root, _pipeline, _inhibitor) = config.Built;
            old = [.. _groups.Values];
            _groups.Clear();
            foreach (var a in _alerts.Values) RouteAlert(a);
        }
        if (old.Count > 0) _ = Task.Run(() => { foreach (var g in old) g.Dispose(); });
    }

    /// <summary>Takes alerts from the rule engine (what Prometheus would POST to /api/v2/alerts).</summary>
    public void Receive(IReadOnlyList<PostableAlert> alerts)
    {
        var now = DateTimeOffset.UtcNow;
        var received = new List<RouterAlert>(alerts.Count);
        lock (_lock)
        {
            foreach (var n in alerts)
            {
                var alert = new RouterAlert(n.Labels, n.Annotations, n.StartsAt, n.EndsAt, n.GeneratorUrl, now);
                if (_alerts.TryGetValue(alert.Fingerprint, out var existing) && !existing.IsResolved(now) && existing.StartsAt < alert.StartsAt)
                    alert = alert with { StartsAt = existing.StartsAt }; // the earliest start wins (types.Alert.Merge)
                _alerts[alert.Fingerprint] = alert;
                RouteAlert(alert);
                received.Add(alert);
            }
        }
        _log.Alerts.Save(received);
    }

    /// <summary>Puts an alert into the group of every route it matches; caller holds the lock.</summary>
    private void RouteAlert(RouterAlert alert)
    {
        foreach (var route in _root.Match(alert.Labels))
        {
            var groupLabels = route.GroupLabels(alert.Labels);
            // Two routes with the same key (siblings with equal matchers) are told apart by their receiver.
            string key = AggregationGroup.KeyFor(route, groupLabels) + "\u0000" + route.Receiver;
            if (!_groups.TryGetValue(key, out var group))
            {
                group = new AggregationGroup(route, groupLabels, FlushAsync);
                _groups[key] = group;
                group.Start();
            }
            group.Insert(alert);
        }
    }

    private Task<bool> FlushAsync(AggregationGroup group, IReadOnlyList<RouterAlert> alerts, CancellationToken ct)
    {
        NotificationPipeline pipeline;
        lock (_lock) pipeline = _pipeline;
        return pipeline.NotifyAsync(group.Route, group.GroupKey, group.GroupLabels, alerts, ct);
    }

    /// <summary>Drops long-resolved alerts and empty groups, and expired notification log entries.</summary>
    private void Maintain()
    {
        var now = DateTimeOffset.UtcNow;
        List<AggregationGroup> empty = [];
        List<ulong> dropped = [];
        lock (_lock)
        {
            foreach (var (fp, a) in _alerts.ToList())
                if (a.IsResolved(now) && now - a.EndsAt > ResolvedRetention) { _alerts.Remove(fp); dropped.Add(fp); }
            foreach (var (key, g) in _groups.ToList())
                if (g.IsEmpty) { _groups.Remove(key); empty.Add(g); }
        }
        foreach (var g in empty) g.Dispose();
        try
        {
            _log.Alerts.Delete(dropped);
            _log.GarbageCollect(now);
        }
        catch (Microsoft.Data.Sqlite.SqliteException) { }
    }

    public void Dispose()
    {
        _maintenance.Dispose();
        List<AggregationGroup> groups;
        lock (_lock) { groups = [.. _groups.Values]; _groups.Clear(); }
        foreach (var g in groups) g.Dispose();
        _http.Dispose();
    }
}
