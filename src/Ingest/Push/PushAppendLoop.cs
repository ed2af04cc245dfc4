using Mlobs.Storage;

namespace Mlobs.Ingest.Push;

/// <summary>What the push job reads on each round, re-read after a config reload.</summary>
/// <param name="Interval">How often every group is written to the TSDB (the interval a Prometheus would scrape the gateway at).</param>
/// <param name="TtlForJob">A job's group TTL; null keeps its groups until deleted.</param>
public sealed record PushJobSettings(TimeSpan Interval, Func<string, TimeSpan?> TtlForJob);

/// <summary>
/// The push job: each interval expires groups past their TTL and writes every group into the TSDB through
/// <see cref="PushedSeriesWriter"/>, as a scrape loop pointed at a Pushgateway would. Errors are reported and the
/// loop goes on.
/// </summary>
public sealed class PushAppendLoop : IAsyncDisposable
{
    private readonly PushGroupStore _store;
    private readonly PushedSeriesWriter _writer;
    private readonly Func<PushJobSettings> _settings;
    private readonly TimeProvider _time;
    private readonly AlignedIntervalLoop _loop;

    public PushAppendLoop(PushGroupStore store, PushedSeriesWriter writer, Func<PushJobSettings> settings,
        Action<Exception>? onError = null, TimeProvider? time = null)
    {
        _store = store;
        _writer = writer;
        _settings = settings;
        _time = time ?? TimeProvider.System;
        _loop = new AlignedIntervalLoop(() => _settings().Interval, () => RunOnce(), onError, _time);
    }

    /// <summary>One round: expiry, then the write (also what the loop does each interval).</summary>
    public CommitResult RunOnce()
    {
        var settings = _settings();
        var now = _time.GetUtcNow();
        int expired = _store.Expire(now, settings.TtlForJob);
        if (expired > 0) PushMetrics.GroupsExpired.Inc(expired);
        var groups = _store.Groups;
        PushMetrics.Groups.Set(groups.Count);
        lock (_writer) return _writer.WriteOnce(groups, now.ToUnixTimeMilliseconds());
    }

    public ValueTask DisposeAsync() => _loop.DisposeAsync();
}
