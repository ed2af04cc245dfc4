using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mlobs.Tests.Support;

/// <summary>A scrape target on 127.0.0.1 with a free port whose body, status and content type tests can change.</summary>
public sealed class FakeTarget : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();

    public FakeTarget()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }
    public string Address => $"127.0.0.1:{Port}";
    public volatile string Body = "";
    public volatile int Status = 200;
    public volatile string ContentType = "text/plain; version=0.0.4";
    /// <summary>Compress the body with gzip when the client accepts it.</summary>
    public volatile bool Gzip;
    /// <summary>Send the body with Transfer-Encoding: chunked instead of a Content-Length.</summary>
    public volatile bool Chunked;

    /// <summary>When set, sent as the Last-Modified header (an HTTP date).</summary>
    public volatile string? LastModified;
    public string? LastAcceptEncoding;
    public int Requests;
    public string? LastAuthorization;
    public string? LastAccept;

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            Interlocked.Increment(ref Requests);
            LastAuthorization = ctx.Request.Headers["Authorization"];
            LastAccept = ctx.Request.Headers["Accept"];
            LastAcceptEncoding = ctx.Request.Headers["Accept-Encoding"];
            var bytes = Encoding.UTF8.GetBytes(Body);
            if (Gzip && (LastAcceptEncoding ?? "").Contains("gzip"))
            {
                using var ms = new MemoryStream();
                using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest)) gz.Write(bytes);
                bytes = ms.ToArray();
                ctx.Response.AddHeader("Content-Encoding", "gzip");
            }
            ctx.Response.StatusCode = Status;
            ctx.Response.ContentType = ContentType;
            if (LastModified is { } modified) ctx.Response.AddHeader("Last-Modified", modified);
            if (Chunked) ctx.Response.SendChunked = true;
            else ctx.Response.ContentLength64 = bytes.Length;
            await ctx.Response.OutputStream.WriteAsync(bytes);
            ctx.Response.Close();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }
}
