using Mlobs.Model.Labels;

namespace Mlobs.Ingest.StatsD;

/// <summary>A StatsD metric type as the line names it: c, g, ms, h, d or s.</summary>
public enum StatsdType { Counter, Gauge, Timer, Histogram, Distribution, Set }

/// <summary>
/// One sample of a StatsD line (statsd_exporter's event): the StatsD name without its tags, the type, the value (for
/// a set, its member as text), whether a gauge value is a delta, how many observations a sampled timer stands for,
/// and the tags in any of the styles statsd_exporter reads (DogStatsD, InfluxDB, Librato, SignalFX).
/// </summary>
public readonly record struct StatsdEvent(
    string Name,
    StatsdType Type,
    double Value,
    string? SetMember,
    bool Relative,
    int Repeat,
    IReadOnlyList<Label> Tags,
    string IdentityKey);
