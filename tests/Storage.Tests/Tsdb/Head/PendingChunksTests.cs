using Mlobs.Storage.Tsdb.Chunks;
using Mlobs.Storage.Tsdb.Head;

namespace Mlobs.Storage.Tests.Tsdb.Head;

public class PendingChunksTests
{
    [Fact]
    public void KeepsChunksWithTheirTimesAndBecomesAGroupRow()
    {
        byte[]? pending = null;
        var chunks = new[] { new byte[] { 1, 2, 3 }, Enumerable.Range(0, 300).Select(i => (byte)i).ToArray(), new byte[] { 9 } };
        long[] mins = [-5, 1_700_000_000_000, 1_700_000_120_000];
        long[] maxs = [100, 1_700_000_119_000, 1_700_000_239_000];
        for (int i = 0; i < chunks.Length; i++) pending = PendingChunks.Add(pending, mins[i], maxs[i], chunks[i]);

        Assert.Equal(3, PendingChunks.Count(pending));
        Assert.Equal(-5, PendingChunks.FirstMinTime(pending!));
        int n = 0;
        foreach (var c in PendingChunks.Enumerate(pending))
        {
            Assert.Equal((mins[n], maxs[n]), (c.MinTime, c.MaxTime));
            Assert.Equal(chunks[n], pending.AsSpan(c.Offset, c.Length).ToArray());
            n++;
        }

        var (group, min, max) = PendingChunks.ToGroup(pending!);
        Assert.Equal((-5L, 1_700_000_239_000L), (min, max));
        var split = new List<(byte[] Data, int Offset, int Length)>();
        ChunkGroup.Split(group, split);
        Assert.Equal(chunks, split.Select(s => s.Data.AsSpan(s.Offset, s.Length).ToArray()));

        // The snapshot stores the same bytes after a count; reading them back gives the same array.
        int pos = 0;
        Assert.Equal(pending, PendingChunks.Read(pending!, ref pos, 3));
        Assert.Equal(pending!.Length, pos);
    }
}
