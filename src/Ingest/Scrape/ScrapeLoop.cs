using System.Diagnostics;
using Mlobs.Config;
using Mlobs.Ingest.Scrape.Relabel;
using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Model.Strconv;
using Mlobs.Storage;
using Serilog;

namespace Mlobs.Ingest.Scrape;

/// <summary>
/// Scrapes one target on its own fixed offset within the interval (scrape/scrape.go's scrapeLoop): fetch,
/// parse, relabel, append and commit as one batch; a failed scrape stores nothing from the body, marks the
/// previous series stale and reports <c>up</c> = 0.
/// </summary>
public sealed class ScrapeLoop : IAsyncDisposable
{
    /// <summary>Scrape timestamps within this of the schedule are snapped to it, keeping stored timestamps regular.</summary>
    private static readonly TimeSpan AlignTolerance = TimeSpan.FromMilliseconds(10);

    internal const string AcceptHeader =
        "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    private readonly ScrapeTarget _target;
    private readonly ScrapeHttpClient _http;
    private readonly IAppendable _storage;
    private readonly Relabeler _metricRelabeler;
    private readonly bool _honorLabels, _honorTimestamps;
    private readonly ScrapeLimits _limits;
    private readonly ScrapeCache _cache = new();
    private readonly ExpositionParser _parser = new();
    private readonly LabelSetBuilder _lb = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ulong[] _reportRefs = new ulong[5];
    private readonly LabelSet[] _reportLabels;
    private byte[] _body = new byte[64 * 1024];
    private readonly Prometheus.Counter.Child _scrapesSucceeded, _scrapesFailed;
    private Thread? _thread;
    private readonly MetadataStore? _metadata;
    private Dictionary<string, MetricMetadata>? _families;
    private int _scrapesUntilMetadata;
    // Samples the appender rejected at once in the scrape being appended (the commit reports the rest).
    private RejectedSamples _rejectedEarly;
    private DateTime _lastRejectionLog = DateTime.MinValue;

    /// <summary>Metadata rarely changes: it is read on the first scrape and then every this many, so steady scrapes make no strings for it.</summary>
    private const int MetadataEveryScrapes = 60;

    public ScrapeLoop(ScrapeTarget target, ScrapeHttpOptions http, IAppendable storage, Relabeler metricRelabeler,
        bool honorLabels, bool honorTimestamps, ScrapeLimits limits, MetadataStore? metadata = null)
    {
        _metadata = metadata;
        _target = target;
        _http = new ScrapeHttpClient(http);
        _storage = storage;
        _metricRelabeler = metricRelabeler;
        _honorLabels = honorLabels;
        _honorTimestamps = honorTimestamps;
        _limits = limits;
        _scrapesSucceeded = ScrapeMetrics.Scrapes.WithLabels(target.Job, "success");
        _scrapesFailed = ScrapeMetrics.Scrapes.WithLabels(target.Job, "failure");
        string[] names = ["up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added"];
        _reportLabels = names.Select(n => new LabelSetBuilder().Reset(target.Labels).Set(LabelSet.MetricName, n).Build()).ToArray();
    }

    public ScrapeTarget Target => _target;

    /// <summary>
    /// Runs the loop on a dedicated thread with synchronous I/O. On the 2-core VMs we measure on, each hand-off
    /// between thread-pool threads (timer, socket completion, continuation) costs a cross-CPU wake-up, and those
    /// dominated the CPU of an async loop; a sleeping thread woken by its own timer and socket does not hand off.
    /// </summary>
    public void Start(ulong offsetSeed)
    {
        _thread = new Thread(() => Run(offsetSeed, _stop.Token), 256 * 1024)
        {
            IsBackground = true,
            Name = "scrape " + _target.Url.Authority,
        };
        _thread.Start();
    }

    private void Run(ulong seed, CancellationToken ct)
    {
        var interval = _target.Interval;
        var offset = _target.Offset(seed);
        // First tick: the next point in time congruent to the offset modulo the interval.
        long nowTicks = DateTimeOffset.UtcNow.UtcTicks;
        long next = nowTicks - (nowTicks % interval.Ticks) + offset.Ticks;
        if (next < nowTicks) next += interval.Ticks;
        while (!ct.IsCancellationRequested)
        {
            Volatile.Write(ref _nextTicks, next);
            var wait = TimeSpan.FromTicks(next - DateTimeOffset.UtcNow.UtcTicks);
            if (wait > TimeSpan.Zero && ct.WaitHandle.WaitOne(wait)) break;
            var actual = DateTimeOffset.UtcNow;
            var scheduled = new DateTimeOffset(next, TimeSpan.Zero);
            var ts = (actual - scheduled).Duration() <= AlignTolerance ? scheduled : actual;
            try
            {
                ScrapeOnce(ts, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                Log.Error(ex, "Scrape loop for {Url} failed unexpectedly", _target.Url);
            }
            Volatile.Write(ref _scraped, true);
            next += interval.Ticks;
            long now = DateTimeOffset.UtcNow.UtcTicks;
            if (next <= now) next += ((now - next) / interval.Ticks + 1) * interval.Ticks; // skip missed ticks
            Volatile.Write(ref _nextTicks, next);
        }
    }

    private long _nextTicks;
    private bool _scraped;

    /// <summary>When the loop's next scrape is (or would have been, once stopped); null if it never scraped.</summary>
    public DateTimeOffset? NextScrape =>
        Volatile.Read(ref _scraped) ? new DateTimeOffset(Volatile.Read(ref _nextTicks), TimeSpan.Zero) : null;

    /// <summary>One scrape at timestamp ts: fetch, append, report. Public for tests and the import path.</summary>
    public void ScrapeOnce(DateTimeOffset ts, CancellationToken ct)
    {
        long started = Stopwatch.GetTimestamp();
        long tsMs = ts.ToUnixTimeMilliseconds();
        // A pool over its target_limit scrapes none of its targets, each reporting why (Prometheus's forced error).
        string error = Volatile.Read(ref _forcedError) ?? "";
        int length = 0;
        bool openMetrics = false;
        if (error.Length == 0)
        {
            try
            {
                (length, openMetrics) = Fetch(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
            catch (ScrapeHttpException ex)
            {
                if (ex is BodySizeLimitExceededException) ScrapeMetrics.ExceededLimit.WithLabels("body_size_limit").Inc();
                error = ex.Message;
            }
        }

        var app = _storage.Appender();
        _rejectedEarly = default;
        int scraped = 0, added = 0, postRelabel = 0;
        if (error.Length == 0)
        {
            try
            {
                (scraped, postRelabel, added) = AppendBody(app, length, openMetrics, tsMs);
            }
            catch (Exception ex) when (ex is ExpositionParseException or ScrapeLimitException)
            {
                if (ex is ScrapeLimitException limit) ScrapeMetrics.ExceededLimit.WithLabels(limit.Limit).Inc();
                app.Rollback();
                _rejectedEarly = default;
                _cache.UndoMarks();
                app = _storage.Appender();
                error = ex.Message;
                scraped = 0; postRelabel = 0; added = 0;
            }
        }
        if (error.Length > 0)
        {
            // As Prometheus: a failed scrape appends an empty body, so every previous series gets a stale marker.
            // (A marker older than what a series has — a target exposing timestamps — is not a rejection to count.)
            foreach (var e in _cache.Disappeared()) app.Append(ref e.Ref, e.Labels!, tsMs, StaleNaN.Value);
        }
        var duration = Stopwatch.GetElapsedTime(started);
        AppendReport(app, tsMs, error.Length == 0, duration, scraped, postRelabel, added);
        var result = app.Commit();
        _cache.IterationDone(error.Length == 0);

        (error.Length == 0 ? _scrapesSucceeded : _scrapesFailed).Inc();
        ScrapeMetrics.SamplesAppended.Inc(result.Appended);
        var rejected = _rejectedEarly + new RejectedSamples(result.OutOfOrder, result.Duplicate, result.OutOfBounds);
        if (rejected.Total > 0) CountRejections(rejected);
        _target.Report(error.Length == 0 ? TargetHealth.Up : TargetHealth.Down, error, ts, duration, rejected);
    }

    /// <summary>
    /// As Prometheus: rejected samples do not fail the scrape; they are counted by reason and logged as a warning
    /// (here at most once a minute per target, with the counts since the last warning).
    /// </summary>
    private void CountRejections(RejectedSamples rejected)
    {
        if (rejected.OutOfOrder > 0) ScrapeMetrics.SamplesRejected.WithLabels("out_of_order").Inc(rejected.OutOfOrder);
        if (rejected.DuplicateTimestamp > 0) ScrapeMetrics.SamplesRejected.WithLabels("duplicate_timestamp").Inc(rejected.DuplicateTimestamp);
        if (rejected.OutOfBounds > 0) ScrapeMetrics.SamplesRejected.WithLabels("out_of_bounds").Inc(rejected.OutOfBounds);
        _unloggedRejections += rejected;
        if (DateTime.UtcNow - _lastRejectionLog < TimeSpan.FromMinutes(1)) return;
        _lastRejectionLog = DateTime.UtcNow;
        var r = _unloggedRejections;
        _unloggedRejections = default;
        Log.Warning("Samples of {Url} rejected: {OutOfOrder} out of order, {Duplicate} with a duplicate timestamp, {OutOfBounds} out of bounds",
            _target.Url, r.OutOfOrder, r.DuplicateTimestamp, r.OutOfBounds);
    }

    private RejectedSamples _unloggedRejections;

    private void CountEarly(AppendStatus status)
    {
        _rejectedEarly += status switch
        {
            AppendStatus.OutOfOrder => new RejectedSamples(1, 0, 0),
            AppendStatus.DuplicateTimestamp => new RejectedSamples(0, 1, 0),
            AppendStatus.OutOfBounds => new RejectedSamples(0, 0, 1),
            _ => default,
        };
    }

    private (int Length, bool OpenMetrics) Fetch(CancellationToken ct)
    {
        var response = _http.Get(_target.Url, _target.Timeout, ref _body, ct);
        return (response.Length, response.MediaType.Equals("application/openmetrics-text", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Parses the body and appends each sample; returns (scraped, after metric relabeling, new series).</summary>
    private (int Scraped, int PostRelabel, int Added) AppendBody(IAppender app, int length, bool openMetrics, long tsMs)
    {
        _parser.Reset(_body, length, openMetrics);
        if (_metadata is not null && --_scrapesUntilMetadata <= 0) _families = new Dictionary<string, MetricMetadata>(StringComparer.Ordinal);
        int scraped = 0, post = 0, added = 0;
        EntryKind kind;
        while (true)
        {
            _parser.SetKeyHint(_cache.ExpectedKey);
            if ((kind = _parser.Next()) == EntryKind.None) break;
            if (kind != EntryKind.Series)
            {
                if (_families is not null && kind is EntryKind.Help or EntryKind.Type or EntryKind.Unit) RecordMetadata(kind);
                continue;
            }
            scraped++;
            if (!_cache.TryGet(_parser.SeriesKey, _parser.KeyMatchedHint, out var entry))
            {
                var labels = BuildSeriesLabels();
                // Checked before the series is cached: a cached series is never checked again.
                if (labels is not null) CheckLabelLimits(labels);
                entry = _cache.Add(_parser.SeriesKey, labels);
                if (entry.Labels is not null) added++;
            }
            if (entry.Labels is null) continue;
            post++;
            if (_limits.SampleLimit > 0 && post > _limits.SampleLimit) throw new ScrapeLimitException("sample_limit", "sample limit exceeded");
            long t = tsMs;
            if (_parser.TimestampMs is { } explicitTs && _honorTimestamps) t = explicitTs;
            else _cache.MarkSeen(entry);
            var status = app.Append(ref entry.Ref, entry.Labels, t, _parser.Value);
            if (status != AppendStatus.Ok) CountEarly(status);
        }
        foreach (var e in _cache.Disappeared()) app.Append(ref e.Ref, e.Labels!, tsMs, StaleNaN.Value);
        if (_families is not null)
        {
            _metadata!.Replace(_target.Key, _families);
            _families = null;
            _scrapesUntilMetadata = MetadataEveryScrapes;
        }
        return (scraped, post, added);
    }

    /// <summary>label_limit, label_name_length_limit and label_value_length_limit on a series after relabeling, worded as Prometheus's verifyLabelLimits.</summary>
    private void CheckLabelLimits(LabelSet labels)
    {
        var limits = _limits;
        if (limits.LabelLimit == 0 && limits.LabelNameLengthLimit == 0 && limits.LabelValueLengthLimit == 0) return;
        string metric = Truncate(labels.Get(LabelSet.MetricName) ?? "");
        if (limits.LabelLimit > 0 && labels.Count > limits.LabelLimit)
            throw new ScrapeLimitException("label_limit",
                $"label_limit exceeded (metric: {metric}, number of labels: {labels.Count}, limit: {limits.LabelLimit})");
        foreach (var l in labels.AsSpan())
        {
            int nameLength = System.Text.Encoding.UTF8.GetByteCount(l.Name);
            if (limits.LabelNameLengthLimit > 0 && nameLength > limits.LabelNameLengthLimit)
                throw new ScrapeLimitException("label_name_length_limit",
                    $"label_name_length_limit exceeded (metric: {metric}, label name: {Truncate(l.Name)}, length: {nameLength}, limit: {limits.LabelNameLengthLimit})");
            int valueLength = System.Text.Encoding.UTF8.GetByteCount(l.Value);
            if (limits.LabelValueLengthLimit > 0 && valueLength > limits.LabelValueLengthLimit)
                throw new ScrapeLimitException("label_value_length_limit",
                    $"label_value_length_limit exceeded (metric: {metric}, label name: {Truncate(l.Name)}, value: {GoBytes.Quote(Truncate(l.Value))}, length: {valueLength}, limit: {limits.LabelValueLengthLimit})");
        }
    }

    /// <summary>Go's <c>%.50s</c>: at most 50 characters (runes) of the text.</summary>
    private static string Truncate(string s)
    {
        if (s.Length <= 50) return s;
        int runes = 0, i = 0;
        foreach (var rune in s.EnumerateRunes())
        {
            if (runes++ == 50) return s[..i];
            i += rune.Utf16SequenceLength;
        }
        return s;
    }

    private void RecordMetadata(EntryKind kind)
    {
        var families = _families!;
        var name = _parser.MetricFamily;
        var md = families.GetValueOrDefault(name) ?? new MetricMetadata("unknown", "", "");
        families[name] = kind switch
        {
            EntryKind.Type => md with { Type = _parser.MetaText == "untyped" ? "unknown" : _parser.MetaText },
            EntryKind.Help => md with { Help = _parser.MetaText },
            _ => md with { Unit = _parser.MetaText },
        };
    }

    /// <summary>Scraped labels merged with the target's (honor_labels or exported_ renaming), then metric relabeling.</summary>
    private LabelSet? BuildSeriesLabels()
    {
        _parser.ParseLabels(_lb);
        foreach (var tl in _target.Labels.AsSpan())
        {
            var existing = _lb.Get(tl.Name);
            if (_honorLabels)
            {
                if (existing is null) _lb.Set(tl.Name, tl.Value);
                continue;
            }
            if (existing is not null)
            {
                var name = "exported_" + tl.Name;
                while (_lb.Get(name) is not null) name = "exported_" + name;
                _lb.Set(name, existing);
            }
            _lb.Set(tl.Name, tl.Value);
        }
        if (!_metricRelabeler.IsEmpty && !_metricRelabeler.Process(_lb)) return null;
        return _lb.Current.Count == 0 ? null : _lb.Build();
    }

    private void AppendReport(IAppender app, long tsMs, bool up, TimeSpan duration, int scraped, int post, int added)
    {
        Span<double> values = [up ? 1 : 0, duration.TotalSeconds, scraped, post, added];
        for (int i = 0; i < values.Length; i++) app.Append(ref _reportRefs[i], _reportLabels[i], tsMs, values[i]);
    }

    private string? _forcedError;

    /// <summary>While set, each scrape fails with this error without contacting the target (the pool is over its target_limit).</summary>
    public void SetForcedError(string? error) => Volatile.Write(ref _forcedError, error);

    /// <summary>Stops the loop (staleness markers, when wanted, are written by <see cref="EndOfRunStaleness"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_thread is not null) await Task.Run(() => _thread.Join()).ConfigureAwait(false);
        _http.Dispose();
        _metadata?.Remove(_target.Key);
        _stop.Dispose();
    }

    /// <summary>
    /// Writes staleness markers at tsMs for every series of the last scrape and the report series (the target went
    /// away). A series that a newer loop has scraped since rejects its marker as out of order, silently, as in Prometheus.
    /// </summary>
    public void MarkAllStale(long tsMs)
    {
        var app = _storage.Appender();
        foreach (var e in _cache.Disappeared()) app.Append(ref e.Ref, e.Labels!, tsMs, StaleNaN.Value);
        for (int i = 0; i < _reportLabels.Length; i++) app.Append(ref _reportRefs[i], _reportLabels[i], tsMs, StaleNaN.Value);
        app.Commit();
    }
}

/// <summary>A scrape over one of its config's limits; <see cref="Limit"/> is the config key (for the metric).</summary>
public sealed class ScrapeLimitException(string limit, string message) : Exception(message)
{
    public string Limit { get; } = limit;
}
