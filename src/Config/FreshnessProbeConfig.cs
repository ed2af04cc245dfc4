namespace Mlobs.Config;

/// <summary>
/// One <c>freshness_probes</c> entry (mlobs's own top-level section): a data source no job reports on, and how to
/// find when it last changed — the newest file among globs, an HTTP resource's Last-Modified or a JSON field, or a
/// SQLite query. Exactly one of <see cref="Files"/>, <see cref="HttpUrl"/> and <see cref="SqlitePath"/> is set.
/// </summary>
public sealed record FreshnessProbeConfig
{
    public required string Source { get; init; }
    /// <summary>How often to probe; null: the global scrape interval.</summary>
    public TimeSpan? Interval { get; init; }
    /// <summary>File globs (relative to the config file); the newest modification time among the matches.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];
    public string? HttpUrl { get; init; }
    /// <summary>A dotted path into the JSON body (<c>status.last_updated</c>); null: the Last-Modified header.</summary>
    public string? HttpJsonField { get; init; }
    public string? SqlitePath { get; init; }
    /// <summary>A query whose first column of its first row is the time (Unix seconds or milliseconds, or an RFC 3339 text).</summary>
    public string? SqliteQuery { get; init; }

    /// <summary>How the probe shows on the Targets page (its "endpoint").</summary>
    public string Describe() =>
        HttpUrl ?? (SqlitePath is not null ? $"sqlite://{SqlitePath}" : "file://" + string.Join(",", Files));
}
