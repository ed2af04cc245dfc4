using Mlobs.Model.Labels;

namespace Mlobs.Alertmanager;

/// <summary>
/// The alerts of one route that share the group_by labels (dispatch.aggrGroup): the first notification waits
/// group_wait so alerts firing together go out together, then the group flushes every group_interval. After a
/// successful flush, resolved alerts that did not change meanwhile leave the group.
/// </summary>
internal sealed class AggregationGroup : IDisposable
{
    private readonly Dictionary<ulong, RouterAlert> _alerts = new();
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<AggregationGroup, IReadOnlyList<RouterAlert>, CancellationToken, Task<bool>> _flush;
    private Task? _loop;
    private bool _hasFlushed;

    public AggregationGroup(Route route, LabelSet groupLabels, Func<AggregationGroup, IReadOnlyList<RouterAlert>, CancellationToken, Task<bool>> flush)
    {
        Route = route;
        GroupLabels = groupLabels;
        GroupKey = KeyFor(route, groupLabels);
        _flush = flush;
    }

    /// <summary>Alertmanager's group key: route key, colon, group labels (<c>{}/{team="ml"}:{alertname="X"}</c>).</summary>
    public static string KeyFor(Route route, LabelSet groupLabels) => route.Key + ":" + Mlobs.Model.Strconv.ValueFormat.GoLabels(groupLabels);

    public Route Route { get; }
    public LabelSet GroupLabels { get; }
    public string GroupKey { get; }

    public bool IsEmpty { get { lock (_lock) return _alerts.Count == 0; } }

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Adds or updates an alert; an alert older than group_wait in a group that never flushed makes it flush now.</summary>
    public void Insert(RouterAlert alert)
    {
        lock (_lock)
        {
            _alerts[alert.Fingerprint] = alert;
            if (!_hasFlushed && alert.StartsAt + Route.GroupWait < DateTimeOffset.UtcNow) _wake.Release();
        }
    }

    private async Task RunAsync()
    {
        var delay = Route.GroupWait;
        while (!_stop.IsCancellationRequested)
        {
            try { await _wake.WaitAsync(delay, _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            while (_wake.CurrentCount > 0) _wake.Wait(0);
            List<RouterAlert> snapshot;
            lock (_lock)
            {
                _hasFlushed = true;
                snapshot = [.. _alerts.Values];
            }
            delay = Route.GroupInterval;
            if (snapshot.Count == 0) continue;
            snapshot.Sort(AlertOrder);
            bool ok;
            try { ok = await _flush(this, snapshot, _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            if (!ok) continue;
            var now = DateTimeOffset.UtcNow;
            lock (_lock)
            {
                foreach (var a in snapshot)
                    if (a.IsResolved(now) && _alerts.TryGetValue(a.Fingerprint, out var current) && ReferenceEquals(current, a))
                        _alerts.Remove(a.Fingerprint);
            }
        }
    }

    /// <summary>Alertmanager's AlertSlice order: by job, then instance, then all labels.</summary>
    private static int AlertOrder(RouterAlert x, RouterAlert y)
    {
        foreach (var key in new[] { "job", "instance" })
        {
            string? a = x.Labels.Get(key), b = y.Labels.Get(key);
            if (a is null && b is null) continue;
            if (a is null) return 1;
            if (b is null) return -1;
            int c = string.CompareOrdinal(a, b);
            if (c != 0) return c;
        }
        return x.Labels.CompareTo(y.Labels);
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _loop?.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stop.Dispose();
        _wake.Dispose();
    }
}
