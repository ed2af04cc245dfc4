namespace Mlobs.Storage.Tsdb.Chunks;

/// <summary>
/// A growable MSB-first bit writer whose bytes are always a valid prefix of the stream, so a head chunk
/// can be snapshotted (copied) between appends without flushing (as Prometheus's bstream).
/// </summary>
internal sealed class BitBuffer
{
    private byte[] _bytes;
    private int _bitLength;

    public BitBuffer(int initialBytes = 32) => _bytes = new byte[Math.Max(initialBytes, 8)];

    public int BitLength => _bitLength;
    public int ByteLength => (_bitLength + 7) >> 3;
    public byte[] RawBuffer => _bytes;

    public void Clear()
    {
        Array.Clear(_bytes, 0, ByteLength);
        _bitLength = 0;
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
        if (count == 0) return;
        int needed = ((_bitLength + count) >> 3) + 1;
        if (needed > _bytes.Length) Grow(needed);
        if (count < 64) value &= (1UL << count) - 1;
        while (count > 0)
        {
            int idx = _bitLength >> 3;
            int free = 8 - (_bitLength & 7);
            int take = Math.Min(free, count);
            ulong bits = (value >> (count - take)) & ((1UL << take) - 1);
            _bytes[idx] |= (byte)(bits << (free - take));
            _bitLength += take;
            count -= take;
        }
    }

    /// <summary>Writes n one-bits followed by a zero (unary code).</summary>
    public void WriteOnes(int n)
    {
        while (n >= 32) { WriteBits(0xFFFFFFFFUL, 32); n -= 32; }
        if (n > 0) WriteBits((1UL << n) - 1, n);
    }

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, ByteLength);

    private void EnsureCapacity(int bytes)
    {
        if (bytes > _bytes.Length) Grow(bytes);
    }

    private void Grow(int bytes) => Array.Resize(ref _bytes, Math.Max(bytes, _bytes.Length * 2));
}
