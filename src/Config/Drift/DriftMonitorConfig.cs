namespace Mlobs.Config.Drift;

/// <summary>
/// What a drift monitor reads: a classic histogram's buckets, a counter per category, or raw observations posted to
/// <c>/api/v1/drift/{monitor}/observations</c> (binned by mlobs with edges fitted on an uploaded reference).
/// </summary>
public enum DriftSeriesKind
{
    Histogram,
    Counter,
    Observations,
}

/// <summary>Where in the config file an entry stands, for errors found after loading (a selector's syntax).</summary>
public sealed record ConfigPosition(string File, long Line, long Column);

/// <summary>
/// The window a monitor compares with: a rolling window ending <see cref="Offset"/> before now, a fixed
/// [<see cref="From"/>, <see cref="To"/>] range, or the distribution pinned with <c>mlobs drift pin</c>.
/// </summary>
public sealed record DriftBaselineConfig
{
    public TimeSpan Window { get; init; } = TimeSpan.FromDays(7);
    public TimeSpan Offset { get; init; } = TimeSpan.FromDays(7);
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public bool Pinned { get; init; }
    /// <summary>How often a rolling baseline is recomputed; null: a 168th of its window (an hour for 7d), at least the interval.</summary>
    public TimeSpan? Refresh { get; init; }

    public bool IsFixedRange => From is not null;
}

/// <summary>
/// One <c>drift_monitors</c> entry (mlobs's own top-level section): which distribution, split by which labels,
/// compared over which windows, with which methods and thresholds, how often.
/// </summary>
public sealed record DriftMonitorConfig
{
    public required string Name { get; init; }
    public DriftSeriesKind Kind { get; init; }
    /// <summary>A series selector: the histogram's name (its <c>_bucket</c> series are read) or the counter's, with optional matchers.</summary>
    public string Selector { get; init; } = "";
    /// <summary>For counters: the label whose values are the categories.</summary>
    public string? CategoryLabel { get; init; }
    /// <summary>One score per distinct value of these labels (e.g. feature, model); none: one score for the monitor.</summary>
    public IReadOnlyList<string> By { get; init; } = [];
    public TimeSpan Current { get; init; } = TimeSpan.FromHours(1);
    public DriftBaselineConfig Baseline { get; init; } = new();
    /// <summary>Method names as Evidently spells its stattests; the first decides the monitor's drift share.</summary>
    public IReadOnlyList<string> Methods { get; init; } = ["psi", "jensenshannon"];
    public IReadOnlyDictionary<string, double> Thresholds { get; init; } = new Dictionary<string, double>();
    /// <summary>A window with fewer observations than this yields no score (and says so).</summary>
    public double MinSamples { get; init; } = 100;
    /// <summary>The share of drifted groups at which the whole monitor counts as drifted (Evidently's drift_share).</summary>
    public double DriftShare { get; init; } = 0.5;
    /// <summary>How often to evaluate; null: the global evaluation interval.</summary>
    public TimeSpan? Interval { get; init; }
    public ConfigPosition Position { get; init; } = new("", 0, 0);
    /// <summary>For observations: the columns to monitor (none: every column of the reference).</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];
    /// <summary>For observations: distinct values kept per categorical column beyond the reference's; more count as "__other__".</summary>
    public int MaxCategories { get; init; } = 100;
}
