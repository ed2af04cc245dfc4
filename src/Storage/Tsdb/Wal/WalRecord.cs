using System.Buffers;
using System.Buffers.Binary;
using Mlobs.Storage.Tsdb.Chunks;

namespace Mlobs.Storage.Tsdb.Wal;

/// <summary>
/// One committed append batch as a WAL row: uvarint count, then per sample the zig-zag delta of the series ref,
/// the zig-zag delta of the timestamp from the previous sample, and the value as one exponent byte (exponent + 128) plus a
/// zig-zag mantissa (decimal values, usually 2–4 bytes) or 0xFF plus 8 raw bytes. Rows are deleted once a
/// head checkpoint covers them.
/// </summary>
internal static class WalRecord
{
    private const byte RawTag = 0xFF;

    /// <param name="ExponentHint">
    /// The decimal exponent the series' head chunk encodes at: most values are exact there, which spares the
    /// search for the shortest form. Any exponent decodes bit-exactly, so a wrong hint only costs that search.
    /// </param>
    public readonly record struct Sample(ulong SeriesRef, long Timestamp, double Value, int ExponentHint = 0);

    public static void Encode(ArrayBufferWriter<byte> w, ReadOnlySpan<Sample> samples)
    {
        Varint.WriteUnsigned(w, (ulong)samples.Length);
        long prevRef = 0, prevT = 0;
        foreach (var s in samples)
        {
            Varint.WriteSigned(w, (long)s.SeriesRef - prevRef);
            Varint.WriteSigned(w, s.Timestamp - prevT);
            prevRef = (long)s.SeriesRef;
            prevT = s.Timestamp;
            long m; int e = s.ExponentHint;
            if ((e is > -128 and < 127 && DecimalValue.TryMantissaAt(s.Value, e, out m))
                || (DecimalValue.TryFromFloat(s.Value, out m, out e) && e < 127))
            {
                w.GetSpan(1)[0] = (byte)(e + 128);
                w.Advance(1);
                Varint.WriteSigned(w, m);
            }
            else
            {
                var span = w.GetSpan(9);
                span[0] = RawTag;
                BinaryPrimitives.WriteUInt64LittleEndian(span[1..], BitConverter.DoubleToUInt64Bits(s.Value));
                w.Advance(9);
            }
        }
    }

    public static List<Sample> Decode(ReadOnlySpan<byte> data)
    {
        int pos = 0;
        int n = (int)Varint.ReadUnsigned(data, ref pos);
        var result = new List<Sample>(n);
        long prevRef = 0, prevT = 0;
        for (int i = 0; i < n; i++)
        {
            prevRef += Varint.ReadSigned(data, ref pos);
            prevT += Varint.ReadSigned(data, ref pos);
            if (pos >= data.Length) throw new InvalidDataException("truncated WAL record");
            byte tag = data[pos++];
            double v;
            if (tag == RawTag)
            {
                v = BitConverter.UInt64BitsToDouble(BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(pos, 8)));
                pos += 8;
            }
            else
            {
                long m = Varint.ReadSigned(data, ref pos);
                v = DecimalValue.ToFloat(m, tag - 128);
            }
            result.Add(new Sample((ulong)prevRef, prevT, v));
        }
        return result;
    }
}
