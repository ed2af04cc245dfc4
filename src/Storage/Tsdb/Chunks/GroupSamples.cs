namespace Mlobs.Storage.Tsdb.Chunks;

/// <summary>Reads whole chunk groups (see <see cref="ChunkGroup"/>) back into samples, for the paths that rewrite history.</summary>
internal static class GroupSamples
{
    /// <summary>Every sample of one group, in order.</summary>
    public static (long[] Timestamps, double[] Values) Decode(byte[] group)
    {
        var ts = new List<long>();
        var vs = new List<double>();
        AppendTo(group, ts, vs);
        return (ts.ToArray(), vs.ToArray());
    }

    /// <summary>Appends every sample of one group to the lists; throws InvalidDataException on a damaged chunk.</summary>
    public static void AppendTo(byte[] group, List<long> timestamps, List<double> values)
    {
        var chunks = new List<(byte[] Data, int Offset, int Length)>();
        ChunkGroup.Split(group, chunks);
        var it = new ChunkIterator();
        foreach (var (data, offset, length) in chunks)
        {
            it.Reset(data, offset, length);
            while (it.Next())
            {
                timestamps.Add(it.Timestamp);
                values.Add(it.Value);
            }
            if (it.Error is { } error) throw new InvalidDataException(error);
        }
    }
}
