using System.Net;
using Mlobs.Ingest.Scrape;
using Mlobs.Storage;

namespace Mlobs.Ingest.StatsD;

/// <summary>
/// The StatsD receiver as one component: the sockets, the registry they feed, and the round that writes the registry
/// into the TSDB each interval (series that expired go stale) and publishes the families' metadata.
/// </summary>
public sealed class StatsdReceiver : IAsyncDisposable
{
    public const string MetadataKey = "statsd";

    private readonly StatsdListener _listener;
    private readonly SeriesSnapshotWriter _writer;
    private readonly MetadataStore? _metadata;
    private readonly TimeProvider _time;
    private readonly AlignedIntervalLoop _loop;

    /// <param name="registry">Kept by the caller across receivers, so a reload that moves the sockets keeps the counters.</param>
    public StatsdReceiver(IPEndPoint? udp, IPEndPoint? tcp, StatsdRegistry registry, IAppendable storage, Func<TimeSpan> interval,
        MetadataStore? metadata = null, Action<Exception>? onError = null, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        Registry = registry;
        _writer = new SeriesSnapshotWriter(storage);
        _metadata = metadata;
        _listener = new StatsdListener(udp, tcp, Registry, _time);
        _loop = new AlignedIntervalLoop(interval, () => WriteOnce(), onError, _time);
    }

    public StatsdRegistry Registry { get; }
    public IPEndPoint? UdpEndpoint => _listener.UdpEndpoint;
    public IPEndPoint? TcpEndpoint => _listener.TcpEndpoint;
    public long UdpPackets => _listener.UdpPackets;
    public long TcpLines => _listener.TcpLines;

    /// <summary>One round: the registry's series at this instant into the TSDB.</summary>
    public CommitResult WriteOnce()
    {
        var now = _time.GetUtcNow();
        var (series, metadata) = Registry.Snapshot(now);
        _metadata?.Replace(MetadataKey, metadata);
        lock (_writer) return _writer.Write(series, now.ToUnixTimeMilliseconds());
    }

    public async ValueTask DisposeAsync()
    {
        await _loop.DisposeAsync().ConfigureAwait(false);
        await _listener.DisposeAsync().ConfigureAwait(false);
    }
}
