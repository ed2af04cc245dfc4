using Mlobs.Model.Labels;

namespace Mlobs.Ingest.Scrape;

public enum TargetHealth { Unknown, Up, Down }

/// <summary>
/// Samples of a target the store rejected, by Prometheus's reasons (prometheus_target_scrapes_sample_out_of_order_total,
/// ..._duplicate_timestamp_total, ..._out_of_bounds_total): a target that exposes timestamps can send samples older
/// than what is stored, or two values for one timestamp.
/// </summary>
public readonly record struct RejectedSamples(long OutOfOrder, long DuplicateTimestamp, long OutOfBounds)
{
    public long Total => OutOfOrder + DuplicateTimestamp + OutOfBounds;
    public static RejectedSamples operator +(RejectedSamples a, RejectedSamples b) =>
        new(a.OutOfOrder + b.OutOfOrder, a.DuplicateTimestamp + b.DuplicateTimestamp, a.OutOfBounds + b.OutOfBounds);
}

/// <summary>
/// One scrape target after relabeling (cf. scrape/target.go): its final labels, the labels it was discovered
/// with, its URL, and the state of its last scrape as /api/v1/targets reports it.
/// </summary>
public sealed class ScrapeTarget(string job, LabelSet labels, LabelSet discoveredLabels, Uri url, TimeSpan interval, TimeSpan timeout)
{
    private readonly Lock _stateLock = new();
    private TargetHealth _health;
    private string _lastError = "";
    private DateTimeOffset _lastScrape;
    private TimeSpan _lastDuration;
    private RejectedSamples _rejected;

    public string Job { get; } = job;
    public LabelSet Labels { get; } = labels;
    public LabelSet DiscoveredLabels { get; } = discoveredLabels;
    public Uri Url { get; } = url;
    public TimeSpan Interval { get; } = interval;
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>Identity used to match targets across reloads and to spread scrape offsets.</summary>
    public string Key => Job + "|" + Url + "|" + Labels;

    /// <summary>
    /// A stable offset within the interval derived from the target's identity, so targets are spread over
    /// the interval and keep their phase across restarts (Prometheus's Target.offset).
    /// </summary>
    public TimeSpan Offset(ulong seed)
    {
        ulong h = 14695981039346656037UL; // FNV-1a
        foreach (char c in Key) { h ^= c; h *= 1099511628211UL; }
        h ^= seed;
        long ticks = Interval.Ticks;
        return TimeSpan.FromTicks((long)(h % (ulong)ticks));
    }

    public (TargetHealth Health, string LastError, DateTimeOffset LastScrape, TimeSpan LastDuration) State
    {
        get { lock (_stateLock) return (_health, _lastError, _lastScrape, _lastDuration); }
    }

    /// <summary>Samples of this target rejected since it was created (since start, or the reload that made it).</summary>
    public RejectedSamples Rejected
    {
        get { lock (_stateLock) return _rejected; }
    }

    internal void Report(TargetHealth health, string error, DateTimeOffset at, TimeSpan duration, RejectedSamples rejected = default)
    {
        lock (_stateLock)
        {
            _health = health;
            _lastError = error;
            _lastScrape = at;
            _lastDuration = duration;
            _rejected += rejected;
        }
    }
}

/// <summary>A target that relabeling dropped, kept for /api/v1/targets' droppedTargets.</summary>
public sealed record DroppedTarget(string Job, LabelSet DiscoveredLabels);
