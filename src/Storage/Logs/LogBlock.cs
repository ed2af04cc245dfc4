using System.Buffers;
using System.IO.Compression;
using System.Text;

namespace Mlobs.Storage.Logs;

/// <summary>
/// A block: consecutive lines of one stream, compressed together as one row (Loki's chunk, in SQLite). Before
/// deflate the layout is <c>count</c>, then per line <c>(timestamp delta, byte length)</c> as varints (the first delta
/// is from the block's <c>min_ts</c>, the rest from the previous line, lines in time order), then every line's UTF-8
/// bytes back to back. Keeping the small header apart from the text lets a reader find each line without scanning
/// the text, and lets deflate see the text as one run. Service logs compress to about an eighth.
/// </summary>
public static class LogBlock
{
    /// <summary>Encodes lines (sorted by timestamp) into a compressed block; returns it with its uncompressed size.</summary>
    /// <paramref name="trigrams"/>, when given, gathers the lines' trigrams for the text index on the way.
    public static (byte[] Data, int RawBytes) Encode(ReadOnlySpan<(long Ts, string Line)> lines, long minTs, TrigramSet? trigrams = null)
    {
        var raw = new ArrayBufferWriter<byte>(64 * 1024);
        Varint.WriteUnsigned(raw, (ulong)lines.Length);
        long prev = minTs;
        foreach (var (ts, line) in lines)
        {
            Varint.WriteUnsigned(raw, (ulong)(ts - prev));
            Varint.WriteUnsigned(raw, (ulong)Encoding.UTF8.GetByteCount(line));
            prev = ts;
        }
        foreach (var (_, line) in lines)
        {
            var span = raw.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length));
            int written = Encoding.UTF8.GetBytes(line, span);
            trigrams?.Add(span[..written]);
            raw.Advance(written);
        }
        var compressed = new MemoryStream(raw.WrittenCount / 6 + 64);
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            deflate.Write(raw.WrittenSpan);
        return (compressed.ToArray(), raw.WrittenCount);
    }

    /// <summary>Inflates a block into <paramref name="into"/> (reused across blocks) and indexes its lines.</summary>
    public static void Decode(byte[] data, int rawBytes, long minTs, DecodedLogBlock into)
    {
        into.Reset(rawBytes);
        try
        {
            using var inflate = new DeflateStream(new MemoryStream(data, writable: false), CompressionMode.Decompress);
            inflate.ReadExactly(into.Bytes.AsSpan(0, rawBytes));
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"log block: fewer than the {rawBytes} bytes recorded");
        }
        var bytes = into.Bytes.AsSpan(0, rawBytes);
        int pos = 0;
        int count = checked((int)Varint.ReadUnsigned(bytes, ref pos));
        into.EnsureLines(count);
        long ts = minTs;
        for (int i = 0; i < count; i++)
        {
            ts += (long)Varint.ReadUnsigned(bytes, ref pos);
            into.Timestamps[i] = ts;
            into.Lengths[i] = checked((int)Varint.ReadUnsigned(bytes, ref pos));
        }
        for (int i = 0; i < count; i++)
        {
            into.Offsets[i] = pos;
            pos += into.Lengths[i];
        }
        if (pos != rawBytes) throw new InvalidDataException($"log block: lines end at byte {pos} of {rawBytes}");
        into.Count = count;
    }
}

/// <summary>A block's lines after inflating: timestamps, and where each line's bytes are. Buffers are pooled.</summary>
public sealed class DecodedLogBlock : IDisposable
{
    public byte[] Bytes { get; private set; } = [];
    public long[] Timestamps { get; private set; } = [];
    public int[] Offsets { get; private set; } = [];
    public int[] Lengths { get; private set; } = [];
    public int Count { get; internal set; }

    public ReadOnlySpan<byte> Line(int i) => Bytes.AsSpan(Offsets[i], Lengths[i]);

    internal void Reset(int rawBytes)
    {
        Count = 0;
        if (Bytes.Length < rawBytes)
        {
            if (Bytes.Length > 0) ArrayPool<byte>.Shared.Return(Bytes);
            Bytes = ArrayPool<byte>.Shared.Rent(rawBytes);
        }
    }

    internal void EnsureLines(int count)
    {
        if (Timestamps.Length >= count) return;
        int size = Math.Max(count, Timestamps.Length * 2);
        Timestamps = new long[size];
        Offsets = new int[size];
        Lengths = new int[size];
    }

    public void Dispose()
    {
        if (Bytes.Length > 0) ArrayPool<byte>.Shared.Return(Bytes);
        Bytes = [];
    }
}
