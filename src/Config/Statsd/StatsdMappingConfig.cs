namespace Mlobs.Config.Statsd;

public enum StatsdMatchType { Glob, Regex }

public enum StatsdObserverType { Summary, Histogram }

/// <summary>A summary objective: a quantile and its allowed error.</summary>
public sealed record SummaryObjective(double Quantile, double Error);

/// <summary>A summary's options (statsd_exporter's <c>summary_options</c>): objectives, the window and its age buckets.</summary>
public sealed record SummaryOptions
{
    public static readonly IReadOnlyList<SummaryObjective> DefaultQuantiles = [new(0.5, 0.05), new(0.9, 0.01), new(0.99, 0.001)];
    public IReadOnlyList<SummaryObjective> Quantiles { get; init; } = DefaultQuantiles;
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromMinutes(10);
    public int AgeBuckets { get; init; } = 5;
    public int BufCap { get; init; } = 500;
}

/// <summary>
/// One entry of a statsd_exporter mapping file: what StatsD names it matches (glob or regex, optionally only one
/// metric type), and the Prometheus name, labels (<c>$n</c> captures), help, observer type and options, TTL and
/// scale of what it makes — or <c>action: drop</c>.
/// </summary>
public sealed record StatsdMapping
{
    public required string Match { get; init; }
    public StatsdMatchType MatchType { get; init; }
    /// <summary>counter, gauge or observer; null: any.</summary>
    public string? MatchMetricType { get; init; }
    public string Name { get; init; } = "";
    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; } = [];
    public bool HonorLabels { get; init; }
    public string Help { get; init; } = "";
    public bool Drop { get; init; }
    public StatsdObserverType? ObserverType { get; init; }
    public IReadOnlyList<double>? HistogramBuckets { get; init; }
    public SummaryOptions? Summary { get; init; }
    public TimeSpan Ttl { get; init; }
    public double? Scale { get; init; }

    /// <summary>Where the mapping is in its file, for messages.</summary>
    public int Line { get; init; }
}

/// <summary>The <c>defaults</c> block: what every mapping (and every unmapped metric) gets unless it says otherwise.</summary>
public sealed record StatsdMappingDefaults
{
    public static readonly IReadOnlyList<double> DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    public StatsdObserverType ObserverType { get; init; } = StatsdObserverType.Summary;
    public StatsdMatchType MatchType { get; init; } = StatsdMatchType.Glob;
    public bool GlobDisableOrdering { get; init; }
    public TimeSpan Ttl { get; init; }
    public IReadOnlyList<double> HistogramBuckets { get; init; } = DefaultBuckets;
    public SummaryOptions Summary { get; init; } = new();
}

/// <summary>A statsd_exporter mapping file (<c>--statsd.mapping-config</c>), loaded unchanged.</summary>
public sealed record StatsdMappingConfig
{
    public StatsdMappingDefaults Defaults { get; init; } = new();
    public IReadOnlyList<StatsdMapping> Mappings { get; init; } = [];
    public string SourcePath { get; init; } = "";
}

/// <summary>The StatsD receiver's settings (<c>statsd:</c>, mlobs's own top-level section); off unless a listener is set.</summary>
public sealed record StatsdConfig
{
    public string? ListenUdp { get; init; }
    public string? ListenTcp { get; init; }
    /// <summary>The mapping file's path, resolved against the config file's directory.</summary>
    public string? MappingConfigFile { get; init; }
    public StatsdMappingConfig Mapping { get; init; } = new();
    /// <summary>How often the received metrics are written to the TSDB, and the window a set counts distinct values over; null: the global scrape interval.</summary>
    public TimeSpan? Interval { get; init; }
    public bool Enabled => ListenUdp is not null || ListenTcp is not null;
}
