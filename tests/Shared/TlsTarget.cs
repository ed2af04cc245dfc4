using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Mlobs.Tests.Support;

/// <summary>
/// An https scrape target on 127.0.0.1 with a free port, serving <see cref="Body"/> with the certificate it is given;
/// it can demand a client certificate and limit the TLS versions it speaks. One request per connection.
/// </summary>
public sealed class TlsTarget : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private readonly bool _requireClientCertificate;
    private readonly SslProtocols _protocols;
    private readonly CancellationTokenSource _stop = new();

    public TlsTarget(X509Certificate2 certificate, bool requireClientCertificate = false, SslProtocols protocols = SslProtocols.Tls12 | SslProtocols.Tls13)
    {
        _certificate = certificate;
        _requireClientCertificate = requireClientCertificate;
        _protocols = protocols;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }
    public volatile string Body = "up_from_tls 1\n";
    public int Requests;

    /// <summary>The subject of the last client certificate presented.</summary>
    public volatile string? ClientSubject;

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var ssl = new SslStream(client.GetStream(), false, (_, cert, _, _) => !_requireClientCertificate || cert is not null);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _certificate,
                    ClientCertificateRequired = _requireClientCertificate,
                    EnabledSslProtocols = _protocols,
                }, timeout.Token);
                if (ssl.RemoteCertificate is { } remote) ClientSubject = remote.Subject;
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n"))
                {
                    int n = await ssl.ReadAsync(buffer, timeout.Token);
                    if (n == 0) return;
                    request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }
                Interlocked.Increment(ref Requests);
                var body = Encoding.UTF8.GetBytes(Body);
                var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                await ssl.WriteAsync(head, timeout.Token);
                await ssl.WriteAsync(body, timeout.Token);
            }
            catch (Exception e) when (e is IOException or AuthenticationException or OperationCanceledException or SocketException)
            {
                // A client that refused our certificate, or that we refused: nothing to serve.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
