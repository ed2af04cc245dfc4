using Mlobs.Storage.Tsdb.Chunks;

namespace Mlobs.Storage.Tests.Tsdb.Chunks;

public class BitBufferTests
{
    [Fact]
    public void WritesOfEveryWidthAtEveryOffsetReadBack()
    {
        var rng = new Random(7);
        var w = new BitBuffer(8);
        var written = new List<(ulong Value, int Count)>();
        for (int i = 0; i < 5000; i++)
        {
            int count = rng.Next(0, 65);
            ulong value = (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 40);
            switch (rng.Next(3))
            {
                case 0: w.WriteBits(value, count); break;
                case 1: count = Math.Min(count, 40); w.WriteOnes(count); value = count == 64 ? ulong.MaxValue : (1UL << count) - 1; break;
                default: count = 1; w.WriteBit((value & 1) != 0); break;
            }
            written.Add((count == 64 ? value : value & ((1UL << count) - 1), count));
        }
        var bytes = w.Written.ToArray();
        var r = new BitReader(Padded(bytes), bytes.Length);
        foreach (var (value, count) in written) Assert.Equal(value, r.ReadBits(count));
        Assert.False(r.Overrun);
        Assert.Equal((written.Sum(x => x.Count) + 7) / 8, bytes.Length);
    }

    [Fact]
    public void RiceCodesOfAllSizesRoundTrip()
    {
        var w = new BitBuffer(32);
        var codes = new List<(ulong Z, int K)>();
        for (int k = 0; k <= 24; k++)
            foreach (ulong z in new ulong[] { 0, 1, 2, 3, 15, 16, 17, 1000, 1UL << 20, 1UL << 40, ulong.MaxValue >> 1 })
            {
                RiceCode.Write(ref w, z, k);
                codes.Add((z, k));
            }
        var bytes = w.Written.ToArray();
        var r = new BitReader(Padded(bytes), bytes.Length);
        var fast = new BitReader(Padded(bytes), bytes.Length);
        long bits = 0;
        foreach (var (z, k) in codes)
        {
            Assert.True(RiceCode.TryRead(ref r, k, out var read, out _));
            Assert.Equal(z, read);
            // The one-window fast path either reads the same code or declines without consuming anything.
            if (!fast.TryReadRice(k, RiceCode.MaxUnary, out var quick)) Assert.True(RiceCode.TryRead(ref fast, k, out quick, out _));
            Assert.Equal(z, quick);
            Assert.Equal(r.Position, fast.Position);
            bits += RiceCode.Cost(z, k);
        }
        Assert.Equal(bits, w.BitLength);
    }

    [Fact]
    public void ReadsPastTheEndGiveZeroBitsAndFlagAnOverrun()
    {
        var r = new BitReader(Padded([0xFF]), 1);
        Assert.Equal(0xFFUL, r.ReadBits(8));
        Assert.False(r.Overrun);
        Assert.Equal(0UL, r.ReadBits(64));
        Assert.Equal(0UL, r.ReadBits(64));
        Assert.True(r.Overrun);
    }

    private static byte[] Padded(byte[] data)
    {
        var padded = new byte[data.Length + BitReader.Padding];
        data.CopyTo(padded, 0);
        return padded;
    }
}
