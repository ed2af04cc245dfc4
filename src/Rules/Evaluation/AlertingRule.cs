using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Engine;

namespace Mlobs.Rules.Evaluation;

/// <summary>
/// An alerting rule (rules/alerting.go): every sample its expression returns is an alert instance, pending until
/// it has been returned for <see cref="For"/>, then firing; once no longer returned it stays firing for
/// <see cref="KeepFiringFor"/>, then resolves. Each evaluation yields the <c>ALERTS</c> and
/// <c>ALERTS_FOR_STATE</c> samples of the active instances.
/// </summary>
/// <summary>Expands one label or annotation template of an alert instance (see <see cref="AlertingRule.Expand"/>).</summary>
public delegate string AlertTemplateExpansion(string text, LabelSet sampleLabels, double value, long timeMs, CancellationToken ct);

public sealed class AlertingRule(
    string name, string query, TimeSpan forDuration, TimeSpan keepFiringFor,
    IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> annotations) : IRule
{
    public const string AlertMetricName = "ALERTS";
    public const string AlertForStateMetricName = "ALERTS_FOR_STATE";
    public const string AlertNameLabel = "alertname";
    public const string AlertStateLabel = "alertstate";

    /// <summary>Resolved alerts are kept (and re-sent to Alertmanager) this long, as Prometheus's resolvedRetention.</summary>
    public static readonly TimeSpan ResolvedRetention = TimeSpan.FromMinutes(15);

    private readonly Dictionary<LabelSet, Alert> _active = new();
    private readonly Lock _lock = new();

    public string Name { get; } = name;
    public string Query { get; } = query;
    public TimeSpan For { get; } = forDuration;
    public TimeSpan KeepFiringFor { get; } = keepFiringFor;
    public IReadOnlyDictionary<string, string> Labels { get; } = labels;
    public IReadOnlyDictionary<string, string> Annotations { get; } = annotations;
    public RuleStatus Status { get; } = new();

    /// <summary>
    /// Expands a label or annotation template for one alert instance (text, the sample's labels, its value, the
    /// evaluation time); never throws — a broken template yields Prometheus's <c>&lt;error expanding template: ...&gt;</c>.
    /// </summary>
    public AlertTemplateExpansion Expand { get; init; } = (text, _, _, _, _) => text;

    /// <summary>The rule's overall state: the most severe state of its instances.</summary>
    public AlertState State
    {
        get
        {
            lock (_lock) return _active.Values.Select(a => a.State).DefaultIfEmpty(AlertState.Inactive).Max();
        }
    }

    /// <summary>A snapshot of the pending and firing instances (for the API), ordered by labels.</summary>
    public IReadOnlyList<Alert> ActiveAlerts()
    {
        lock (_lock) return _active.Values.Where(a => a.State != AlertState.Inactive).OrderBy(a => a.Labels).ToList();
    }

    /// <summary>All instances including resolved ones still retained (what is sent to Alertmanager).</summary>
    public IReadOnlyList<Alert> AllAlerts()
    {
        lock (_lock) return _active.Values.OrderBy(a => a.Labels).ToList();
    }

    public List<Sample> Eval(long timeMs, QueryFunc query, int limit, CancellationToken ct)
    {
        var result = query(Query, timeMs, ct);
        var current = new Dictionary<LabelSet, Alert>(result.Count);
        foreach (var s in result)
        {
            var b = new LabelSetBuilder().Reset(s.Metric);
            b.Delete(LabelSet.MetricName);
            foreach (var (k, v) in Labels)
            {
                var expanded = Expand(v, s.Metric, s.F, timeMs, ct);
                if (expanded.Length == 0) b.Delete(k); else b.Set(k, expanded);
            }
            b.Set(AlertNameLabel, Name);
            var alertLabels = b.Build();
            var annotations = Annotations.ToDictionary(a => a.Key, a => Expand(a.Value, s.Metric, s.F, timeMs, ct), StringComparer.Ordinal);
            if (current.ContainsKey(alertLabels))
                throw new RuleEvaluationException("vector contains metrics with the same labelset after applying alert labels");
            current[alertLabels] = new Alert(alertLabels, annotations, timeMs, s.F);
        }
        Dictionary<LabelSet, long>? restored;
        lock (_lock) { restored = _restoredActiveAt; _restoredActiveAt = null; }
        if (restored is not null)
            foreach (var (key, a) in current)
                if (restored.TryGetValue(key, out long activeAt) && activeAt < a.ActiveAtMs) a.ActiveAtMs = activeAt;

        lock (_lock)
        {
            foreach (var (key, fresh) in current)
            {
                if (_active.TryGetValue(key, out var existing) && existing.State != AlertState.Inactive)
                {
                    existing.Value = fresh.Value;
                    existing.Annotations = fresh.Annotations;
                    continue;
                }
                _active[key] = fresh;
            }

            var output = new List<Sample>();
            int activeCount = 0;
            foreach (var (key, a) in _active.ToList())
            {
                if (!current.ContainsKey(key))
                {
                    bool keepFiring = false;
                    if (a.State == AlertState.Firing && KeepFiringFor > TimeSpan.Zero)
                    {
                        if (a.KeepFiringSinceMs == 0) a.KeepFiringSinceMs = timeMs;
                        keepFiring = timeMs - a.KeepFiringSinceMs < (long)KeepFiringFor.TotalMilliseconds;
                    }
                    if (!keepFiring)
                    {
                        if (a.State == AlertState.Pending || (a.ResolvedAtMs != 0 && timeMs - a.ResolvedAtMs > (long)ResolvedRetention.TotalMilliseconds))
                            _active.Remove(key);
                        if (a.State != AlertState.Inactive)
                        {
                            a.State = AlertState.Inactive;
                            a.ResolvedAtMs = timeMs;
                        }
                        continue;
                    }
                }
                else if (a.State != AlertState.Inactive)
                {
                    a.KeepFiringSinceMs = 0;
                }

                if (a.State == AlertState.Pending && timeMs - a.ActiveAtMs >= (long)For.TotalMilliseconds)
                {
                    a.State = AlertState.Firing;
                    a.FiredAtMs = timeMs;
                }
                activeCount++;
                output.Add(new Sample(AlertSeries(a), timeMs, 1));
                output.Add(new Sample(ForStateSeries(a), timeMs, a.ActiveAtMs / 1000.0));
            }
            if (limit > 0 && activeCount > limit)
            {
                _active.Clear();
                throw new RuleEvaluationException($"exceeded limit of {limit} with {activeCount} alerts");
            }
            return output;
        }
    }

    /// <summary>
    /// The alerts due to go to Alertmanager at <paramref name="timeMs"/> (rules/alerting.go sendAlerts): firing ones
    /// not sent for <paramref name="resendDelay"/>, and resolved ones once at resolution and then again every
    /// resend delay while they are retained. Each sent alert stays valid for four resend periods, so an
    /// Alertmanager that misses two evaluations does not resolve it.
    /// </summary>
    public IReadOnlyList<Notifier.NotifierAlert> AlertsToSend(long timeMs, TimeSpan resendDelay, TimeSpan interval, string externalUrl)
    {
        long resendMs = (long)resendDelay.TotalMilliseconds;
        long validFor = 4 * Math.Max(resendMs, (long)interval.TotalMilliseconds);
        var result = new List<Notifier.NotifierAlert>();
        lock (_lock)
        {
            foreach (var a in _active.Values)
            {
                if (a.State == AlertState.Pending) continue;
                bool due = a.ResolvedAtMs > a.LastSentAtMs || a.LastSentAtMs + resendMs < timeMs;
                if (!due) continue;
                a.LastSentAtMs = timeMs;
                a.ValidUntilMs = timeMs + validFor;
                result.Add(new Notifier.NotifierAlert(a.Labels, a.Annotations,
                    DateTimeOffset.FromUnixTimeMilliseconds(a.FiredAtMs),
                    DateTimeOffset.FromUnixTimeMilliseconds(a.ResolvedAtMs != 0 && a.State == AlertState.Inactive ? a.ResolvedAtMs : a.ValidUntilMs),
                    externalUrl + "/graph?g0.expr=" + Mlobs.Templates.GoBuiltins.QueryEscape(Query) + "&g0.tab=1"));
            }
        }
        return result;
    }

    /// <summary>Takes over the instances of the same rule from before a reload, so pending and firing alerts carry on.</summary>
    public void TakeStateFrom(AlertingRule old)
    {
        lock (old._lock)
            lock (_lock)
            {
                foreach (var (k, a) in old._active) _active[k] = a;
            }
    }

    private Dictionary<LabelSet, long>? _restoredActiveAt;

    /// <summary>
    /// After a restart: the start times of the instances that were active before (from <c>ALERTS_FOR_STATE</c>).
    /// An instance the next evaluation returns again keeps its original start, so a firing alert whose <c>for</c>
    /// had elapsed fires again at once instead of waiting out <c>for</c> anew. Used by the first evaluation only.
    /// </summary>
    public void RestoreForState(IReadOnlyDictionary<LabelSet, long> activeAtMsByLabels)
    {
        lock (_lock) _restoredActiveAt = new Dictionary<LabelSet, long>(activeAtMsByLabels);
    }

    private static LabelSet AlertSeries(Alert a) =>
        new LabelSetBuilder().Reset(a.Labels)
            .Set(LabelSet.MetricName, AlertMetricName)
            .Set(AlertStateLabel, Alert.StateText(a.State))
            .Build();

    private static LabelSet ForStateSeries(Alert a) =>
        new LabelSetBuilder().Reset(a.Labels).Set(LabelSet.MetricName, AlertForStateMetricName).Build();
}
