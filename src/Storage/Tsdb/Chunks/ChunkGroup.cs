namespace Mlobs.Storage.Tsdb.Chunks;

/// <summary>
/// Several consecutive chunks of one series stored as one row: each chunk prefixed by its uvarint length
/// (written by PendingChunks.ToGroup).
/// Grouping amortises SQLite's per-row and index cost over many chunks.
/// </summary>
internal static class ChunkGroup
{
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
