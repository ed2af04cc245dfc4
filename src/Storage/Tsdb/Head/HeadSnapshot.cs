using System.Buffers;
using Mlobs.Storage.Tsdb.Chunks;

namespace Mlobs.Storage.Tsdb.Head;

/// <summary>
/// The checkpoint of everything that lives only in memory: per series, its pending finished chunks and its
/// open head chunk, as one blob. Format: uvarint entry count; per entry uvarint series ref, uvarint pending
/// count, per pending chunk zig-zag min/max time, uvarint length and bytes; then uvarint length and bytes of
/// the open chunk (0 = none).
/// </summary>
internal static class HeadSnapshot
{
    public readonly record struct Entry(ulong SeriesRef, byte[]? Pending, int PendingCount, byte[]? Open);

    /// <summary>
    /// Streams the snapshot through a small reused buffer: it is megabytes at 10k series, and a single array that
    /// size would live on the large-object heap between checkpoints. Returns the bytes written.
    /// </summary>
    public static long Write(Stream destination, ArrayBufferWriter<byte> scratch, List<MemSeries> withData)
    {
        long total = 0;
        scratch.Clear();
        Varint.WriteUnsigned(scratch, (ulong)withData.Count);
        foreach (var s in withData)
        {
            WriteEntry(scratch, s);
            if (scratch.WrittenCount >= 32 * 1024) total += Flush(destination, scratch);
        }
        return total + Flush(destination, scratch);
    }

    /// <summary>The exact size <see cref="Write"/> will produce (the blob is allocated at this size first).</summary>
    public static long Size(List<MemSeries> withData)
    {
        long size = Varint.Size((ulong)withData.Count);
        foreach (var s in withData)
        {
            size += Varint.Size(s.Ref);
            size += Varint.Size((ulong)s.PendingCount) + (s.Pending?.Length ?? 0);
            size += s.HeadChunk is { } h ? Varint.Size((ulong)h.SizeBytes) + h.SizeBytes : 1;
        }
        return size;
    }

    public static List<MemSeries> WithData(IEnumerable<MemSeries> series) =>
        series.Where(s => s.HeadChunk is not null || s.Pending is not null).ToList();

    private static long Flush(Stream destination, ArrayBufferWriter<byte> scratch)
    {
        int n = scratch.WrittenCount;
        destination.Write(scratch.WrittenSpan);
        scratch.Clear();
        return n;
    }

    private static void WriteEntry(ArrayBufferWriter<byte> w, MemSeries s)
    {
        {
            Varint.WriteUnsigned(w, s.Ref);
            // The pending array is already in this format.
            Varint.WriteUnsigned(w, (ulong)s.PendingCount);
            if (s.Pending is { } pending) w.Write(pending);
            if (s.HeadChunk is { } head)
            {
                int len = head.SizeBytes;
                Varint.WriteUnsigned(w, (ulong)len);
                head.WriteTo(w.GetSpan(len));
                w.Advance(len);
            }
            else Varint.WriteUnsigned(w, 0);
        }
    }

    public static List<Entry> Decode(byte[] data)
    {
        int pos = 0;
        int n = (int)Varint.ReadUnsigned(data, ref pos);
        var result = new List<Entry>(n);
        for (int i = 0; i < n; i++)
        {
            ulong r = Varint.ReadUnsigned(data, ref pos);
            int np = (int)Varint.ReadUnsigned(data, ref pos);
            var pending = PendingChunks.Read(data, ref pos, np);
            result.Add(new Entry(r, pending, np, ReadBytes(data, ref pos)));
        }
        return result;
    }

    private static byte[]? ReadBytes(byte[] data, ref int pos)
    {
        int len = (int)Varint.ReadUnsigned(data, ref pos);
        if (len == 0) return null;
        if (pos + len > data.Length) throw new InvalidDataException("head snapshot truncated");
        var b = data.AsSpan(pos, len).ToArray();
        pos += len;
        return b;
    }
}
