namespace Mlobs.Storage.Tsdb.Head;

/// <summary>
/// A series' finished chunks that wait to be written as one group row, kept as one exactly-sized array in the
/// head snapshot's per-chunk format (zig-zag varint min and max time, uvarint length, chunk bytes) instead of a
/// list of records and arrays: at 10k series with up to three pending chunks each that saved ~250 bytes per
/// series, and a checkpoint copies the array as it is.
/// </summary>
internal static class PendingChunks
{
    public readonly record struct Chunk(long MinTime, long MaxTime, int Offset, int Length);

    /// <summary>A new array holding the old chunks and one more (cuts happen once per ~120 samples per series).</summary>
    public static byte[] Add(byte[]? pending, long minTime, long maxTime, ReadOnlySpan<byte> chunk)
    {
        int old = pending?.Length ?? 0;
        ulong zMin = Varint.ZigZag(minTime), zMax = Varint.ZigZag(maxTime);
        var result = new byte[old + Varint.Size(zMin) + Varint.Size(zMax) + Varint.Size((ulong)chunk.Length) + chunk.Length];
        pending?.CopyTo(result, 0);
        int pos = old;
        Varint.WriteUnsigned(result, ref pos, zMin);
        Varint.WriteUnsigned(result, ref pos, zMax);
        Varint.WriteUnsigned(result, ref pos, (ulong)chunk.Length);
        chunk.CopyTo(result.AsSpan(pos));
        return result;
    }

    public static Enumerator Enumerate(byte[]? pending) => new(pending);

    public static long FirstMinTime(byte[] pending)
    {
        int pos = 0;
        return Varint.ReadSigned(pending, ref pos);
    }

    public static int Count(byte[]? pending)
    {
        int n = 0;
        foreach (var _ in Enumerate(pending)) n++;
        return n;
    }

    /// <summary>The chunk group row (uvarint length + bytes per chunk, see ChunkGroup) and its time range.</summary>
    public static (byte[] Group, long MinTime, long MaxTime) ToGroup(byte[] pending)
    {
        int size = 0;
        long min = long.MaxValue, max = long.MinValue;
        foreach (var c in Enumerate(pending))
        {
            size += Varint.Size((ulong)c.Length) + c.Length;
            min = Math.Min(min, c.MinTime);
            max = Math.Max(max, c.MaxTime);
        }
        var group = new byte[size];
        int pos = 0;
        foreach (var c in Enumerate(pending))
        {
            Varint.WriteUnsigned(group, ref pos, (ulong)c.Length);
            pending.AsSpan(c.Offset, c.Length).CopyTo(group.AsSpan(pos));
            pos += c.Length;
        }
        return (group, min, max);
    }

    /// <summary>
    /// Reads <paramref name="count"/> chunks in this format from <paramref name="data"/> at pos (a head snapshot
    /// entry) and returns them as one pending array, or null when count is 0.
    /// </summary>
    public static byte[]? Read(byte[] data, ref int pos, int count)
    {
        int start = pos;
        for (int i = 0; i < count; i++)
        {
            Varint.ReadUnsigned(data, ref pos);
            Varint.ReadUnsigned(data, ref pos);
            int len = (int)Varint.ReadUnsigned(data, ref pos);
            if (len < 0 || pos + len > data.Length) throw new InvalidDataException("head snapshot truncated");
            pos += len;
        }
        return count == 0 ? null : data.AsSpan(start, pos - start).ToArray();
    }

    public struct Enumerator(byte[]? pending)
    {
        private int _pos;

        public Chunk Current { get; private set; }

        public readonly Enumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (pending is null || _pos >= pending.Length) return false;
            long min = Varint.ReadSigned(pending, ref _pos);
            long max = Varint.ReadSigned(pending, ref _pos);
            int len = (int)Varint.ReadUnsigned(pending, ref _pos);
            Current = new Chunk(min, max, _pos, len);
            _pos += len;
            return true;
        }
    }
}
