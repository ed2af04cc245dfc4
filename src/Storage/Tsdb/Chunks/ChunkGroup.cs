using System.Buffers;

namespace Mlobs.Storage.Tsdb.Chunks;

/// <summary>
/// Several consecutive chunks of one series stored as one row: each chunk prefixed by its uvarint length.
/// Grouping amortises SQLite's per-row and index cost over many chunks.
/// </summary>
internal static class ChunkGroup
{
    public static void Append(ArrayBufferWriter<byte> w, byte[] chunk)
    {
        Varint.WriteUnsigned(w, (ulong)chunk.Length);
        chunk.CopyTo(w.GetSpan(chunk.Length));
        w.Advance(chunk.Length);
    }

    public static byte[] Encode(IEnumerable<byte[]> chunks)
    {
        var w = new ArrayBufferWriter<byte>(512);
        foreach (var c in chunks) Append(w, c);
        return w.WrittenSpan.ToArray();
    }

    /// <summary>Adds (offset, length) of each chunk inside a group blob.</summary>
    public static void Split(byte[] group, List<(byte[] Data, int Offset, int Length)> into)
    {
        int pos = 0;
        while (pos < group.Length)
        {
            int len = (int)Varint.ReadUnsigned(group, ref pos);
            if (len < 0 || pos + len > group.Length) throw new InvalidDataException("chunk group truncated");
            into.Add((group, pos, len));
            pos += len;
        }
    }
}
