using System.Net.Http.Headers;
using Mlobs.Model.Labels;

namespace Mlobs.Rules.Notifier;

/// <summary>
/// Sends alerts to Alertmanagers as Prometheus's notifier.Manager does: alerts are queued (at most
/// <see cref="QueueCapacity"/>; the oldest are dropped when it overflows), external labels are added, alert
/// relabeling applied, and a background loop posts batches of up to <see cref="MaxBatchSize"/> to every configured
/// Alertmanager's <c>/api/v2/alerts</c> in parallel. A failed post is logged and counted, not retried: the rule
/// engine re-sends firing alerts every resend interval and resolved ones for 15 minutes, which is what makes
/// delivery eventually consistent in Prometheus too.
/// </summary>
public sealed class AlertNotifier : IDisposable
{
    public const int QueueCapacity = 10_000;
    public const int MaxBatchSize = 256;

    private readonly HttpClient _http;
    private readonly Lock _lock = new();
    private readonly List<NotifierAlert> _queue = [];
    private readonly SemaphoreSlim _more = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private IReadOnlyList<AlertmanagerEndpoint> _endpoints = [];
    private IReadOnlyDictionary<string, string> _externalLabels = new Dictionary<string, string>();
    private Func<LabelSet, LabelSet?>? _relabel;
    private readonly Dictionary<Uri, EndpointStats> _stats = new();

    /// <summary>Per Alertmanager: alerts sent (attempted) and alerts whose post failed.</summary>
    public sealed class EndpointStats
    {
        public long Sent;
        public long Errors;
    }

    public AlertNotifier(HttpMessageHandler? handler = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = Timeout.InfiniteTimeSpan; // each post has its endpoint's own timeout
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("mlobs", "1"));
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Called for every failed post: the Alertmanager URL, how many alerts, the error.</summary>
    public Action<Uri, int, string>? OnError { get; init; }

    public long Dropped;

    public int QueueLength { get { lock (_lock) return _queue.Count; } }

    public IReadOnlyDictionary<Uri, EndpointStats> Stats { get { lock (_lock) return new Dictionary<Uri, EndpointStats>(_stats); } }

    public IReadOnlyList<AlertmanagerEndpoint> Endpoints { get { lock (_lock) return _endpoints; } }

    /// <summary>Replaces the Alertmanagers, external labels and alert relabeling (on start and on reload).</summary>
    public void ApplyConfig(IReadOnlyList<AlertmanagerEndpoint> endpoints, IReadOnlyDictionary<string, string> externalLabels, Func<LabelSet, LabelSet?>? relabel = null)
    {
        lock (_lock)
        {
            _endpoints = endpoints;
            _externalLabels = externalLabels;
            _relabel = relabel;
            foreach (var e in endpoints) if (!_stats.ContainsKey(e.AlertsUrl)) _stats[e.AlertsUrl] = new EndpointStats();
        }
    }

    /// <summary>
    /// Also receives every alert as Alertmanagers would see it (external labels added, relabeled): the built-in
    /// router hangs here, so it sees the same alerts an external Alertmanager would.
    /// </summary>
    public Action<IReadOnlyList<NotifierAlert>>? Forward { get; set; }

    /// <summary>Queues alerts for sending (notifier.Manager.Send); without Alertmanagers only <see cref="Forward"/> gets them.</summary>
    public void Send(IReadOnlyList<NotifierAlert> alerts)
    {
        if (alerts.Count == 0) return;
        var prepared = new List<NotifierAlert>(alerts.Count);
        bool queued;
        lock (_lock)
        {
            foreach (var a in alerts)
            {
                var labels = a.Labels;
                if (_externalLabels.Count > 0)
                {
                    var b = new LabelSetBuilder().Reset(labels);
                    foreach (var (k, v) in _externalLabels) if (labels.Get(k) is null or "") b.Set(k, v);
                    labels = b.Build();
                }
                if (_relabel is not null)
                {
                    if (_relabel(labels) is not { Count: > 0 } relabeled) continue; // dropped by alert_relabel_configs
                    labels = relabeled;
                }
                prepared.Add(a with { Labels = labels });
            }
            queued = _endpoints.Count > 0 && prepared.Count > 0;
            if (queued)
            {
                _queue.AddRange(prepared);
                int overflow = _queue.Count - QueueCapacity;
                if (overflow > 0)
                {
                    _queue.RemoveRange(0, overflow);
                    Interlocked.Add(ref Dropped, overflow);
                }
            }
        }
        if (queued) _more.Release();
        if (prepared.Count > 0) Forward?.Invoke(prepared);
    }

    private List<NotifierAlert> NextBatch()
    {
        lock (_lock)
        {
            int n = Math.Min(MaxBatchSize, _queue.Count);
            var batch = _queue.GetRange(0, n);
            _queue.RemoveRange(0, n);
            return batch;
        }
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try { await _more.WaitAsync(_stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
            await DrainAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task DrainAsync(CancellationToken ct)
    {
        while (true)
        {
            var batch = NextBatch();
            if (batch.Count == 0) return;
            if (!await SendAllAsync(batch, ct).ConfigureAwait(false)) Interlocked.Add(ref Dropped, batch.Count);
        }
    }

    /// <summary>Posts one batch to every Alertmanager; true when at least one accepted it.</summary>
    private async Task<bool> SendAllAsync(List<NotifierAlert> batch, CancellationToken ct)
    {
        IReadOnlyList<AlertmanagerEndpoint> endpoints;
        lock (_lock) endpoints = _endpoints;
        if (endpoints.Count == 0) return false;
        var body = AlertPayload.Serialize(batch);
        var results = await Task.WhenAll(endpoints.Select(e => PostAsync(e, body, batch.Count, ct))).ConfigureAwait(false);
        return results.Any(ok => ok);
    }

    private async Task<bool> PostAsync(AlertmanagerEndpoint endpoint, byte[] body, int count, CancellationToken ct)
    {
        EndpointStats? stats;
        lock (_lock) _stats.TryGetValue(endpoint.AlertsUrl, out stats);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(endpoint.Timeout);
        string? error = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.AlertsUrl) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = endpoint.Authorization;
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
                error = $"bad response status {(int)response.StatusCode} {response.ReasonPhrase}: {text.Trim()}";
            }
        }
        catch (OperationCanceledException) { error = "context deadline exceeded"; }
        catch (HttpRequestException e) { error = e.Message; }
        if (stats is not null)
        {
            Interlocked.Add(ref stats.Sent, count);
            if (error is not null) Interlocked.Add(ref stats.Errors, count);
        }
        if (error is not null) OnError?.Invoke(endpoint.AlertsUrl, count, error);
        return error is null;
    }

    /// <summary>Stops the loop after one last attempt to deliver what is queued (Prometheus drains on shutdown).</summary>
    public void Dispose()
    {
        _stop.Cancel();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        try { DrainAsync(CancellationToken.None).Wait(TimeSpan.FromSeconds(15)); } catch (AggregateException) { }
        _http.Dispose();
        _more.Dispose();
        _stop.Dispose();
    }
}
