using System.Net;
using System.Net.Sockets;

namespace Mlobs.Ingest.StatsD;

/// <summary>
/// The StatsD sockets: UDP (one packet, one or more lines) and TCP (newline-separated lines on a stream), both feeding
/// the registry. A TCP line longer than 64 KiB is refused (and counted) without holding it; a client's error never
/// stops the listener.
/// </summary>
public sealed class StatsdListener : IAsyncDisposable
{
    private const int MaxTcpLine = 64 * 1024;
    private readonly StatsdRegistry _registry;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private readonly Socket? _udp;
    private readonly TcpListener? _tcp;
    private long _udpPackets, _tcpLines;

    public StatsdListener(IPEndPoint? udp, IPEndPoint? tcp, StatsdRegistry registry, TimeProvider? time = null)
    {
        _registry = registry;
        _time = time ?? TimeProvider.System;
        try
        {
            if (udp is not null)
            {
                _udp = new Socket(udp.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 << 20 };
                _udp.Bind(udp);
                UdpEndpoint = (IPEndPoint)_udp.LocalEndPoint!;
                _tasks.Add(Task.Run(ReceiveUdpAsync));
            }
            if (tcp is not null)
            {
                _tcp = new TcpListener(tcp);
                _tcp.Start();
                TcpEndpoint = (IPEndPoint)_tcp.LocalEndpoint;
                _tasks.Add(Task.Run(AcceptTcpAsync));
            }
        }
        catch
        {
            _udp?.Dispose();
            _tcp?.Stop();
            throw;
        }
    }

    /// <summary>The bound addresses (the port chosen when 0 was asked for).</summary>
    public IPEndPoint? UdpEndpoint { get; }
    public IPEndPoint? TcpEndpoint { get; }

    public long UdpPackets => Interlocked.Read(ref _udpPackets);
    public long TcpLines => Interlocked.Read(ref _tcpLines);

    private async Task ReceiveUdpAsync()
    {
        var buffer = new byte[65536];
        while (!_stop.IsCancellationRequested)
        {
            int n;
            try { n = await _udp!.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; } // e.g. an ICMP port-unreachable surfacing on the socket
            Interlocked.Increment(ref _udpPackets);
            _registry.CountReceived("udp", 1);
            _registry.HandlePacket(buffer.AsSpan(0, n), _time.GetUtcNow());
        }
    }

    private async Task AcceptTcpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _tcp!.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; }
            var task = Task.Run(() => ServeTcpAsync(client));
            lock (_tasks)
            {
                _tasks.RemoveAll(t => t.IsCompleted);
                _tasks.Add(task);
            }
        }
    }

    private async Task ServeTcpAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var buffer = new byte[MaxTcpLine * 2];
            int filled = 0;
            bool skipping = false; // inside a line too long to keep
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    int n = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token).ConfigureAwait(false);
                    if (n == 0) break;
                    filled += n;
                    int lastNewline = Array.LastIndexOf(buffer, (byte)'\n', filled - 1, filled);
                    if (lastNewline >= 0)
                    {
                        int start = 0;
                        if (skipping)
                        {
                            start = Array.IndexOf(buffer, (byte)'\n', 0, filled) + 1;
                            skipping = false;
                        }
                        if (lastNewline + 1 > start)
                        {
                            var lines = buffer.AsSpan(start, lastNewline + 1 - start);
                            int count = System.MemoryExtensions.Count(lines, (byte)'\n');
                            Interlocked.Add(ref _tcpLines, count);
                            _registry.CountReceived("tcp", count);
                            _registry.HandlePacket(lines, _time.GetUtcNow());
                        }
                        filled -= lastNewline + 1;
                        Array.Copy(buffer, lastNewline + 1, buffer, 0, filled);
                    }
                    if (filled >= MaxTcpLine)
                    {
                        if (!skipping) _registry.Reject("line_too_long");
                        skipping = true;
                        filled = 0;
                    }
                }
                if (filled > 0 && !skipping) _registry.HandlePacket(buffer.AsSpan(0, filled), _time.GetUtcNow()); // a last line without \n
            }
            catch (OperationCanceledException) { }
            catch (IOException) { }
            catch (SocketException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _udp?.Dispose();
        _tcp?.Stop();
        Task[] tasks;
        lock (_tasks) tasks = [.. _tasks];
        try { await Task.WhenAll(tasks).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
