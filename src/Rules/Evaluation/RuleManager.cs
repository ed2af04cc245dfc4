using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Rules.RuleFiles;
using Mlobs.Rules.Templates;
using Mlobs.Storage;
using Mlobs.Templates;

namespace Mlobs.Rules.Evaluation;

/// <summary>
/// Runs the rule groups of the configured rule files (rules/manager.go): one evaluation loop per group; a reload
/// builds the new groups, carries alert state over for groups that stay, and marks the output of removed groups
/// stale. A broken rule file fails the reload and leaves the running groups untouched.
/// </summary>
public sealed class RuleManager(IStorage storage, QueryFunc query, Action<RuleGroup, IRule, Exception>? onRuleError = null) : IDisposable
{

    /// <summary>The URL alert templates see as <c>$externalURL</c> (Prometheus's --web.external-url).</summary>
    public string ExternalUrl { get; init; } = "";

    /// <summary>Where alerts due for Alertmanager go (the notifier's Send); null sends nothing.</summary>
    public Action<IReadOnlyList<Notifier.NotifierAlert>>? Notify { get; init; }

    /// <summary>How often firing alerts are re-sent to Alertmanager.</summary>
    public TimeSpan ResendDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Runs the expressions of <c>query_language: logql</c> groups; without it such groups do not load.</summary>
    public QueryFunc? LogQuery { get; init; }

    /// <summary>Called when an alert template fails to expand (alert name, the error); evaluation carries on.</summary>
    public Action<string, string>? OnTemplateError { get; init; }

    /// <summary>How far back <c>ALERTS_FOR_STATE</c> is read at start-up (Prometheus's outage tolerance).</summary>
    public static readonly TimeSpan OutageTolerance = TimeSpan.FromHours(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (RuleGroup Group, CancellationTokenSource Stop, Task Loop)> _running = new();
    private bool _restoredOnce;

    public IReadOnlyList<RuleGroup> Groups
    {
        get { lock (_lock) return _running.Values.Select(r => r.Group).OrderBy(g => g.File, StringComparer.Ordinal).ThenBy(g => g.Name, StringComparer.Ordinal).ToList(); }
    }

    /// <summary>
    /// Loads the rule files and swaps the running groups for them. Throws with every problem found (nothing is
    /// changed then).
    /// </summary>
    public void Update(IEnumerable<string> ruleFiles, TimeSpan defaultInterval, IReadOnlyDictionary<string, string>? externalLabels = null) =>
        Apply(LoadGroups(ruleFiles, defaultInterval, externalLabels));

    /// <summary>
    /// Swaps the running groups for groups <see cref="LoadGroups"/> built: state carries over by group and rule
    /// (Prometheus's CopyState), removed groups' series are marked stale. Cannot fail on the groups' content.
    /// </summary>
    public void Apply(IReadOnlyList<RuleGroup> groups)
    {
        lock (_lock)
        {
            var next = new Dictionary<string, RuleGroup>();
            foreach (var g in groups) next[g.Key] = g;
            // Every old loop is told to stop at once, then all are awaited together: a group sleeping until its next
            // evaluation stops at once; one evaluating finishes that evaluation first (its state is copied after it).
            foreach (var old in _running.Values) old.Stop.Cancel();
            try { Task.WaitAll(_running.Values.Select(r => r.Loop).ToArray(), TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
            foreach (var (key, old) in _running.ToList())
            {
                if (next.TryGetValue(key, out var replacement)) replacement.CopyStateFrom(old.Group);
                else old.Group.MarkStale(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                _running.Remove(key);
            }
            bool restore = !_restoredOnce;
            _restoredOnce = true;
            foreach (var g in groups)
            {
                if (restore) RestoreForState(g);
                var stop = new CancellationTokenSource();
                _running[g.Key] = (g, stop, Task.Run(() => RunAsync(g, stop.Token)));
            }
        }
    }

    /// <summary>
    /// Reads the rule files into groups ready to evaluate, without starting them (Prometheus's Manager.LoadGroups;
    /// <c>mlobs test rules</c> drives the groups itself). Throws with every problem found.
    /// </summary>
    public IReadOnlyList<RuleGroup> LoadGroups(IEnumerable<string> ruleFiles, TimeSpan defaultInterval, IReadOnlyDictionary<string, string>? externalLabels = null)
    {
        var labels = externalLabels ?? new Dictionary<string, string>();
        var files = ruleFiles.Select(Load).ToList();
        var errors = files.SelectMany(f => f.Errors).ToList();
        if (LogQuery is null)
            errors.AddRange(files.SelectMany(f => f.Groups).Where(g => g.Language == RuleQueryLanguage.LogQl)
                .Select(g => new RuleFileError(g.File, 0, 0, $"group \"{g.Name}\": query_language logql needs the log store, which this evaluation has not")));
        if (errors.Count > 0) throw new RuleLoadException(errors);
        return files.SelectMany(f => f.Groups).Select(g => Build(g, defaultInterval, labels)).ToList();
    }

    private static RuleFile Load(string path)
    {
        try
        {
            return RuleFileParser.Load(path);
        }
        catch (Mlobs.Config.Yaml.ConfigException e)
        {
            return new RuleFile(path, [], [new RuleFileError(e.File, e.Line, e.Column, e.Detail)]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new RuleFile(path, [], [new RuleFileError(path, 0, 0, e.Message)]);
        }
    }

    private RuleGroup Build(RuleGroupSpec spec, TimeSpan defaultInterval, IReadOnlyDictionary<string, string> externalLabels)
    {
        var rules = spec.Rules.Select(r => (IRule)(r.IsAlerting
            ? new AlertingRule(r.Alert!, r.Expr, r.For, r.KeepFiringFor, Merge(spec.Labels, r.Labels), r.Annotations)
            {
                Expand = (text, labels, value, timeMs, ct) => ExpandAlertTemplate(r.Alert!, text, labels, value, externalLabels, timeMs, ct),
            }
            : new RecordingRule(r.Record!, r.Expr, Merge(spec.Labels, r.Labels)))).ToList();
        var groupQuery = spec.Language == RuleQueryLanguage.LogQl ? LogQuery! : query;
        return new RuleGroup(spec.Name, spec.File, spec.Interval ?? defaultInterval, spec.QueryOffset ?? TimeSpan.Zero, spec.Limit, rules, storage, groupQuery)
        {
            Notify = Notify, ResendDelay = ResendDelay, ExternalUrl = ExternalUrl,
        };
    }

    /// <summary>
    /// An alert's label or annotation template, expanded as Prometheus does; <c>query</c> in the template runs at
    /// the evaluation time. A failure becomes the text <c>&lt;error expanding template: ...&gt;</c> and is reported.
    /// </summary>
    private string ExpandAlertTemplate(string alertName, string text, LabelSet labels, double value,
        IReadOnlyDictionary<string, string> externalLabels, long timeMs, CancellationToken ct)
    {
        if (!text.Contains("{{", StringComparison.Ordinal)) return text;
        var data = new AlertTemplateData(labels.ToDictionary(), externalLabels, ExternalUrl, value);
        TemplateQuery templateQuery = expr =>
        {
            try
            {
                return query(expr, timeMs, ct).Select(s =>
                {
                    return new TemplateSample(s.Metric.ToDictionary(), s.F);
                }).ToList();
            }
            catch (Exception e) when (e is QueryException or RuleEvaluationException)
            {
                throw new TemplateFunctionException(e.Message);
            }
        };
        try
        {
            return TemplateExpander.ExpandAlert(alertName, text, data, templateQuery, timeMs);
        }
        catch (TemplateException e)
        {
            OnTemplateError?.Invoke(alertName, e.Message);
            return $"<error expanding template: {e.Message}>";
        }
    }

    /// <summary>Group labels apply to every rule; a rule's own label of the same name wins.</summary>
    private static IReadOnlyDictionary<string, string> Merge(IReadOnlyDictionary<string, string> group, IReadOnlyDictionary<string, string> rule)
    {
        if (group.Count == 0) return rule;
        var merged = new Dictionary<string, string>(group, StringComparer.Ordinal);
        foreach (var (k, v) in rule) merged[k] = v;
        return merged;
    }

    /// <summary>
    /// Reads each alerting rule's last <c>ALERTS_FOR_STATE</c> samples within the outage tolerance so alerts resume where
    /// they were before a restart (rules/group.go RestoreForState). Read from storage, not through PromQL: a series whose
    /// last sample is a staleness marker belonged to an alert that had already ended, and is not restored (PromQL's
    /// <c>last_over_time</c> would skip the marker and revive the old episode).
    /// </summary>
    private void RestoreForState(RuleGroup g)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var querier = storage.Querier(now - (long)OutageTolerance.TotalMilliseconds, now);
        foreach (var rule in g.Rules.OfType<AlertingRule>())
        {
            var set = querier.Select(false, LabelMatcher.Equal(LabelSet.MetricName, AlertingRule.AlertForStateMetricName),
                LabelMatcher.Equal(AlertingRule.AlertNameLabel, rule.Name));
            var restored = new Dictionary<LabelSet, long>();
            ISampleIterator? it = null;
            while (set.Next())
            {
                it = set.Current.Iterator(it);
                double last = double.NaN;
                bool any = false;
                while (it.Next()) { last = it.Value; any = true; }
                if (!any || StaleNaN.Is(last) || !double.IsFinite(last)) continue;
                restored[set.Current.Labels.Without(LabelSet.MetricName)] = (long)(last * 1000);
            }
            if (set.Error is { } error) onRuleError?.Invoke(g, rule, error);
            else if (restored.Count > 0) rule.RestoreForState(restored);
        }
    }

    private async Task RunAsync(RuleGroup g, CancellationToken ct)
    {
        long interval = (long)g.Interval.TotalMilliseconds;
        long next = g.EvalTimestamp(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) + interval;
        while (!ct.IsCancellationRequested)
        {
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (next > now)
            {
                try { await Task.Delay(TimeSpan.FromMilliseconds(next - now), ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
            now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            long missed = (now - next) / interval;
            if (missed > 0)
            {
                Interlocked.Add(ref g.MissedIterations, missed);
                next += missed * interval;
            }
            try
            {
                g.Eval(next, ct, (rule, ex) => onRuleError?.Invoke(g, rule, ex));
            }
            catch (OperationCanceledException) { return; }
            catch (Exception ex)
            {
                // Storage trouble (e.g. disk full) must not end the loop: the next iteration tries again.
                onRuleError?.Invoke(g, g.Rules.Count > 0 ? g.Rules[0] : null!, ex);
            }
            next += interval;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var (_, r) in _running) r.Stop.Cancel();
            foreach (var (_, r) in _running)
            {
                try { r.Loop.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
                r.Stop.Dispose();
            }
            _running.Clear();
        }
    }
}

/// <summary>Rule files that failed to load; the message lists every problem, one per line.</summary>
public sealed class RuleLoadException(IReadOnlyList<RuleFileError> errors)
    : Exception(string.Join("\n", errors.Select(e => e.ToString())))
{
    public IReadOnlyList<RuleFileError> Errors { get; } = errors;
}
