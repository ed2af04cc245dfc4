using System.Buffers.Binary;

namespace Mlobs.Storage.Tsdb.Chunks;

/// <summary>
/// Decodes one chunk without allocating; <see cref="Reset"/> recycles the iterator for another chunk
/// (cf. chunkenc.Chunk.Iterator(reuse)). The whole chunk is decoded at once into reused arrays — a tight loop
/// with the bit reader in registers is several times faster than resuming the decoder per sample — and
/// <see cref="Next"/> walks them. Decoding waits for the first Next, so a chunk list can be set up cheaply on one
/// thread and decoded on another. A corrupt chunk yields the samples before the damage, then sets <see cref="Error"/>.
/// </summary>
internal sealed class ChunkIterator
{
    private byte[] _bits = new byte[256];
    private long[] _t = new long[128];
    private double[] _v = new double[128];
    private int _n, _i;
    private string? _error;
    private byte[] _chunk = [];
    private int _offset, _length;
    private bool _decoded;

    public long Timestamp => _t[_i];
    public double Value => _v[_i];

    /// <summary>Set once <see cref="Next"/> has returned every good sample of a damaged chunk.</summary>
    public string? Error => _decoded && _i >= _n ? _error : null;

    /// <summary>Samples the chunk's header announces (0 for a damaged header).</summary>
    public int Count => _length >= ChunkHeader.Size ? BinaryPrimitives.ReadUInt16LittleEndian(_chunk.AsSpan(_offset + 1, 2)) : 0;

    /// <summary>The decoded timestamps after the current sample (all of them before the first Next).</summary>
    public ReadOnlySpan<long> FollowingTimestamps
    {
        get
        {
            if (!_decoded) Decode();
            return _t.AsSpan(_i + 1, _n - (_i + 1));
        }
    }

    /// <summary>The decoded values after the current sample, alongside <see cref="FollowingTimestamps"/>.</summary>
    public ReadOnlySpan<double> FollowingValues
    {
        get
        {
            if (!_decoded) Decode();
            return _v.AsSpan(_i + 1, _n - (_i + 1));
        }
    }

    /// <summary>Moves forward by <paramref name="count"/> samples, as many Next calls would (at most to the last one).</summary>
    public void Skip(int count)
    {
        if (!_decoded) Decode();
        _i = Math.Min(_i + count, _n - 1);
    }

    public ChunkIterator Reset(byte[] chunk) => Reset(chunk, 0, chunk.Length);

    public ChunkIterator Reset(byte[] chunk, int offset, int length)
    {
        _chunk = chunk;
        _offset = offset;
        _length = length;
        _i = -1;
        _n = 0;
        _error = null;
        _decoded = false;
        return this;
    }

    private void Decode()
    {
        _decoded = true;
        byte[] chunk = _chunk;
        int offset = _offset, length = _length;
        if (length < ChunkHeader.Size)
        {
            _error = length == 0 ? null : "chunk shorter than its header";
            return;
        }
        var encoding = (ChunkEncoding)chunk[offset];
        int count = BinaryPrimitives.ReadUInt16LittleEndian(chunk.AsSpan(offset + 1, 2));
        if (encoding is not (ChunkEncoding.Xor or ChunkEncoding.DecimalDelta or ChunkEncoding.DecimalDoubleDelta))
        {
            _error = $"unknown chunk encoding {(byte)encoding}";
            return;
        }
        int tsK = chunk[offset + 3], valK = chunk[offset + 4];
        int bodyLength = length - ChunkHeader.Size;
        if (_bits.Length < bodyLength + BitReader.Padding) _bits = new byte[Math.Max(bodyLength + BitReader.Padding, _bits.Length * 2)];
        chunk.AsSpan(offset + ChunkHeader.Size, bodyLength).CopyTo(_bits);
        _bits.AsSpan(bodyLength, BitReader.Padding).Clear();
        if (_t.Length < count) { _t = new long[count]; _v = new double[count]; }
        var reader = new BitReader(_bits, bodyLength);
        var decoder = new SampleDecoder(encoding, tsK, valK);
        int n = 0;
        while (n < count)
        {
            n = decoder.DecodeRun(ref reader, n, count, _t, _v);
            if (n >= count) break;
            if (!decoder.Next(ref reader, n, out _t[n], out _v[n], out _error)) break;
            if (reader.Overrun) { _error = "chunk truncated"; break; }
            n++;
        }
        _n = n;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool Next()
    {
        if (!_decoded) Decode();
        if (_i + 1 >= _n) { _i = _n; return false; }
        _i++;
        return true;
    }
}
