using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mlobs.Storage.Tsdb.Chunks;

/// <summary>
/// An MSB-first bit reader over a zero-padded copy of a chunk's bits: reads past the end yield zero bits and set
/// <see cref="Overrun"/>. The padding lets every read fetch its 64-bit window with one unaligned load instead of
/// byte by byte (decoding is where queries spend their time).
/// </summary>
internal struct BitReader
{
    /// <summary>Zero bytes a buffer must have after the data: one 64-bit window plus its spill byte.</summary>
    public const int Padding = 16;

    private readonly byte[] _bytes;
    private readonly int _bitLimit;
    private readonly int _lastWindowByte;
    private int _pos;

    /// <param name="padded">The data at offset 0, followed by at least <see cref="Padding"/> zero bytes.</param>
    /// <param name="length">Bytes of data.</param>
    public BitReader(byte[] padded, int length)
    {
        if (padded.Length < length + Padding) throw new ArgumentException("bit reader buffer lacks padding", nameof(padded));
        _bytes = padded;
        _bitLimit = length * 8;
        _lastWindowByte = length + Padding - 9;
        _pos = 0;
    }

    public readonly bool Overrun => _pos > _bitLimit;
    public readonly int Position => _pos;

    /// <summary>Reads up to 64 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadBits(int count)
    {
        if (count == 0) return 0;
        if (count > 64) { _pos = int.MaxValue / 2; return 0; } // only a corrupt length asks for more: an overrun
        ulong window = Peek64();
        _pos += count;
        return window >> (64 - count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ReadBit()
    {
        ulong window = Peek64();
        _pos++;
        return (long)window < 0;
    }

    /// <summary>Counts leading one-bits, up to max, and consumes them plus the terminating zero when below max.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadUnary(int max)
    {
        ulong window = Peek64();
        int ones = BitOperations.LeadingZeroCount(~window);
        if (ones >= max) { _pos += max; return max; }
        _pos += ones + 1;
        return ones;
    }

    /// <summary>
    /// Reads a unary quotient (below <paramref name="max"/>) and k remainder bits from one window, the per-sample
    /// case of a Rice code; false (nothing consumed) when the code does not fit the common form.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadRice(int k, int max, out ulong z)
    {
        ulong window = Peek64();
        int ones = BitOperations.LeadingZeroCount(~window);
        if (ones >= max || ones + 1 + k > 64) { z = 0; return false; }
        ulong rest = window << (ones + 1);
        z = ((ulong)ones << k) | (k == 0 ? 0 : rest >> (64 - k));
        _pos += ones + 1 + k;
        return true;
    }

    /// <summary>
    /// Reads a run of Rice codes in their common one-window form — with <paramref name="timestamps"/>, pairs of a
    /// timestamp code (parameter kT) and a value code (kV); without, value codes only — into zt/zv. Stops before a
    /// code that is an escape, is too long for one window, or would run past the data, and when the spans are full;
    /// returns how many samples were read. The loop keeps position and data in registers: this is the per-sample
    /// path of every query.
    /// </summary>
    public int ReadRiceRun(bool timestamps, int kT, int kV, int maxUnary, Span<ulong> zt, Span<ulong> zv)
    {
        int pos = _pos, limit = _bitLimit, lastByte = _lastWindowByte;
        int n = Math.Min(zv.Length, timestamps ? zt.Length : int.MaxValue);
        ref byte data = ref MemoryMarshal.GetArrayDataReference(_bytes);
        ref ulong outT = ref MemoryMarshal.GetReference(zt);
        ref ulong outV = ref MemoryMarshal.GetReference(zv);
        // The window holds `bits` valid bits from pos on. One load serves several short codes, so the loop is not
        // one memory load per code on its critical path; it reloads when a longest common-form code might not fit.
        ulong window = 0;
        int bits = 0, needT = Math.Min(57, maxUnary + 1 + kT), needV = Math.Min(57, maxUnary + 1 + kV);
        int i = 0;
        for (; i < n; i++)
        {
            int p = pos, b = bits;
            ulong w = window, z1 = 0;
            if (timestamps && !TryRice(ref data, ref p, ref w, ref b, lastByte, kT, needT, maxUnary, out z1)) break;
            if (!TryRice(ref data, ref p, ref w, ref b, lastByte, kV, needV, maxUnary, out ulong z2) || p > limit) break;
            if (timestamps) Unsafe.Add(ref outT, i) = z1;
            Unsafe.Add(ref outV, i) = z2;
            pos = p; bits = b; window = w;
        }
        _pos = pos;
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryRice(ref byte data, ref int pos, ref ulong window, ref int bits, int lastByte, int k, int need, int maxUnary, out ulong z)
    {
        z = 0;
        if (bits < need)
        {
            int byteIdx = pos >> 3;
            if ((uint)byteIdx > (uint)lastByte) return false;
            // Eight bytes from byteIdx hold at least 57 bits from pos on: enough for any code this path takes.
            window = BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref data, byteIdx))) << (pos & 7);
            bits = 64 - (pos & 7);
        }
        int ones = BitOperations.LeadingZeroCount(~window);
        int length = ones + 1 + k;
        if (ones >= maxUnary || length > bits) return false;
        z = ((ulong)ones << k) | ((window << ones << 1) >> (63 - k) >> 1);
        window = window << (length - 1) << 1;
        bits -= length;
        pos += length;
        return true;
    }

    /// <summary>The next 64 bits at the read position, left-aligned, zero beyond the data.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly ulong Peek64()
    {
        int byteIdx = _pos >> 3;
        if ((uint)byteIdx > (uint)_lastWindowByte) return 0; // past the zeroed padding (an overrun): all zeros
        ref byte at = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_bytes), byteIdx);
        ulong w = BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ulong>(ref at));
        int shift = _pos & 7;
        // Shifting by 8 - 0 would keep the spill byte's bits; the mask drops them when aligned.
        return (w << shift) | ((ulong)Unsafe.Add(ref at, 8) >> (8 - shift) & (shift == 0 ? 0UL : 0xFF));
    }
}
