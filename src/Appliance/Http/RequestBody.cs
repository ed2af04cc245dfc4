using System.IO.Compression;

namespace Mlobs.Appliance.Http;

/// <summary>
/// Reads a push endpoint's body, decoding its <c>Content-Encoding</c> while counting decoded bytes: a small
/// compressed body that inflates to gigabytes is refused once the limit is passed, never held whole in memory.
/// </summary>
public static class RequestBody
{
    /// <summary>The decoded body, or null when it is longer than <paramref name="maxBytes"/> (answer 413).</summary>
    /// <exception cref="InvalidDataException">The body is not valid for its encoding.</exception>
    /// <exception cref="NotSupportedException">An encoding other than identity, gzip or deflate.</exception>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancel = default)
    {
        if (request.ContentLength > maxBytes && IsIdentity(request)) return null;
        await using var decoded = Decoder(request);
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        while (true)
        {
            int read = await decoded.ReadAsync(chunk, cancel).ConfigureAwait(false);
            if (read == 0) return buffer.ToArray();
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
    }

    private static bool IsIdentity(HttpRequest request) =>
        request.Headers.ContentEncoding.ToString() is "" or "identity";

    private static Stream Decoder(HttpRequest request)
    {
        var encoding = request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        return encoding switch
        {
            "" or "identity" => new NonDisposingStream(request.Body),
            "gzip" or "x-gzip" => new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            "deflate" => new ZLibStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            _ => throw new NotSupportedException($"unsupported Content-Encoding {encoding}"),
        };
    }

    /// <summary>The request body belongs to the server; the decoder chain must not close it.</summary>
    private sealed class NonDisposingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
