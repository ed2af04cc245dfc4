using System.Buffers;
using Mlobs.Model;
using Mlobs.Storage.Tsdb.Wal;

namespace Mlobs.Storage.Tests.Tsdb.Wal;

public class WalRecordTests
{
    [Fact]
    public void RoundTripsBitExactlyWhateverTheExponentHint()
    {
        double[] values = [0, -0.0, 0.37, 12.5, 1e300, -4e-310, double.NaN, StaleNaN.Value, double.PositiveInfinity,
            double.NegativeInfinity, 123456789012, Math.PI, 0.1 + 0.2, 9007199254740993, 1500];
        int[] hints = [0, -2, -3, 5, -128, 126, 127, 200, -300];
        var samples = new List<WalRecord.Sample>();
        ulong seriesRef = 7;
        long t = 1_700_000_000_000;
        foreach (var v in values)
            foreach (var h in hints)
                samples.Add(new WalRecord.Sample(seriesRef++ % 5, t += 1000, v, h));

        var w = new ArrayBufferWriter<byte>();
        WalRecord.Encode(w, samples.ToArray());
        var decoded = WalRecord.Decode(w.WrittenSpan);

        Assert.Equal(samples.Count, decoded.Count);
        for (int i = 0; i < samples.Count; i++)
        {
            Assert.Equal(samples[i].SeriesRef, decoded[i].SeriesRef);
            Assert.Equal(samples[i].Timestamp, decoded[i].Timestamp);
            Assert.Equal(BitConverter.DoubleToInt64Bits(samples[i].Value), BitConverter.DoubleToInt64Bits(decoded[i].Value));
        }
    }

    [Fact]
    public void AMatchingHintKeepsDecimalsShort()
    {
        var w = new ArrayBufferWriter<byte>();
        WalRecord.Encode(w, [new WalRecord.Sample(1, 1000, 0.37, -2)]);
        // count, ref delta, timestamp delta (2 bytes), exponent byte, mantissa 37 (1 byte zig-zag varint)
        Assert.Equal(6, w.WrittenCount);
    }
}
