using System.Security.Cryptography;
using System.Text;
using Mlobs.Storage.Logs;

namespace Mlobs.Ingest.Tail;

/// <summary>
/// Follows one file — one <see cref="FileIdentity"/>, whatever path it has — through a handle kept open, as a
/// production tailer does. Only complete lines (ending in '\n') are taken; the offset advances past the last one.
/// The same file shorter than what was read, or whose first line changed, was truncated (copytruncate, <c>&gt;</c>):
/// it is read again from the start. A file renamed away by rotation, or deleted, is drained through the handle
/// (<see cref="StartDraining"/>) until it stops growing; its last unterminated line is then complete. Lines longer
/// than the limit are cut there and counted.
/// </summary>
public sealed class FileTailer : IDisposable
{
    private readonly FileStream _stream;
    private readonly int _maxLineBytes;
    private string _fingerprint = "";
    private long _offset;
    private long _lastLength;
    private DateTime _lastGrowth = DateTime.UtcNow;

    /// <summary>At most this much is read per poll, so one transaction (and the memory it takes) stays bounded.</summary>
    public const int MaxBytesPerPoll = 4 << 20;

    private FileTailer(FileStream stream, FileIdentity identity, string path, int maxLineBytes)
    {
        _stream = stream;
        _maxLineBytes = maxLineBytes;
        Identity = identity;
        Path = path;
    }

    /// <summary>Opens the file a path names now, or null when it cannot be opened.</summary>
    public static FileTailer? Open(string path, int maxLineBytes)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, Options = FileOptions.SequentialScan,
            });
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return null;
        }
        if (FileIdentity.Of(stream.SafeFileHandle) is not { } status)
        {
            stream.Dispose();
            return null;
        }
        var tailer = new FileTailer(stream, status.Identity, path, maxLineBytes);
        tailer._fingerprint = tailer.Fingerprint();
        return tailer;
    }

    public FileIdentity Identity { get; }

    /// <summary>The path the file was last seen under in the sources' globs (the <c>filename</c> label of its lines).</summary>
    public string Path { get; set; }

    public long TruncatedLines { get; private set; }

    /// <summary>Whether the last poll stopped at <see cref="MaxBytesPerPoll"/> with more to read.</summary>
    public bool Behind { get; private set; }

    /// <summary>The file left the sources' globs (renamed away, deleted): it is read until it stops growing, then closed.</summary>
    public bool Draining { get; private set; }

    public FilePosition Position => new(Path, _fingerprint, _offset, Identity.ToString());

    /// <summary>Starts from a stored position of this file when its first line is still the same, else from the beginning.</summary>
    public void Resume(FilePosition saved)
    {
        if (saved.Fingerprint.Length > 0 && saved.Fingerprint == _fingerprint && saved.Offset <= _stream.Length) _offset = saved.Offset;
    }

    public void StartDraining() => Draining = true;

    /// <summary>Back in a glob (a file renamed back, or into another matching name): followed as before.</summary>
    public void StopDraining() => Draining = false;

    /// <summary>Draining and not grown for <paramref name="idle"/>: what is left can be read for the last time.</summary>
    public bool DrainedOut(TimeSpan idle) => Draining && !Behind && DateTime.UtcNow - _lastGrowth >= idle;

    /// <summary>Reads the complete lines written since the last call.</summary>
    public List<string> Poll()
    {
        var lines = new List<string>();
        long length = _stream.Length;
        if (length != _lastLength) { _lastGrowth = DateTime.UtcNow; _lastLength = length; }
        if (!Draining)
        {
            // Truncated in place: shorter than what was read, or rewritten with another first line before it grew past it.
            if (length < _offset) _offset = 0;
            else if (_offset > 0 && Fingerprint() is { Length: > 0 } now && _fingerprint.Length > 0 && now != _fingerprint) _offset = 0;
            if (_offset == 0) _fingerprint = Fingerprint();
        }
        ReadLines(lines, length, finalPartial: false);
        return lines;
    }

    /// <summary>Everything left, the last line complete even without its '\n' (the file grows no more).</summary>
    public List<string> Finish()
    {
        var lines = new List<string>();
        ReadLines(lines, _stream.Length, finalPartial: true);
        return lines;
    }

    private void ReadLines(List<string> into, long length, bool finalPartial)
    {
        Behind = false;
        if (length <= _offset) return;
        if (!finalPartial && length - _offset > MaxBytesPerPoll)
        {
            length = _offset + MaxBytesPerPoll;
            Behind = true;
        }
        var s = _stream;
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
            into.Add(Finish(line, ref cut));
            consumed = length;
        }
        _offset = consumed;
    }

    private void Append(MemoryStream line, ReadOnlySpan<byte> bytes, ref bool cut)
    {
        int room = _maxLineBytes - (int)line.Length;
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

    /// <summary>A hash of the file's first line (up to 1 KiB), read through the handle; empty while it has no complete line.</summary>
    private string Fingerprint()
    {
        var head = new byte[1024];
        int n;
        try { n = RandomAccess.Read(_stream.SafeFileHandle, head, 0); }
        catch (IOException) { return ""; }
        int end = Array.IndexOf(head, (byte)'\n', 0, n);
        if (end < 0 && n < head.Length) return "";
        return Convert.ToHexString(SHA256.HashData(head.AsSpan(0, end < 0 ? n : end)))[..16];
    }

    public void Dispose() => _stream.Dispose();
}
