using System.Buffers.Binary;

namespace Mlobs.Storage.Tsdb.Chunks;

/// <summary>
/// A growable MSB-first bit writer whose bytes are always a valid prefix of the stream, so a head chunk
/// can be snapshotted (copied) between appends without flushing (as Prometheus's bstream). A struct kept inside
/// its <see cref="ChunkAppender"/>: one object fewer per series (10k head chunks) and no pointer chase per bit
/// write. Pass it by ref.
/// </summary>
internal struct BitBuffer
{
    private byte[] _bytes;
    private int _bitLength;

    public BitBuffer(int initialBytes) => _bytes = new byte[Math.Max(initialBytes, 8)];

    public readonly int BitLength => _bitLength;
    public readonly int ByteLength => (_bitLength + 7) >> 3;

    /// <summary>Bytes the buffer holds before it must grow.</summary>
    public readonly int Capacity => _bytes.Length;

    public void Clear()
    {
        Array.Clear(_bytes, 0, ByteLength);
        _bitLength = 0;
    }

    /// <summary>Empties the buffer and gives it about <paramref name="bytes"/> of room (reallocating only when far off).</summary>
    public void Clear(int bytes)
    {
        bytes = Math.Max(bytes, 16);
        if (_bytes.Length < bytes || _bytes.Length > bytes + bytes / 2) { _bytes = new byte[bytes]; _bitLength = 0; }
        else Clear();
    }

    /// <summary>Positions the writer at the end of existing content (used to resume a decoded head chunk).</summary>
    public void Load(ReadOnlySpan<byte> bytes, int bitLength)
    {
        EnsureCapacity(bytes.Length + 8);
        Array.Clear(_bytes);
        bytes.CopyTo(_bytes);
        _bitLength = bitLength;
        // Zero the unused low bits of the last byte so later ORs are correct.
        int rem = bitLength & 7;
        if (rem != 0) _bytes[bitLength >> 3] &= (byte)(0xFF << (8 - rem));
    }

    public void WriteBit(bool bit)
    {
        int idx = _bitLength >> 3;
        if (idx >= _bytes.Length) Grow(idx + 1);
        if (bit) _bytes[idx] |= (byte)(0x80 >> (_bitLength & 7));
        _bitLength++;
    }

    /// <summary>Writes the low <paramref name="count"/> bits of value, most significant first.</summary>
    public void WriteBits(ulong value, int count)
    {
        if (count > MaxWordBits)
        {
            WriteWord(value >> 32, count - 32);
            WriteWord(value & 0xFFFF_FFFFUL, 32);
        }
        else if (count > 0)
        {
            WriteWord(value, count);
        }
    }

    /// <summary>Writes n one-bits (the unary part of a Rice code).</summary>
    public void WriteOnes(int n)
    {
        while (n > MaxWordBits) { WriteWord(0xFFFF_FFFFUL, 32); n -= 32; }
        if (n > 0) WriteWord((1UL << n) - 1, n);
    }

    /// <summary>
    /// Up to 56 bits in one read-modify-write of the big-endian 64-bit word at the current byte: the bits after
    /// the end are always zero, so OR-ing the shifted value in is enough. One word per call instead of a loop
    /// per byte keeps chunk encoding at a few nanoseconds per sample.
    /// </summary>
    private void WriteWord(ulong value, int count)
    {
        int idx = _bitLength >> 3;
        if (idx + 8 > _bytes.Length) Grow(idx + 8);
        int shift = _bitLength & 7;
        value &= (1UL << count) - 1;
        var word = _bytes.AsSpan(idx, 8);
        BinaryPrimitives.WriteUInt64BigEndian(word, BinaryPrimitives.ReadUInt64BigEndian(word) | value << (64 - shift - count));
        _bitLength += count;
    }

    /// <summary>Most bits one word write can take: 64 minus the up to 7 bits already used in the first byte, rounded down to bytes.</summary>
    private const int MaxWordBits = 56;

    /// <summary>The byte the next write lands in (0 past the end): reading it pulls that cache line in ahead of use.</summary>
    public readonly byte Tail => (_bitLength >> 3) < _bytes.Length ? _bytes[_bitLength >> 3] : (byte)0;

    public readonly ReadOnlySpan<byte> Written => _bytes.AsSpan(0, ByteLength);

    private void EnsureCapacity(int bytes)
    {
        if (bytes > _bytes.Length) Grow(bytes);
    }

    private void Grow(int bytes) => Array.Resize(ref _bytes, Math.Max(bytes, _bytes.Length * 2));
}
