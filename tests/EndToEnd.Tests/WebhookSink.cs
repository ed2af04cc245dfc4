using System.Net;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>A loopback webhook that keeps every POST body by path.</summary>
internal sealed class WebhookSink : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<(string Path, JsonElement Body)> _posts = [];
    public int Port { get; } = FakeTarget.FreePort();

    public WebhookSink()
    {
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await _listener.GetContextAsync(); } catch (Exception) { return; }
                using var reader = new StreamReader(ctx.Request.InputStream);
                var body = await reader.ReadToEndAsync();
                lock (_posts) _posts.Add((ctx.Request.Url!.AbsolutePath, JsonDocument.Parse(body).RootElement.Clone()));
                ctx.Response.StatusCode = 200;
                ctx.Response.Close();
            }
        });
    }

    public List<JsonElement> Posts(string path) { lock (_posts) return _posts.Where(p => p.Path == path).Select(p => p.Body).ToList(); }

    public void Dispose() => _listener.Close();
}
