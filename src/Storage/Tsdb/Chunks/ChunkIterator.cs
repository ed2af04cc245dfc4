using System.Buffers.Binary;

namespace Mlobs.Storage.Tsdb.Chunks;

/// <summary>
/// Decodes one chunk sample by sample without allocating; <see cref="Reset"/> recycles the iterator
/// for another chunk (cf. chunkenc.Chunk.Iterator(reuse)).
/// </summary>
internal sealed class ChunkIterator
{
    private BitReader _reader;
    private ChunkEncoding _encoding;
    private int _count, _read, _tsK, _valK;
    private long _prevDelta;
    private int _exp;
    private long _prevM, _prevD;
    private ulong _prevBits;
    private int _leading, _trailing;

    public long Timestamp { get; private set; }
    public double Value { get; private set; }
    public string? Error { get; private set; }
    public int Count => _count;

    public ChunkIterator Reset(byte[] chunk) => Reset(chunk, 0, chunk.Length);

    public ChunkIterator Reset(byte[] chunk, int offset, int length)
    {
        Error = null;
        _read = 0;
        _prevDelta = 0; _exp = 0; _prevM = 0; _prevD = 0; _prevBits = 0; _leading = 0; _trailing = 0;
        Timestamp = 0; Value = 0;
        if (length < ChunkHeader.Size)
        {
            _count = 0;
            Error = length == 0 ? null : "chunk shorter than its header";
            _reader = default;
            return this;
        }
        _encoding = (ChunkEncoding)chunk[offset];
        _count = BinaryPrimitives.ReadUInt16LittleEndian(chunk.AsSpan(offset + 1, 2));
        _tsK = chunk[offset + 3];
        _valK = chunk[offset + 4];
        if (_encoding is not (ChunkEncoding.Xor or ChunkEncoding.DecimalDelta or ChunkEncoding.DecimalDoubleDelta))
        {
            Error = $"unknown chunk encoding {(byte)_encoding}";
            _count = 0;
        }
        _reader = new BitReader(chunk, offset + ChunkHeader.Size, length - ChunkHeader.Size);
        return this;
    }

    public bool Next()
    {
        if (_read >= _count) return false;
        if (_read == 0)
        {
            Timestamp = (long)_reader.ReadBits(64);
        }
        else if (_tsK == ChunkHeader.RegularTimestamps)
        {
            if (_read == 1) _prevDelta = Varint.UnZigZag(RiceCode.ReadSized(ref _reader));
            Timestamp += _prevDelta;
        }
        else
        {
            if (!RiceCode.TryRead(ref _reader, _tsK, out ulong z, out _)) return Fail("bad timestamp code");
            _prevDelta += Varint.UnZigZag(z);
            Timestamp += _prevDelta;
        }
        bool ok = _encoding == ChunkEncoding.Xor ? ReadXor() : ReadDecimal();
        if (!ok) return false;
        if (_reader.Overrun) return Fail("chunk truncated");
        _read++;
        return true;
    }

    private bool ReadDecimal()
    {
        if (_read == 0) return ReadFirstDecimal();
        while (true)
        {
            if (RiceCode.TryRead(ref _reader, _valK, out ulong z, out int esc))
            {
                long d = Varint.UnZigZag(z);
                if (_encoding == ChunkEncoding.DecimalDoubleDelta) { _prevD += d; d = _prevD; }
                _prevM += d;
                Value = DecimalValue.ToFloat(_prevM, _exp);
                return true;
            }
            switch (esc)
            {
                case ChunkHeader.EscRescale:
                {
                    int newExp = (sbyte)(byte)_reader.ReadBits(8);
                    if (newExp >= _exp) return Fail("bad rescale");
                    for (int i = newExp; i < _exp; i++) { _prevM *= 10; _prevD *= 10; }
                    _exp = newExp;
                    continue;
                }
                case ChunkHeader.EscAbsolute:
                    _exp = (sbyte)(byte)_reader.ReadBits(8);
                    _prevM = (long)_reader.ReadBits(64);
                    _prevD = 0;
                    Value = DecimalValue.ToFloat(_prevM, _exp);
                    return true;
                case ChunkHeader.EscStale: Value = StaleNaN.Value; return true;
                case ChunkHeader.EscPosInf: Value = double.PositiveInfinity; return true;
                case ChunkHeader.EscNegInf: Value = double.NegativeInfinity; return true;
                case ChunkHeader.EscRawFloat: Value = BitConverter.UInt64BitsToDouble(_reader.ReadBits(64)); return true;
                default: return Fail($"unknown escape {esc}");
            }
        }
    }

    private bool ReadFirstDecimal()
    {
        if (!_reader.ReadBit())
        {
            _exp = (sbyte)(byte)_reader.ReadBits(8);
            _prevM = Varint.UnZigZag(RiceCode.ReadSized(ref _reader));
            _prevD = 0;
            Value = DecimalValue.ToFloat(_prevM, _exp);
            return true;
        }
        switch ((int)_reader.ReadBits(RiceCode.EscapeCodeBits))
        {
            case ChunkHeader.EscStale: Value = StaleNaN.Value; return true;
            case ChunkHeader.EscPosInf: Value = double.PositiveInfinity; return true;
            case ChunkHeader.EscNegInf: Value = double.NegativeInfinity; return true;
            case ChunkHeader.EscRawFloat: Value = BitConverter.UInt64BitsToDouble(_reader.ReadBits(64)); return true;
            default: return Fail("bad first value");
        }
    }

    private bool ReadXor()
    {
        if (_read == 0)
        {
            _prevBits = _reader.ReadBits(64);
        }
        else if (_reader.ReadBit())
        {
            if (_reader.ReadBit())
            {
                _leading = (int)_reader.ReadBits(5);
                int sig = (int)_reader.ReadBits(6);
                if (sig == 0) sig = 64;
                _trailing = 64 - _leading - sig;
                if (_trailing < 0) return Fail("bad xor window");
            }
            int n = 64 - _leading - _trailing;
            _prevBits ^= _reader.ReadBits(n) << _trailing;
        }
        Value = BitConverter.UInt64BitsToDouble(_prevBits);
        return true;
    }

    private bool Fail(string message)
    {
        Error = message;
        _count = _read;
        return false;
    }
}
