using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Mlobs.Ingest.Scrape;
using Mlobs.Tests.Support;

namespace Mlobs.Ingest.Tests.Scrape;

/// <summary>The scrape client against a raw TCP server on loopback that answers with exactly the bytes a test scripts.</summary>
public sealed class ScrapeHttpClientTests : IDisposable
{
    private readonly RawHttpServer _server = new();
    private readonly ScrapeHttpClient _client = new(new ScrapeHttpOptions("mlobs/test", "text/plain;version=0.0.4", "Bearer s3cret"));
    private byte[] _body = new byte[16];

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
    }

    private Uri Url(string path = "/metrics") => new($"http://127.0.0.1:{_server.Port}{path}");

    private string Get(Uri? url = null, double timeoutSeconds = 5)
    {
        var r = _client.Get(url ?? Url(), TimeSpan.FromSeconds(timeoutSeconds), ref _body, CancellationToken.None);
        return Encoding.UTF8.GetString(_body, 0, r.Length);
    }

    private static byte[] Response(string body, string extraHeaders = "") =>
        Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n{extraHeaders}\r\n")
            .Concat(Encoding.UTF8.GetBytes(body)).ToArray();

    [Fact]
    public void KeepsOneConnectionAcrossScrapesAndSendsPrometheusHeaders()
    {
        _server.Handler = (_, _) => (Response("up 1\n" + new string('x', 40_000)), false);
        Assert.StartsWith("up 1\n", Get());
        Assert.Equal(40_005, Get().Length);
        Assert.Equal(1, _server.Connections);
        var request = _server.Requests.Last();
        Assert.StartsWith("GET /metrics HTTP/1.1\r\n", request);
        Assert.Contains($"Host: 127.0.0.1:{_server.Port}\r\n", request);
        Assert.Contains("Accept: text/plain;version=0.0.4\r\n", request);
        Assert.Contains("Accept-Encoding: gzip\r\n", request);
        Assert.Contains("X-Prometheus-Scrape-Timeout-Seconds: 5\r\n", request);
        Assert.Contains("Authorization: Bearer s3cret\r\n", request);
        Assert.Contains("User-Agent: mlobs/test\r\n", request);
    }

    [Fact]
    public void DecodesChunkedBodiesWithExtensionsAndTrailers()
    {
        _server.Handler = (_, _) => (Encoding.ASCII.GetBytes(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nup 1\n\r\n1A\r\nscrape_samples_scraped 42\n\r\n0\r\nX-Trailer: y\r\n\r\n"), false);
        Assert.Equal("up 1\nscrape_samples_scraped 42\n", Get());
        Assert.Equal("up 1\nscrape_samples_scraped 42\n", Get());
        Assert.Equal(1, _server.Connections);
    }

    [Fact]
    public void ReadsToCloseWithoutLengthAndReconnectsNextTime()
    {
        _server.Handler = (_, _) => (Encoding.ASCII.GetBytes("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nup 1\n"), true);
        Assert.Equal("up 1\n", Get());
        Assert.Equal("up 1\n", Get());
        Assert.Equal(2, _server.Connections);
    }

    [Fact]
    public void DecompressesGzip()
    {
        var plain = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => $"m{{i=\"{i}\"}} {i}\n")));
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(plain);
        var compressed = ms.ToArray();
        _server.Handler = (_, _) => (Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {compressed.Length}\r\n\r\n").Concat(compressed).ToArray(), false);
        Assert.Equal(Encoding.UTF8.GetString(plain), Get());
    }

    [Fact]
    public void RetriesOnceWhenTheServerClosedTheIdleConnection()
    {
        _server.Handler = (_, _) => (Response("up 1\n"), true); // says nothing, closes after each response
        Assert.Equal("up 1\n", Get());
        Thread.Sleep(50);
        Assert.Equal("up 1\n", Get());
        Assert.Equal(2, _server.Connections);
    }

    [Fact]
    public void FollowsRedirects()
    {
        _server.Handler = (req, _) => req.StartsWith("GET /old ") ? (Encoding.ASCII.GetBytes("HTTP/1.1 302 Found\r\nLocation: /metrics?x=1\r\nContent-Length: 0\r\n\r\n"), false) : (Response("ok 1\n"), false);
        Assert.Equal("ok 1\n", Get(Url("/old")));
        Assert.StartsWith("GET /metrics?x=1 HTTP/1.1", _server.Requests.Last());
    }

    [Fact]
    public void ErrorsAreWordedAsPrometheusReportsThem()
    {
        _server.Handler = (_, _) => (Encoding.ASCII.GetBytes("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy"), false);
        Assert.Equal("server returned HTTP status 503 Service Unavailable", Assert.Throws<ScrapeHttpException>(() => Get()).Message);

        int closed = FakeTarget.FreePort();
        var refused = new Uri($"http://127.0.0.1:{closed}/metrics");
        Assert.Equal($"Get \"{refused}\": dial tcp 127.0.0.1:{closed}: connect: connection refused",
            Assert.Throws<ScrapeHttpException>(() => Get(refused)).Message);

        _server.Handler = (_, _) => ([], false); // accepts, never answers
        var started = DateTime.UtcNow;
        Assert.Equal($"Get \"{Url()}\": context deadline exceeded", Assert.Throws<ScrapeHttpException>(() => Get(timeoutSeconds: 0.3)).Message);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(3));

        _server.Handler = (_, _) => (Encoding.ASCII.GetBytes("garbage\r\n\r\n"), true);
        Assert.Contains("malformed HTTP response", Assert.Throws<ScrapeHttpException>(() => Get()).Message);
    }

    [Fact]
    public void CancellationAbortsABlockedScrape()
    {
        _server.Handler = (_, _) => ([], false);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var started = DateTime.UtcNow;
        Assert.ThrowsAny<OperationCanceledException>(() => _client.Get(Url(), TimeSpan.FromSeconds(30), ref _body, cts.Token));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    /// <summary>Answers each request on a connection with the scripted bytes; closes the connection when asked.</summary>
    private sealed class RawHttpServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _open = [];
        private int _connections;

        public RawHttpServer()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            new Thread(Accept) { IsBackground = true }.Start();
        }

        public int Port { get; }
        public int Connections => Volatile.Read(ref _connections);
        public List<string> Requests { get; } = [];
        public Func<string, int, (byte[] Response, bool Close)> Handler = (_, _) => ([], true);

        private void Accept()
        {
            while (true)
            {
                Socket s;
                try { s = _listener.AcceptSocket(); } catch { return; }
                Interlocked.Increment(ref _connections);
                lock (_open) _open.Add(s);
                new Thread(() => Serve(s)) { IsBackground = true }.Start();
            }
        }

        private void Serve(Socket s)
        {
            var buf = new byte[8192];
            var pending = new StringBuilder();
            try
            {
                while (true)
                {
                    int n = s.Receive(buf);
                    if (n == 0) return;
                    pending.Append(Encoding.ASCII.GetString(buf, 0, n));
                    int end;
                    while ((end = pending.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)) >= 0)
                    {
                        var request = pending.ToString(0, end + 4);
                        pending.Remove(0, end + 4);
                        lock (Requests) Requests.Add(request);
                        var (response, close) = Handler(request, Connections);
                        if (response.Length > 0) s.Send(response);
                        if (close) { s.Shutdown(SocketShutdown.Both); s.Close(); return; }
                    }
                }
            }
            catch (Exception) { }
        }

        public void Dispose()
        {
            _listener.Stop();
            lock (_open) foreach (var s in _open) s.Dispose();
        }
    }
}
