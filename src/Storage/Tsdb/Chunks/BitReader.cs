using System.Buffers.Binary;
using System.Numerics;

namespace Mlobs.Storage.Tsdb.Chunks;

/// <summary>An MSB-first bit reader over a chunk's bytes; reads past the end yield zero bits and set <see cref="Overrun"/>.</summary>
internal struct BitReader
{
    private readonly byte[] _bytes;
    private readonly int _offset;
    private readonly int _bitLimit;
    private int _pos;

    public BitReader(byte[] bytes, int offset, int length)
    {
        _bytes = bytes;
        _offset = offset;
        _bitLimit = length * 8;
        _pos = 0;
    }

    public readonly bool Overrun => _pos > _bitLimit;
    public readonly int Position => _pos;

    /// <summary>Reads up to 64 bits.</summary>
    public ulong ReadBits(int count)
    {
        if (count == 0) return 0;
        if (count > 56)
        {
            ulong hi = ReadBits(count - 32);
            return (hi << 32) | ReadBits(32);
        }
        ulong window = Peek64();
        _pos += count;
        return window >> (64 - count);
    }

    public bool ReadBit()
    {
        int p = _pos++;
        if (p >= _bitLimit) return false;
        return (_bytes[_offset + (p >> 3)] & (0x80 >> (p & 7))) != 0;
    }

    /// <summary>Counts leading one-bits, up to max, and consumes them plus the terminating zero when below max.</summary>
    public int ReadUnary(int max)
    {
        ulong window = Peek64();
        int ones = BitOperations.LeadingZeroCount(~window);
        if (ones >= max) { _pos += max; return max; }
        _pos += ones + 1;
        return ones;
    }

    /// <summary>The next 64 bits at the read position, left-aligned, zero-filled beyond the data.</summary>
    private readonly ulong Peek64()
    {
        int byteIdx = _pos >> 3;
        int shift = _pos & 7;
        int avail = (_bitLimit >> 3) - byteIdx;
        ulong w;
        if (avail >= 9)
        {
            w = BinaryPrimitives.ReadUInt64BigEndian(_bytes.AsSpan(_offset + byteIdx, 8));
            if (shift != 0) w = (w << shift) | ((ulong)_bytes[_offset + byteIdx + 8] >> (8 - shift));
            return w;
        }
        w = 0;
        for (int i = 0; i < 9; i++)
        {
            ulong b = i < avail && avail > 0 ? _bytes[_offset + byteIdx + i] : 0UL;
            if (i < 8) w |= b << (56 - 8 * i);
            else if (shift != 0) w = (w << shift) | (b >> (8 - shift));
        }
        return w;
    }
}
