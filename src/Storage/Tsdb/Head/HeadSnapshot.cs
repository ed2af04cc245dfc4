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
    public readonly record struct Entry(ulong SeriesRef, List<PendingChunk> Pending, byte[]? Open);

    /// <summary>Writes the snapshot into a reused buffer (it is megabytes at 10k series; no per-checkpoint copy).</summary>
    public static void Encode(ArrayBufferWriter<byte> w, IEnumerable<MemSeries> series)
    {
        w.Clear();
        var list = series.Where(s => s.HeadChunk is not null || s.Pending is { Count: > 0 }).ToList();
        Varint.WriteUnsigned(w, (ulong)list.Count);
        foreach (var s in list)
        {
            Varint.WriteUnsigned(w, s.Ref);
            var pending = s.Pending ?? [];
            Varint.WriteUnsigned(w, (ulong)pending.Count);
            foreach (var p in pending)
            {
                Varint.WriteSigned(w, p.MinTime);
                Varint.WriteSigned(w, p.MaxTime);
                ChunkGroup.Append(w, p.Data);
            }
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
            var pending = new List<PendingChunk>(np);
            for (int j = 0; j < np; j++)
            {
                long min = Varint.ReadSigned(data, ref pos);
                long max = Varint.ReadSigned(data, ref pos);
                pending.Add(new PendingChunk(min, max, ReadBytes(data, ref pos)!));
            }
            result.Add(new Entry(r, pending, ReadBytes(data, ref pos)));
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
