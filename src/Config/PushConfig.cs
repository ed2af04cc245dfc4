namespace Mlobs.Config;

/// <summary>
/// The built-in Pushgateway (<c>push:</c>, mlobs's own top-level section). The push API is always served on mlobs's
/// listener; these settings add a second address and say how pushed groups are written and kept.
/// </summary>
public sealed record PushConfig
{
    /// <summary>A second address (<c>listen</c>, e.g. <c>127.0.0.1:9091</c>) serving the Pushgateway's API, so clients configured for one work unchanged.</summary>
    public string? Listen { get; init; }

    /// <summary>How often every group is written to the TSDB (<c>interval</c>); null: the global scrape interval.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>A group nobody pushed to for this long is deleted (<c>group_ttl</c>); zero (the default) keeps groups until deleted.</summary>
    public TimeSpan GroupTtl { get; init; }

    /// <summary>Per-job TTLs that override <see cref="GroupTtl"/> (<c>job_group_ttl</c>); zero keeps that job's groups.</summary>
    public IReadOnlyDictionary<string, TimeSpan> JobGroupTtl { get; init; } = new Dictionary<string, TimeSpan>();

    /// <summary>The TTL for a job's groups, or null when they are kept.</summary>
    public TimeSpan? TtlFor(string job)
    {
        var ttl = JobGroupTtl.TryGetValue(job, out var own) ? own : GroupTtl;
        return ttl > TimeSpan.Zero ? ttl : null;
    }
}
