using System.Security.Cryptography;
using System.Text;
using Mlobs.Storage.Logs;

namespace Mlobs.Appliance.Logs;

/// <summary>
/// Follows one log file as a production tailer does. Only complete lines (ending in '\n') are taken; the offset
/// advances past the last one. A file is known by a hash of its first line, so rotation by rename + create is seen
/// (the path now holds a different file: the old one is drained through the handle still open on it, then the new
/// one is read from its start), as is copytruncate or truncation (the file shrank below the offset: read from the
/// start). Lines longer than the limit are cut there and counted.
/// </summary>
public sealed class FileTailer(string path, int maxLineBytes) : IDisposable
{
    private FileStream? _stream;
    private string _fingerprint = "";
    private long _offset;

    /// <summary>At most this much is read per poll, so one transaction (and the memory it takes) stays bounded.</summary>
    public const int MaxBytesPerPoll = 4 << 20;

    public string Path => path;
    public long TruncatedLines { get; private set; }

    /// <summary>Whether the last poll stopped at <see cref="MaxBytesPerPoll"/> with more to read.</summary>
    public bool Behind { get; private set; }

    public FilePosition Position => new(path, _fingerprint, _offset);

    /// <summary>Starts from a stored position when it is for the same file, else from the beginning.</summary>
    public void Resume(FilePosition? saved)
    {
        if (!Open()) return;
        if (saved is { } p && p.Fingerprint.Length > 0 && p.Fingerprint == _fingerprint && p.Offset <= _stream!.Length) _offset = p.Offset;
    }

    /// <summary>Reads the complete lines written since the last call (and drains a rotated-away file first).</summary>
    public List<string> Poll()
    {
        var lines = new List<string>();
        if (_stream is null && !Open()) return lines;
        // Rotated? The path now names a file whose first line differs from ours.
        string current = FingerprintOf(path);
        if (current.Length > 0 && _fingerprint.Length > 0 && current != _fingerprint)
        {
            ReadLines(lines, finalPartial: true);
            _stream!.Dispose();
            _stream = null;
            _offset = 0;
            _fingerprint = "";
            if (!Open()) return lines;
        }
        if (_fingerprint.Length == 0) _fingerprint = current;
        // Truncated (copytruncate, or > file): start over.
        if (_stream!.Length < _offset) _offset = 0;
        ReadLines(lines, finalPartial: false);
        return lines;
    }

    private bool Open()
    {
        try
        {
            _stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, Options = FileOptions.SequentialScan,
            });
            _fingerprint = FingerprintOf(path);
            _offset = 0;
            return true;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            _stream = null;
            return false;
        }
    }

    private void ReadLines(List<string> into, bool finalPartial)
    {
        var s = _stream!;
        long length = s.Length;
        Behind = false;
        if (length <= _offset) return;
        if (!finalPartial && length - _offset > MaxBytesPerPoll)
        {
            length = _offset + MaxBytesPerPoll;
            Behind = true;
        }
        s.Position = _offset;
        var buffer = new byte[64 * 1024];
        var line = new MemoryStream();
        bool cut = false;
        long consumed = _offset;
        while (s.Position < length)
        {
            int n = s.Read(buffer, 0, (int)Math.Min(buffer.Length, length - s.Position));
            if (n <= 0) break;
            int start = 0;
            for (int i = 0; i < n; i++)
            {
                if (buffer[i] != (byte)'\n') continue;
                Append(line, buffer.AsSpan(start, i - start), ref cut);
                into.Add(Finish(line, ref cut));
                start = i + 1;
                consumed = s.Position - n + i + 1;
            }
            Append(line, buffer.AsSpan(start, n - start), ref cut);
        }
        if (finalPartial && line.Length > 0)
        {
            // A rotated-away file grows no more: its unterminated last line is complete.
            into.Add(Finish(line, ref cut));
            consumed = length;
        }
        _offset = consumed;
    }

    private void Append(MemoryStream line, ReadOnlySpan<byte> bytes, ref bool cut)
    {
        int room = maxLineBytes - (int)line.Length;
        if (bytes.Length > room) cut = true;
        if (room > 0) line.Write(bytes[..Math.Min(room, bytes.Length)]);
    }

    private string Finish(MemoryStream line, ref bool cut)
    {
        var span = line.GetBuffer().AsSpan(0, (int)line.Length);
        if (span.Length > 0 && span[^1] == (byte)'\r') span = span[..^1];
        var text = Encoding.UTF8.GetString(span);
        if (cut) TruncatedLines++;
        cut = false;
        line.SetLength(0);
        return text;
    }

    /// <summary>A hash of the file's first line (up to 1 KiB); empty while the file has no complete line.</summary>
    private static string FingerprintOf(string path)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var head = new byte[1024];
            int n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            int end = Array.IndexOf(head, (byte)'\n', 0, n);
            if (end < 0 && n < head.Length) return "";
            return Convert.ToHexString(SHA256.HashData(head.AsSpan(0, end < 0 ? n : end)))[..16];
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return "";
        }
    }

    public void Dispose() => _stream?.Dispose();
}
