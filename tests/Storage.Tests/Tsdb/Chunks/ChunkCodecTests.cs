using Mlobs.Model;
using Mlobs.Storage.Tsdb.Chunks;

namespace Mlobs.Storage.Tests.Tsdb.Chunks;

public class ChunkCodecTests
{
    public static TheoryData<ChunkEncoding> Encodings => new() { ChunkEncoding.Xor, ChunkEncoding.DecimalDelta, ChunkEncoding.DecimalDoubleDelta };

    private static (long, double)[] RoundTrip(ChunkEncoding enc, (long T, double V)[] samples, int tsK = 0, int valK = 2)
    {
        var app = new ChunkAppender(enc, tsK, valK);
        foreach (var (t, v) in samples) app.Append(t, v);
        var it = new ChunkIterator().Reset(app.ToBytes());
        var result = new List<(long, double)>();
        while (it.Next()) result.Add((it.Timestamp, it.Value));
        Assert.Null(it.Error);
        return result.ToArray();
    }

    private static (long, double)[] Decode(byte[] chunk)
    {
        var it = new ChunkIterator().Reset(chunk);
        var result = new List<(long, double)>();
        while (it.Next()) result.Add((it.Timestamp, it.Value));
        Assert.Null(it.Error);
        return result.ToArray();
    }

    private static void AssertBitsEqual((long T, double V)[] expected, (long T, double V)[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].T, actual[i].T);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected[i].V), BitConverter.DoubleToInt64Bits(actual[i].V));
        }
    }

    [Theory, MemberData(nameof(Encodings))]
    public void SpecialValuesRoundTripBitExact(ChunkEncoding enc)
    {
        var samples = new (long, double)[]
        {
            (1000, 0.37), (2000, double.NaN), (3000, StaleNaN.Value), (4000, double.PositiveInfinity),
            (5000, double.NegativeInfinity), (6000, 0.41), (7000, -0.0), (8000, 0.1 + 0.2), (9000, 1e300),
            (10000, -12345678.25), (11000, double.Epsilon), (12000, 0), (13000, 1.7e9), (14000, 42),
        };
        AssertBitsEqual(samples, RoundTrip(enc, samples));
    }

    [Theory, MemberData(nameof(Encodings))]
    public void LargeGapsAndIrregularTimestamps(ChunkEncoding enc)
    {
        var samples = new (long, double)[] { (-5000, 1), (0, 2), (1, 3), (86_400_000L * 365, 4), (86_400_000L * 365 + 15_000, 5), (long.MaxValue / 2, 6) };
        AssertBitsEqual(samples, RoundTrip(enc, samples));
    }

    [Theory, MemberData(nameof(Encodings))]
    public void RandomWalkRoundTrips(ChunkEncoding enc)
    {
        var rng = new Random(42);
        var samples = new (long, double)[120];
        double x = 0.5;
        long t = 1_700_000_000_000;
        for (int i = 0; i < samples.Length; i++)
        {
            x += (rng.NextDouble() - 0.5) * 0.01;
            t += 15_000 + rng.Next(-3, 4);
            samples[i] = (t, Math.Round(x, 3));
        }
        AssertBitsEqual(samples, RoundTrip(enc, samples, tsK: 2, valK: 3));
    }

    [Fact]
    public void DecimalGaugeIsFarSmallerThanXor()
    {
        var rng = new Random(7);
        var samples = new (long, double)[120];
        double x = 0.9;
        for (int i = 0; i < samples.Length; i++)
        {
            x += (rng.NextDouble() - 0.5) * 0.004;
            samples[i] = (i * 1000L, double.Parse(x.ToString("G3", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture));
        }
        var xor = new ChunkAppender(ChunkEncoding.Xor, 0, 0);
        var dec = new ChunkAppender(ChunkEncoding.DecimalDelta, 0, 1);
        foreach (var (t, v) in samples) { xor.Append(t, v); dec.Append(t, v); }
        Assert.True(dec.SizeBytes * 3 < xor.SizeBytes, $"decimal {dec.SizeBytes} bytes vs xor {xor.SizeBytes}");
        Assert.True(dec.SizeBytes < 96, $"decimal chunk {dec.SizeBytes} bytes for 120 samples");
    }

    [Fact]
    public void RecoderPicksSmallestAndPreservesSamples()
    {
        var app = new ChunkAppender(ChunkEncoding.Xor, 0, 0);
        var samples = new (long, double)[120];
        for (int i = 0; i < samples.Length; i++) samples[i] = (i * 1000L, 1000 + i * 17);
        foreach (var (t, v) in samples) app.Append(t, v);
        var (bytes, choice) = new ChunkRecoder().Recode(app);
        Assert.Equal(ChunkEncoding.DecimalDoubleDelta, choice.Encoding);
        Assert.True(bytes.Length < app.SizeBytes);
        var it = new ChunkIterator().Reset(bytes);
        int n = 0;
        while (it.Next()) { Assert.Equal(samples[n].Item2, it.Value); n++; }
        Assert.Equal(120, n);
    }

    [Fact]
    public void RecoderChoiceFromCostsIsNeverLargerThanAnyRealEncoding()
    {
        var rng = new Random(3);
        var recoder = new ChunkRecoder();
        for (int round = 0; round < 40; round++)
        {
            var samples = new (long, double)[120];
            double x = rng.NextDouble() * 100;
            for (int i = 0; i < samples.Length; i++)
            {
                x += round % 4 switch { 0 => 0.01 * rng.Next(-3, 4), 1 => rng.Next(0, 200), 2 => rng.NextDouble(), _ => 0 };
                samples[i] = (i * 1000L + rng.Next(0, round % 2 * 30), round % 4 == 0 ? Math.Round(x, 2) : x);
            }
            var head = new ChunkAppender(ChunkEncoding.DecimalDelta, 0, 2);
            foreach (var (t, v) in samples) head.Append(t, v);
            var (bytes, _) = recoder.Recode(head);
            foreach (var enc in new[] { ChunkEncoding.Xor, ChunkEncoding.DecimalDelta, ChunkEncoding.DecimalDoubleDelta })
                for (int k = 0; k <= 12; k++)
                {
                    var other = new ChunkAppender(enc, 0, k);
                    foreach (var (t, v) in samples) other.Append(t, v);
                    Assert.True(bytes.Length <= other.SizeBytes, $"round {round}: chose {bytes.Length} bytes, {enc} k={k} gives {other.SizeBytes}");
                }
            AssertBitsEqual(samples, Decode(bytes));
        }
    }

    [Fact]
    public void ReencodingWithAnEarlierChoiceMatchesTheSearchOnLikeDataAndIsAlwaysLossless()
    {
        var rng = new Random(11);
        var recoder = new ChunkRecoder();
        (long, double)[] Chunk(int shape, long start)
        {
            var samples = new (long, double)[120];
            double x = 50;
            for (int i = 0; i < samples.Length; i++)
            {
                x += shape switch { 0 => 0.01 * rng.Next(-3, 4), 1 => rng.Next(0, 200), _ => rng.NextDouble() };
                samples[i] = (start + i * 1000L, shape == 0 ? Math.Round(x, 2) : x);
            }
            return samples;
        }
        ChunkAppender Head((long, double)[] samples, ChunkRecoder.Choice c)
        {
            var head = new ChunkAppender(c.Encoding, c.TimestampK, c.ValueK);
            foreach (var (t, v) in samples) head.Append(t, v);
            return head;
        }
        for (int shape = 0; shape < 3; shape++)
        {
            var first = Chunk(shape, 0);
            var (_, choice) = recoder.Recode(Head(first, new(ChunkEncoding.DecimalDelta, 0, 2)));
            var second = Chunk(shape, 120_000);
            var searched = recoder.Recode(Head(second, choice));
            var reused = recoder.Reencode(Head(second, choice), choice);
            AssertBitsEqual(second, Decode(reused));
            // Same data shape: the earlier choice is (nearly) as good as a fresh search.
            Assert.True(reused.Length <= searched.Bytes.Length + searched.Bytes.Length / 8, $"shape {shape}: {reused.Length} vs {searched.Bytes.Length}");
            // Any choice, even a poor one, decodes bit-exactly.
            foreach (var enc in new[] { ChunkEncoding.Xor, ChunkEncoding.DecimalDelta, ChunkEncoding.DecimalDoubleDelta })
                AssertBitsEqual(second, Decode(recoder.Reencode(Head(second, choice), new(enc, 3, 5))));
        }
    }

    [Theory, MemberData(nameof(Encodings))]
    public void SpecialFirstValuesRoundTrip(ChunkEncoding enc)
    {
        foreach (var first in new[] { double.NaN, StaleNaN.Value, double.PositiveInfinity, double.NegativeInfinity, 0.1 + 0.2, -0.0, 123456789012345 })
        {
            var samples = new (long, double)[] { (0, first), (1000, 0.5), (2000, first), (3000, 7) };
            AssertBitsEqual(samples, RoundTrip(enc, samples));
        }
    }

    [Fact]
    public void RegularIntervalsCostNoTimestampBits()
    {
        var app = new ChunkAppender(ChunkEncoding.DecimalDelta, 0, 0);
        for (int i = 0; i < 120; i++) app.Append(1_700_000_000_000 + i * 15_000L, 5);
        var (bytes, choice) = new ChunkRecoder().Recode(app);
        Assert.Equal(ChunkHeader.RegularTimestamps, bytes[3]);
        Assert.Equal(0, choice.TimestampK); // the next head chunk cannot assume regularity
        Assert.True(bytes.Length <= ChunkHeader.Size + 8 + 4 + 3 + 15, $"{bytes.Length} bytes");
        var it = new ChunkIterator().Reset(bytes);
        int n = 0;
        while (it.Next()) { Assert.Equal(1_700_000_000_000 + n * 15_000L, it.Timestamp); Assert.Equal(5, it.Value); n++; }
        Assert.Equal(120, n);
    }

    [Fact]
    public void CorruptChunkReportsErrorInsteadOfThrowing()
    {
        var it = new ChunkIterator().Reset([9, 1, 0, 0, 0]);
        Assert.False(it.Next());
        Assert.NotNull(it.Error);
    }

    [Fact]
    public void MixedSeriesRoundTripThroughTheFastAndTheEscapedPaths()
    {
        // Long runs of plain deltas (the batched path) broken by escapes, rescales, big jumps and specials.
        var rng = new Random(11);
        for (int round = 0; round < 300; round++)
        {
            var enc = (ChunkEncoding)(1 + round % 3);
            bool regular = round % 2 == 0;
            int decimals = rng.Next(0, 4);
            var samples = new (long T, double V)[rng.Next(1, 400)];
            long t = 1_700_000_000_000 + rng.Next(1000);
            double x = rng.Next(-1000, 1000);
            for (int i = 0; i < samples.Length; i++)
            {
                t += regular ? 15_000 : 15_000 + rng.Next(-40, 41);
                x += rng.Next(0, 100) / Math.Pow(10, decimals);
                double v = Math.Round(x, decimals);
                switch (rng.Next(60))
                {
                    case 0: v = StaleNaN.Value; break;
                    case 1: v = double.PositiveInfinity; break;
                    case 2: v = Math.Round(x, 6) + 1e-6; break;
                    case 3: v = x * 1e12; break;
                    case 4: v = Math.PI * x; break;
                }
                samples[i] = (t, v);
            }
            var chunk = Build(enc, samples, tsK: rng.Next(0, 12), valK: rng.Next(0, 20));
            AssertBitsEqual(samples, Decode(chunk));
        }
    }

    [Fact]
    public void TruncatedChunksYieldOnlyGoodSamplesThenAnError()
    {
        var samples = Enumerable.Range(0, 120).Select(i => (1_700_000_000_000L + i * 15_000L, (double)(i * 7 % 13))).ToArray();
        var chunk = Build(ChunkEncoding.DecimalDelta, samples, tsK: 0, valK: 3);
        for (int cut = ChunkHeader.Size + 9; cut < chunk.Length; cut += 3)
        {
            var it = new ChunkIterator().Reset(chunk, 0, cut);
            int n = 0;
            while (it.Next())
            {
                Assert.Equal(samples[n].Item1, it.Timestamp);
                Assert.Equal(samples[n].Item2, it.Value);
                n++;
            }
            Assert.True(n < samples.Length);
            Assert.Equal("chunk truncated", it.Error);
        }
    }

    private static byte[] Build(ChunkEncoding enc, (long T, double V)[] samples, int tsK, int valK)
    {
        var app = new ChunkAppender(enc, tsK, valK);
        foreach (var (t, v) in samples) app.Append(t, v);
        return app.ToBytes();
    }
}
