using System.Buffers.Binary;
using System.Numerics;
using Mlobs.Model;

namespace Mlobs.Storage.Tsdb.Chunks;

/// <summary>
/// Incrementally encodes samples into one chunk (the open head chunk of a series). Timestamps are Rice-coded
/// delta-of-deltas; values follow the chunk's <see cref="ChunkEncoding"/>. Bytes can be taken at any time.
/// </summary>
internal sealed class ChunkAppender
{
    private BitBuffer _bits;

    // timestamp state
    private long _prevT, _prevDelta;
    // decimal state
    private int _exp;
    private long _prevM, _prevD;
    // xor state
    private ulong _prevBits;
    private int _leading = 0xff, _trailing;

    public ChunkAppender(ChunkEncoding encoding, int timestampK, int valueK, int initialBytes = 32)
    {
        Encoding = encoding;
        TimestampK = timestampK;
        ValueK = valueK;
        _bits = new BitBuffer(initialBytes);
    }

    public ChunkEncoding Encoding { get; private set; }
    public int TimestampK { get; private set; }
    public int ValueK { get; private set; }
    public int Count { get; private set; }
    public long MinTime { get; private set; }
    public long MaxTime => _prevT;
    public double LastValue { get; private set; }
    public int SizeBytes => ChunkHeader.Size + _bits.ByteLength;

    /// <summary>The decimal exponent values are currently encoded at (0 for other encodings).</summary>
    public int DecimalExponent => _exp;

    /// <summary>Reads the byte the next append writes to (see <see cref="TsdbDatabase"/>'s commit: warming the cache).</summary>
    public byte Tail => _bits.Tail;

    /// <summary>Bits spent on values so far (timestamps excluded): what the recoder compares between codecs.</summary>
    public long ValueBits { get; private set; }

    /// <summary>Empties the appender for a new chunk with the given codec, keeping its buffer (the recoder's probes).</summary>
    public void Reset(ChunkEncoding encoding, int timestampK, int valueK) => Reset(encoding, timestampK, valueK, -1);

    /// <summary>
    /// Empties the appender for the series' next head chunk, sized for about <paramref name="expectedBytes"/> of
    /// stream (the size of the chunk just cut): the head of 10k series is mostly these buffers, and growing by
    /// doubling left a third of them unused.
    /// </summary>
    public void Reset(ChunkEncoding encoding, int timestampK, int valueK, int expectedBytes)
    {
        Encoding = encoding;
        TimestampK = timestampK;
        ValueK = valueK;
        if (expectedBytes < 0) _bits.Clear();
        else _bits.Clear(expectedBytes + expectedBytes / 8 + 8); // + 8: word writes need room past the end
        _prevT = 0; _prevDelta = 0; _exp = 0; _prevM = 0; _prevD = 0; _prevBits = 0; _leading = 0xff; _trailing = 0;
        Count = 0; MinTime = 0; LastValue = 0; ValueBits = 0;
        _captured = null; _capturedCount = 0;
    }

    public void Append(long t, double v)
    {
        if (Count == 0)
        {
            MinTime = t;
            _bits.WriteBits((ulong)t, 64);
        }
        else if (TimestampK == ChunkHeader.RegularTimestamps)
        {
            long delta = t - _prevT;
            if (Count == 1) { RiceCode.WriteSized(ref _bits, Varint.ZigZag(delta)); _prevDelta = delta; }
            else if (delta != _prevDelta) throw new InvalidOperationException("a regular-timestamp chunk got an irregular interval");
        }
        else
        {
            long delta = t - _prevT;
            RiceCode.Write(ref _bits, Varint.ZigZag(delta - _prevDelta), TimestampK);
            _prevDelta = delta;
        }
        _prevT = t;

        int before = _bits.BitLength;
        if (Encoding == ChunkEncoding.Xor) AppendXor(v);
        else AppendDecimal(v);
        ValueBits += _bits.BitLength - before;

        LastValue = v;
        Count++;
    }

    private void AppendDecimal(double v)
    {
        if (Count == 0)
        {
            AppendFirstDecimal(v);
            return;
        }
        if (double.IsNaN(v))
        {
            if (StaleNaN.Is(v)) RiceCode.WriteEscape(ref _bits, ChunkHeader.EscStale);
            else { RiceCode.WriteEscape(ref _bits, ChunkHeader.EscRawFloat); _bits.WriteBits(BitConverter.DoubleToUInt64Bits(v), 64); }
            return;
        }
        if (double.IsInfinity(v))
        {
            RiceCode.WriteEscape(ref _bits, v > 0 ? ChunkHeader.EscPosInf : ChunkHeader.EscNegInf);
            return;
        }
        if (!DecimalValue.TryMantissaAt(v, _exp, out long m))
        {
            if (!DecimalValue.TryFromFloat(v, out long m0, out int e0))
            {
                RiceCode.WriteEscape(ref _bits, ChunkHeader.EscRawFloat);
                _bits.WriteBits(BitConverter.DoubleToUInt64Bits(v), 64);
                return;
            }
            if (e0 < _exp
                && DecimalValue.TryScale(_prevM, _exp - e0, out long scaledM)
                && DecimalValue.TryScale(_prevD, _exp - e0, out long scaledD))
            {
                RiceCode.WriteEscape(ref _bits, ChunkHeader.EscRescale);
                _bits.WriteBits((ulong)(sbyte)e0, 8);
                _exp = e0; _prevM = scaledM; _prevD = scaledD;
                m = m0;
            }
            else
            {
                RiceCode.WriteEscape(ref _bits, ChunkHeader.EscAbsolute);
                _bits.WriteBits((ulong)(sbyte)e0, 8);
                _bits.WriteBits((ulong)m0, 64);
                _exp = e0; _prevM = m0; _prevD = 0;
                return;
            }
        }
        long d = m - _prevM;
        if (Encoding == ChunkEncoding.DecimalDelta)
        {
            WriteValueCode(Varint.ZigZag(d));
        }
        else
        {
            WriteValueCode(Varint.ZigZag(d - _prevD));
            _prevD = d;
        }
        _prevM = m;
    }

    /// <summary>
    /// The first value sets the chunk's decimal state directly: flag 0, exponent (8 bits), sized mantissa; or
    /// flag 1 and an escape code for specials and non-decimal floats.
    /// </summary>
    private void AppendFirstDecimal(double v)
    {
        int esc = double.IsNaN(v) ? (StaleNaN.Is(v) ? ChunkHeader.EscStale : ChunkHeader.EscRawFloat)
            : double.IsPositiveInfinity(v) ? ChunkHeader.EscPosInf
            : double.IsNegativeInfinity(v) ? ChunkHeader.EscNegInf
            : -1;
        if (esc < 0 && DecimalValue.TryFromFloat(v, out long m, out int e))
        {
            _bits.WriteBit(false);
            _bits.WriteBits((ulong)(sbyte)e, 8);
            RiceCode.WriteSized(ref _bits, Varint.ZigZag(m));
            _exp = e; _prevM = m; _prevD = 0;
            return;
        }
        if (esc < 0) esc = ChunkHeader.EscRawFloat;
        _bits.WriteBit(true);
        _bits.WriteBits((ulong)esc, RiceCode.EscapeCodeBits);
        if (esc == ChunkHeader.EscRawFloat) _bits.WriteBits(BitConverter.DoubleToUInt64Bits(v), 64);
    }

    private void WriteValueCode(ulong z)
    {
        if (_captured is not null) _captured[_capturedCount++] = z;
        RiceCode.Write(ref _bits, z, ValueK);
    }

    private ulong[]? _captured;
    private int _capturedCount;

    /// <summary>
    /// Records every Rice-coded value into <paramref name="buffer"/> (at least one slot per sample to come) so the
    /// recoder can pick the best k from one probe encoding. Cleared by <see cref="Reset"/>.
    /// </summary>
    public void CaptureValueCodes(ulong[] buffer)
    {
        _captured = buffer;
        _capturedCount = 0;
    }

    public int CapturedCount => _capturedCount;

    private void AppendXor(double v)
    {
        ulong bits = BitConverter.DoubleToUInt64Bits(v);
        if (Count == 0)
        {
            _bits.WriteBits(bits, 64);
            _prevBits = bits;
            return;
        }
        ulong delta = bits ^ _prevBits;
        _prevBits = bits;
        if (delta == 0) { _bits.WriteBit(false); return; }
        _bits.WriteBit(true);
        int leading = BitOperations.LeadingZeroCount(delta);
        int trailing = BitOperations.TrailingZeroCount(delta);
        if (leading >= 32) leading = 31;
        if (_leading != 0xff && leading >= _leading && trailing >= _trailing)
        {
            _bits.WriteBit(false);
            _bits.WriteBits(delta >> _trailing, 64 - _leading - _trailing);
            return;
        }
        _leading = leading;
        _trailing = trailing;
        _bits.WriteBit(true);
        _bits.WriteBits((ulong)leading, 5);
        int sig = 64 - leading - trailing;
        _bits.WriteBits((ulong)(sig & 63), 6); // 64 is written as 0
        _bits.WriteBits(delta >> trailing, sig);
    }

    /// <summary>The chunk as stored: header then the bit stream.</summary>
    public byte[] ToBytes()
    {
        var result = new byte[SizeBytes];
        WriteTo(result);
        return result;
    }

    public void WriteTo(Span<byte> destination)
    {
        destination[0] = (byte)Encoding;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[1..], (ushort)Count);
        destination[3] = (byte)TimestampK;
        destination[4] = (byte)ValueK;
        _bits.Written.CopyTo(destination[ChunkHeader.Size..]);
    }
}
