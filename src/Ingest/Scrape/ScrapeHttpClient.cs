using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Mlobs.Ingest.Scrape;

/// <summary>
/// The HTTP/1.1 GET a scrape loop needs, over one kept-alive blocking socket owned by the loop's thread
/// (Prometheus's scrape client is Go's net/http with a per-target transport). Measured reason it is not
/// <see cref="HttpClient"/>: on Linux even HttpClient's synchronous Send parks the caller and has the runtime's
/// epoll thread wake it when the response arrives, and arms a timer per request; on the 2-core VMs we measure
/// on, those extra cross-thread wake-ups were a large share of the CPU per scrape. A blocking recv with
/// SO_RCVTIMEO is woken by the kernel directly and needs no timer.
/// Handles http and https (SslStream), Content-Length, chunked and read-to-close bodies, gzip and deflate,
/// redirects (as Go's client: at most 10) and a reused connection that the server closed meanwhile.
/// </summary>
public sealed class ScrapeHttpClient(ScrapeHttpOptions options) : IDisposable
{
    private const int MaxRedirects = 10;
    private const int MaxHeaderBytes = 64 * 1024;

    private Socket? _socket;
    private Stream? _stream;
    private string? _connectedAuthority;
    private Uri? _requestUrl;
    private byte[] _request = [];
    private readonly byte[] _buf = new byte[16 * 1024];
    private int _pos, _end;
    private byte[] _raw = new byte[16 * 1024];
    private DateTime _deadline;
    private bool _responseStarted;

    /// <summary>
    /// GETs <paramref name="url"/> and leaves the (decompressed) body in <paramref name="body"/>, growing it as
    /// needed. Throws <see cref="ScrapeHttpException"/> with Prometheus's wording for transport errors and
    /// non-2xx statuses. <paramref name="ct"/> aborts a blocked call by closing the socket.
    /// </summary>
    public ScrapeResponse Get(Uri url, TimeSpan timeout, ref byte[] body, CancellationToken ct)
    {
        _deadline = DateTime.UtcNow + timeout;
        // Closing the socket from the cancelling thread makes a blocked send/recv return at once.
        using var abort = ct.Register(static c => ((ScrapeHttpClient)c!)._socket?.Dispose(), this);
        var requestUrl = url;
        for (int redirects = 0; ; redirects++)
        {
            try
            {
                var response = GetOnce(requestUrl, timeout, ref body);
                if (response.Location is { } location && IsRedirect(response.StatusCode))
                {
                    if (redirects == MaxRedirects) throw new ScrapeHttpException($"Get \"{url}\": stopped after {MaxRedirects} redirects");
                    requestUrl = new Uri(requestUrl, location);
                    continue;
                }
                if (response.StatusCode is < 200 or > 299)
                    throw new ScrapeHttpException($"server returned HTTP status {response.StatusCode} {response.ReasonPhrase}");
                return response;
            }
            catch (Exception ex) when (ex is not ScrapeHttpException)
            {
                CloseConnection();
                ct.ThrowIfCancellationRequested();
                throw new ScrapeHttpException($"Get \"{requestUrl}\": {Describe(ex, requestUrl)}", ex);
            }
        }
    }

    private static bool IsRedirect(int status) => status is 301 or 302 or 303 or 307 or 308;

    private ScrapeResponse GetOnce(Uri url, TimeSpan timeout, ref byte[] body)
    {
        BuildRequest(url, timeout);
        bool reused = EnsureConnected(url);
        try
        {
            return Exchange(ref body);
        }
        catch (IOException ex) when (reused && !_responseStarted && !IsTimeout(ex))
        {
            // The server closed the idle kept-alive connection before this request: retry once on a new one,
            // as Go's transport does for idempotent requests.
            CloseConnection();
            EnsureConnected(url);
            return Exchange(ref body);
        }
    }

    private ScrapeResponse Exchange(ref byte[] body)
    {
        SetTimeouts();
        _responseStarted = false;
        _stream!.Write(_request);
        return ReadResponse(ref body);
    }

    private static bool IsTimeout(Exception ex) =>
        ex is TimeoutException || ex.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock };

    /// <summary>Connects unless a kept-alive connection to the same scheme://host:port is open; true when reused.</summary>
    private bool EnsureConnected(Uri url)
    {
        string authority = url.Scheme + "://" + url.Authority;
        if (_socket is not null && _connectedAuthority == authority) return true;
        CloseConnection();
        var addresses = IPAddress.TryParse(url.DnsSafeHost, out var ip) ? [ip] : Dns.GetHostAddresses(url.DnsSafeHost);
        if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                ConnectWithDeadline(socket, new IPEndPoint(address, url.Port));
                _socket = socket;
                break;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
        }
        if (_socket is null) throw last!;
        Stream stream = new NetworkStream(_socket, ownsSocket: true);
        if (url.Scheme == Uri.UriSchemeHttps)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            SetTimeouts();
            ssl.AuthenticateAsClient(options.Tls?.OptionsFor(url.IdnHost) ?? ScrapeTls.Default(url.IdnHost));
            stream = ssl;
        }
        _stream = stream;
        _connectedAuthority = authority;
        _pos = _end = 0;
        return false;
    }

    /// <summary>A non-blocking connect waited for with poll, then back to blocking mode for the exchange.</summary>
    /// <summary>
    /// A blocking connect bounded by SO_SNDTIMEO, which Linux applies to connect (it then fails with
    /// EINPROGRESS). A non-blocking connect with poll would be the portable way, but in .NET that leaves the
    /// socket registered with the runtime's epoll thread, which then wakes on every response.
    /// </summary>
    private void ConnectWithDeadline(Socket socket, IPEndPoint endPoint)
    {
        socket.SendTimeout = Math.Max(1, RemainingMicroseconds() / 1000);
        socket.Connect(endPoint);
    }

    private int RemainingMicroseconds()
    {
        var remaining = _deadline - DateTime.UtcNow;
        if (remaining <= TimeSpan.Zero) throw new TimeoutException();
        return (int)Math.Min(int.MaxValue, remaining.Ticks / 10);
    }

    /// <summary>SO_RCVTIMEO/SO_SNDTIMEO to what is left of the scrape timeout, before each blocking call.</summary>
    private void SetTimeouts()
    {
        int ms = Math.Max(1, (int)Math.Ceiling(RemainingMicroseconds() / 1000.0));
        _socket!.ReceiveTimeout = ms;
        _socket.SendTimeout = ms;
    }

    private void BuildRequest(Uri url, TimeSpan timeout)
    {
        if (ReferenceEquals(url, _requestUrl) || url == _requestUrl) return;
        var sb = new StringBuilder(256);
        sb.Append("GET ").Append(url.PathAndQuery).Append(" HTTP/1.1\r\n");
        sb.Append("Host: ").Append(url.Authority).Append("\r\n");
        sb.Append("User-Agent: ").Append(options.UserAgent).Append("\r\n");
        sb.Append("Accept: ").Append(options.Accept).Append("\r\n");
        sb.Append("Accept-Encoding: gzip\r\n");
        sb.Append("X-Prometheus-Scrape-Timeout-Seconds: ").Append(timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        if (options.Authorization is { } auth) sb.Append("Authorization: ").Append(auth).Append("\r\n");
        sb.Append("\r\n");
        _request = Encoding.ASCII.GetBytes(sb.ToString());
        _requestUrl = url;
    }

    private ScrapeResponse ReadResponse(ref byte[] body)
    {
        var status = ReadLine();
        // "HTTP/1.1 200 OK"
        if (status.Length < 12 || !status.StartsWith("HTTP/1."u8) || status[8] != (byte)' ')
            throw new IOException("malformed HTTP response \"" + Encoding.ASCII.GetString(status[..Math.Min(status.Length, 40)]) + "\"");
        bool http10 = status[7] == (byte)'0';
        if (!int.TryParse(status.Slice(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out int code))
            throw new IOException("malformed HTTP status code \"" + Encoding.ASCII.GetString(status.Slice(9, 3)) + "\"");
        string reason = status.Length > 13 ? Encoding.ASCII.GetString(status[13..]) : "";

        long contentLength = -1;
        bool chunked = false, close = http10;
        string contentType = "", contentEncoding = "";
        string? location = null;
        int headerBytes = status.Length;
        while (true)
        {
            var line = ReadLine();
            headerBytes += line.Length + 2;
            if (headerBytes > MaxHeaderBytes) throw new IOException("server response headers exceeded " + MaxHeaderBytes + " bytes");
            if (line.Length == 0) break;
            int colon = line.IndexOf((byte)':');
            if (colon <= 0) continue;
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out contentLength))
                    throw new IOException("bad Content-Length \"" + Encoding.ASCII.GetString(value) + "\"");
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8)) chunked = value.Length >= 7 && Ascii.EqualsIgnoreCase(value[^7..], "chunked"u8);
            else if (Ascii.EqualsIgnoreCase(name, "content-type"u8)) contentType = Encoding.ASCII.GetString(value);
            else if (Ascii.EqualsIgnoreCase(name, "content-encoding"u8)) contentEncoding = Encoding.ASCII.GetString(value).ToLowerInvariant();
            else if (Ascii.EqualsIgnoreCase(name, "location"u8)) location = Encoding.UTF8.GetString(value);
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                if (Ascii.EqualsIgnoreCase(value, "close"u8)) close = true;
                else if (Ascii.EqualsIgnoreCase(value, "keep-alive"u8)) close = false;
            }
        }

        bool compressed = contentEncoding is "gzip" or "x-gzip" or "deflate";
        ref byte[] target = ref compressed ? ref _raw : ref body;
        // body_size_limit bounds the body as the parser would see it (decompressed), as Prometheus's LimitReader.
        long limit = options.BodySizeLimit > 0 && !compressed ? options.BodySizeLimit : long.MaxValue;
        int length;
        if (code is < 200 or 204 or 304) length = 0; // no body by definition
        else if (chunked) length = ReadChunked(ref target, limit);
        else if (contentLength >= 0)
        {
            if (contentLength >= limit) throw BodyTooLarge();
            length = ReadExactly(ref target, checked((int)contentLength));
        }
        else { length = ReadToClose(ref target, limit); close = true; }
        if (compressed) length = Decompress(contentEncoding, length, ref body, options.BodySizeLimit > 0 ? options.BodySizeLimit : long.MaxValue);

        if (close) CloseConnection();
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return new ScrapeResponse(code, reason, mediaType, length, location);
    }

    private int ReadExactly(ref byte[] target, int count)
    {
        EnsureCapacity(ref target, count);
        int n = Math.Min(count, _end - _pos);
        _buf.AsSpan(_pos, n).CopyTo(target);
        _pos += n;
        while (n < count)
        {
            int read = _stream!.Read(target, n, count - n);
            if (read == 0) throw new EndOfStreamException("unexpected EOF");
            n += read;
        }
        return count;
    }

    /// <summary>Prometheus fails a body that reaches the limit (n ≥ limit); the rest is not read and the connection is closed.</summary>
    private BodySizeLimitExceededException BodyTooLarge()
    {
        CloseConnection();
        return new BodySizeLimitExceededException();
    }

    private int ReadToClose(ref byte[] target, long limit)
    {
        int n = _end - _pos;
        if (n >= limit) throw BodyTooLarge();
        EnsureCapacity(ref target, n + 4096);
        _buf.AsSpan(_pos, n).CopyTo(target);
        _pos = _end;
        while (true)
        {
            if (n == target.Length) EnsureCapacity(ref target, n * 2);
            int read = _stream!.Read(target, n, target.Length - n);
            if (read == 0) return n;
            n += read;
            if (n >= limit) throw BodyTooLarge();
        }
    }

    private int ReadChunked(ref byte[] target, long limit)
    {
        int n = 0;
        while (true)
        {
            var sizeLine = ReadLine();
            int semi = sizeLine.IndexOf((byte)';');
            if (semi >= 0) sizeLine = sizeLine[..semi];
            if (!int.TryParse(sizeLine.Trim(" \t"u8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int size) || size < 0)
                throw new IOException("malformed chunked encoding");
            if (size == 0)
            {
                while (ReadLine().Length > 0) { } // trailers
                return n;
            }
            if (n + (long)size >= limit) throw BodyTooLarge();
            EnsureCapacity(ref target, n + size);
            int copied = 0;
            while (copied < size)
            {
                if (_pos == _end && Fill() == 0) throw new IOException("unexpected EOF");
                int take = Math.Min(size - copied, _end - _pos);
                _buf.AsSpan(_pos, take).CopyTo(target.AsSpan(n + copied));
                _pos += take;
                copied += take;
            }
            n += size;
            if (ReadLine().Length != 0) throw new IOException("malformed chunked encoding");
        }
    }

    private int Decompress(string encoding, int length, ref byte[] body, long limit)
    {
        using var input = new MemoryStream(_raw, 0, length, writable: false);
        using Stream decoder = encoding == "deflate" ? new ZLibStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        int n = 0;
        while (true)
        {
            if (n == body.Length) Array.Resize(ref body, body.Length * 2);
            int read = decoder.Read(body, n, (int)Math.Min(body.Length - n, limit - n));
            if (read == 0) return n;
            n += read;
            if (n >= limit) throw BodyTooLarge();
        }
    }

    /// <summary>The next CRLF- (or LF-) terminated line from the receive buffer, refilling it as needed.</summary>
    private ReadOnlySpan<byte> ReadLine()
    {
        int scanned = _pos;
        while (true)
        {
            int lf = _buf.AsSpan(scanned, _end - scanned).IndexOf((byte)'\n');
            if (lf >= 0)
            {
                int end = scanned + lf;
                var line = _buf.AsSpan(_pos, end - _pos);
                _pos = end + 1;
                return line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
            }
            scanned = _end;
            int before = _pos;
            if (Fill() == 0)
            {
                if (!_responseStarted) throw new ServerClosedException();
                throw new EndOfStreamException("unexpected EOF");
            }
            scanned -= before - _pos; // Fill may have moved the unread bytes to the front
        }
    }

    /// <summary>Reads more bytes into the receive buffer after the unread ones; returns how many (0 at EOF).</summary>
    private int Fill()
    {
        if (_pos == _end) _pos = _end = 0;
        else if (_end == _buf.Length)
        {
            if (_pos == 0) throw new IOException("server response line exceeded " + _buf.Length + " bytes");
            _buf.AsSpan(_pos, _end - _pos).CopyTo(_buf);
            _end -= _pos;
            _pos = 0;
        }
        int n = _stream!.Read(_buf, _end, _buf.Length - _end);
        _end += n;
        if (n > 0) _responseStarted = true;
        return n;
    }

    private static void EnsureCapacity(ref byte[] buffer, int size)
    {
        if (buffer.Length < size) Array.Resize(ref buffer, Math.Max(size, buffer.Length * 2));
    }

    private void CloseConnection()
    {
        var stream = _stream;
        var socket = _socket;
        _stream = null;
        _socket = null;
        _connectedAuthority = null;
        _pos = _end = 0;
        stream?.Dispose();
        socket?.Dispose();
    }

    /// <summary>Go's wording for the common transport errors, so /api/v1/targets reads like Prometheus's.</summary>
    private static string Describe(Exception ex, Uri url) => ex switch
    {
        TimeoutException => "context deadline exceeded",
        SocketException { SocketErrorCode: SocketError.InProgress } => "context deadline exceeded",
        IOException { InnerException: SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock } } => "context deadline exceeded",
        SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock } => "context deadline exceeded",
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => $"dial tcp {url.Host}:{url.Port}: connect: connection refused",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } => $"dial tcp: lookup {url.IdnHost}: no such host",
        SocketException se => $"dial tcp {url.Host}:{url.Port}: {se.Message.ToLowerInvariant()}",
        EndOfStreamException => "unexpected EOF",
        ServerClosedException => "EOF",
        IOException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionReset } } => "read: connection reset by peer",
        _ => ex.Message,
    };

    public void Dispose() => CloseConnection();

    private sealed class ServerClosedException() : IOException("server closed the connection");
}

/// <summary>Per scrape config: the headers every request of its targets carries.</summary>
public sealed record ScrapeHttpOptions(string UserAgent, string Accept, string? Authorization)
{
    /// <summary>The config's <c>tls_config</c> for https targets; null: the system trust store and the target's host.</summary>
    public ScrapeTls? Tls { get; init; }

    /// <summary>body_size_limit: a (decompressed) body of this many bytes or more fails the scrape; 0: no limit.</summary>
    public long BodySizeLimit { get; init; }
}

/// <summary>What a scrape needs from the response; the body itself is in the caller's buffer.</summary>
public readonly record struct ScrapeResponse(int StatusCode, string ReasonPhrase, string MediaType, int Length, string? Location);

/// <summary>A failed scrape request, worded as Prometheus reports it on /api/v1/targets.</summary>
public class ScrapeHttpException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The body reached the config's body_size_limit (Prometheus's errBodySizeLimit).</summary>
public sealed class BodySizeLimitExceededException() : ScrapeHttpException("body size limit exceeded");
