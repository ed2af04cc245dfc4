using Mlobs.Storage.Tsdb.Head;

namespace Mlobs.Storage.Tsdb.Chunks;

/// <summary>
/// Encodes a run of samples (in time order, unique timestamps) straight into chunk group rows with the head's
/// rules: a chunk is cut at <see cref="TsdbOptions.SamplesPerChunk"/> samples or <see cref="TsdbOptions.MaxChunkSpanMs"/>,
/// each chunk in its smallest encoding, and a group holds <see cref="TsdbOptions.ChunksPerGroup"/> chunks and never
/// spans more than <see cref="TsdbOptions.MaxGroupSpanMs"/> (queries bound how far back a group may start). Used where
/// history is rewritten rather than appended: backfill merged into persisted groups, duplicate series joined.
/// </summary>
internal sealed class GroupBuilder(TsdbOptions options)
{
    private readonly ChunkRecoder _recoder = new();

    public readonly record struct Group(long MinTime, long MaxTime, byte[] Data);

    public List<Group> Build(ReadOnlySpan<long> timestamps, ReadOnlySpan<double> values)
    {
        var groups = new List<Group>();
        byte[]? pending = null;
        int pendingCount = 0;
        var head = new ChunkAppender(ChunkEncoding.DecimalDelta, 0, 2, 256);
        for (int i = 0; i < timestamps.Length; i++)
        {
            long t = timestamps[i];
            if (head.Count > 0 && (head.Count >= options.SamplesPerChunk || t - head.MinTime >= options.MaxChunkSpanMs))
            {
                Cut(head, ref pending, ref pendingCount, groups);
                head.Reset(ChunkEncoding.DecimalDelta, 0, 2);
            }
            head.Append(t, values[i]);
        }
        if (head.Count > 0) Cut(head, ref pending, ref pendingCount, groups);
        if (pending is not null) groups.Add(ToGroup(pending));
        return groups;
    }

    private void Cut(ChunkAppender head, ref byte[]? pending, ref int pendingCount, List<Group> groups)
    {
        var (bytes, _) = _recoder.Recode(head);
        if (pending is not null && head.MaxTime - PendingChunks.FirstMinTime(pending) >= options.MaxGroupSpanMs)
        {
            groups.Add(ToGroup(pending));
            pending = null;
            pendingCount = 0;
        }
        pending = PendingChunks.Add(pending, head.MinTime, head.MaxTime, bytes);
        pendingCount++;
        if (pendingCount >= options.ChunksPerGroup || head.MaxTime - PendingChunks.FirstMinTime(pending) >= options.MaxGroupSpanMs)
        {
            groups.Add(ToGroup(pending));
            pending = null;
            pendingCount = 0;
        }
    }

    private static Group ToGroup(byte[] pending)
    {
        var (data, min, max) = PendingChunks.ToGroup(pending);
        return new Group(min, max, data);
    }
}
