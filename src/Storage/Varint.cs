using System.Buffers;

namespace Mlobs.Storage;

/// <summary>LEB128 unsigned and zig-zag signed varints, as Go's encoding/binary, for WAL records and label rows.</summary>
internal static class Varint
{
    public static void WriteUnsigned(IBufferWriter<byte> w, ulong v)
    {
        var span = w.GetSpan(10);
        int i = 0;
        while (v >= 0x80) { span[i++] = (byte)(v | 0x80); v >>= 7; }
        span[i++] = (byte)v;
        w.Advance(i);
    }

    public static void WriteSigned(IBufferWriter<byte> w, long v) => WriteUnsigned(w, ZigZag(v));

    /// <summary>Writes into a span the caller sized with <see cref="Size"/>.</summary>
    public static void WriteUnsigned(Span<byte> destination, ref int pos, ulong v)
    {
        while (v >= 0x80) { destination[pos++] = (byte)(v | 0x80); v >>= 7; }
        destination[pos++] = (byte)v;
    }

    /// <summary>Zig-zag maps small negative and positive integers to small unsigned ones (used by varints and Rice codes).</summary>
    public static ulong ZigZag(long v) => (ulong)((v << 1) ^ (v >> 63));
    public static long UnZigZag(ulong z) => (long)(z >> 1) ^ -(long)(z & 1);

    /// <summary>Bytes <see cref="WriteUnsigned"/> uses for v.</summary>
    public static int Size(ulong v)
    {
        int n = 1;
        while (v >= 0x80) { v >>= 7; n++; }
        return n;
    }

    public static ulong ReadUnsigned(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong result = 0;
        int shift = 0;
        while (true)
        {
            if (pos >= data.Length) throw new InvalidDataException("truncated varint");
            byte b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
            shift += 7;
            if (shift > 63) throw new InvalidDataException("varint overflow");
        }
    }

    public static long ReadSigned(ReadOnlySpan<byte> data, ref int pos)
    {
        return UnZigZag(ReadUnsigned(data, ref pos));
    }
}
