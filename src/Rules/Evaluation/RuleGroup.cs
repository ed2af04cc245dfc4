using System.Diagnostics;
using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Storage;

namespace Mlobs.Rules.Evaluation;

/// <summary>
/// A group of rules evaluated in order on one interval (rules/group.go). Each evaluation runs at a timestamp aligned
/// to the interval plus a per-group offset (so groups spread over the interval, as Prometheus's hash offset does),
/// commits each rule's output before the next rule runs, and writes staleness markers for series a rule stopped returning.
/// </summary>
public sealed class RuleGroup
{
    private readonly IAppendable _storage;
    private readonly QueryFunc _query;
    private readonly HashSet<LabelSet>[] _previousSeries;
    // Series of rules a reload removed or renamed: marked stale at this group's next evaluation (Prometheus's staleSeries).
    private List<LabelSet> _staleSeries = [];

    public RuleGroup(string name, string file, TimeSpan interval, TimeSpan queryOffset, int limit,
        IReadOnlyList<IRule> rules, IAppendable storage, QueryFunc query)
    {
        Name = name;
        File = file;
        Interval = interval;
        QueryOffset = queryOffset;
        Limit = limit;
        Rules = rules;
        _storage = storage;
        _query = query;
        _previousSeries = rules.Select(_ => new HashSet<LabelSet>()).ToArray();
    }

    public string Name { get; }
    public string File { get; }
    public TimeSpan Interval { get; }
    public TimeSpan QueryOffset { get; }
    public int Limit { get; }
    public IReadOnlyList<IRule> Rules { get; }
    public DateTimeOffset LastEvaluation { get; private set; }
    public TimeSpan EvaluationTime { get; private set; }
    public long MissedIterations;
    public long EvaluationFailures;

    /// <summary>Receives the alerts each evaluation makes due for Alertmanager (Prometheus's NotifyFunc).</summary>
    public Action<IReadOnlyList<Notifier.NotifierAlert>>? Notify { get; init; }

    /// <summary>How often a firing alert is re-sent (--rules.alert.resend-delay, default 1m).</summary>
    public TimeSpan ResendDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Prefix of the alerts' generatorURL.</summary>
    public string ExternalUrl { get; init; } = "";
    public long Iterations;

    /// <summary>Identity across reloads: a group keeps its alert state when file and name stay the same.</summary>
    public string Key => File + ";" + Name;

    /// <summary>This group's offset within its interval: stable per group, spreads groups across the interval.</summary>
    public long OffsetMs
    {
        get
        {
            long interval = (long)Interval.TotalMilliseconds;
            if (interval <= 0) return 0;
            ulong h = 14695981039346656037UL; // FNV-1a of the key: deterministic across runs, unlike string.GetHashCode
            foreach (char c in Key) { h ^= c; h *= 1099511628211UL; }
            return (long)(h % (ulong)interval);
        }
    }

    /// <summary>The latest evaluation time at or before <paramref name="nowMs"/> (group.EvalTimestamp).</summary>
    public long EvalTimestamp(long nowMs)
    {
        long interval = (long)Interval.TotalMilliseconds, offset = OffsetMs;
        long adjusted = nowMs - offset;
        return adjusted - Mod(adjusted, interval) + offset;
    }

    private static long Mod(long a, long b) => ((a % b) + b) % b;

    /// <summary>Evaluates every rule at <paramref name="timeMs"/> and stores the results; a failing rule does not stop the others.</summary>
    public void Eval(long timeMs, CancellationToken ct, Action<IRule, Exception>? onError = null)
    {
        var started = Stopwatch.GetTimestamp();
        long queryTime = timeMs - (long)QueryOffset.TotalMilliseconds;
        for (int i = 0; i < Rules.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var rule = Rules[i];
            var ruleStarted = Stopwatch.GetTimestamp();
            List<Sample> output;
            try
            {
                output = rule.Eval(queryTime, _query, Limit, ct);
                rule.Status.Health = RuleHealth.Ok;
                rule.Status.LastError = null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Interlocked.Increment(ref EvaluationFailures);
                rule.Status.Health = RuleHealth.Err;
                rule.Status.LastError = ex.Message;
                onError?.Invoke(rule, ex);
                output = [];
                // As Prometheus: a failed evaluation leaves the previous series alone (no staleness markers).
                rule.Status.LastEvaluation = DateTimeOffset.FromUnixTimeMilliseconds(timeMs);
                rule.Status.EvaluationTime = Stopwatch.GetElapsedTime(ruleStarted);
                continue;
            }
            // Each rule's output is committed before the next rule runs, as Prometheus does, so a rule can use what
            // an earlier rule of the group recorded at this same evaluation.
            var app = _storage.Appender();
            var returned = new HashSet<LabelSet>(output.Count);
            foreach (var s in output)
            {
                ulong seriesRef = 0;
                app.Append(ref seriesRef, s.Metric, s.T, s.F);
                returned.Add(s.Metric);
            }
            foreach (var gone in _previousSeries[i])
            {
                if (returned.Contains(gone)) continue;
                ulong seriesRef = 0;
                app.Append(ref seriesRef, gone, queryTime, StaleNaN.Value);
            }
            app.Commit();
            if (Notify is not null && rule is AlertingRule alerting)
                Notify(alerting.AlertsToSend(timeMs, ResendDelay, Interval, ExternalUrl));
            _previousSeries[i].Clear();
            _previousSeries[i].UnionWith(returned);
            rule.Status.LastEvaluation = DateTimeOffset.FromUnixTimeMilliseconds(timeMs);
            rule.Status.EvaluationTime = Stopwatch.GetElapsedTime(ruleStarted);
        }
        if (_staleSeries.Count > 0)
        {
            // A series a current rule wrote at this time keeps its sample (the marker is then a duplicate, dropped).
            var app = _storage.Appender();
            foreach (var gone in _staleSeries)
            {
                ulong seriesRef = 0;
                app.Append(ref seriesRef, gone, queryTime, StaleNaN.Value);
            }
            app.Commit();
            _staleSeries = [];
        }
        Iterations++;
        LastEvaluation = DateTimeOffset.FromUnixTimeMilliseconds(timeMs);
        EvaluationTime = Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// Carries state over from the same group before a reload (rules/group.go CopyState): a rule takes the alerts and
    /// last output series of the old rule with the same name and labels (the first not yet taken, so duplicates pair
    /// in order) — an edited expression keeps a firing alert firing. The output series of old rules nothing took
    /// (removed or renamed) are marked stale at the next evaluation.
    /// </summary>
    public void CopyStateFrom(RuleGroup old)
    {
        var unmatched = new Dictionary<string, Queue<int>>(StringComparer.Ordinal);
        for (int i = 0; i < old.Rules.Count; i++)
        {
            var key = NameAndLabels(old.Rules[i]);
            if (!unmatched.TryGetValue(key, out var q)) unmatched[key] = q = new Queue<int>();
            q.Enqueue(i);
        }
        for (int i = 0; i < Rules.Count; i++)
        {
            if (!unmatched.TryGetValue(NameAndLabels(Rules[i]), out var q) || !q.TryDequeue(out int from)) continue;
            _previousSeries[i].UnionWith(old._previousSeries[from]);
            if (Rules[i] is AlertingRule ar && old.Rules[from] is AlertingRule previous) ar.TakeStateFrom(previous);
        }
        _staleSeries = [.. old._staleSeries];
        foreach (var q in unmatched.Values)
            foreach (int from in q) _staleSeries.AddRange(old._previousSeries[from]);
        LastEvaluation = old.LastEvaluation;
        EvaluationTime = old.EvaluationTime;
    }

    private static string NameAndLabels(IRule rule)
    {
        var labels = rule switch
        {
            AlertingRule a => a.Labels,
            RecordingRule r => r.Labels,
            _ => new Dictionary<string, string>(),
        };
        return rule.Name + "\0" + string.Join("\0", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));
    }

    /// <summary>Marks every series this group wrote as stale (the group was removed by a reload).</summary>
    public void MarkStale(long timeMs)
    {
        var app = _storage.Appender();
        foreach (var s in _staleSeries)
        {
            ulong seriesRef = 0;
            app.Append(ref seriesRef, s, timeMs, StaleNaN.Value);
        }
        foreach (var set in _previousSeries)
            foreach (var s in set)
            {
                ulong seriesRef = 0;
                app.Append(ref seriesRef, s, timeMs, StaleNaN.Value);
            }
        app.Commit();
    }
}
