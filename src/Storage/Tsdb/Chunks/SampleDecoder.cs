using Mlobs.Model;

namespace Mlobs.Storage.Tsdb.Chunks;

/// <summary>
/// The decoding state of one chunk (previous delta, mantissa, exponent, XOR window) and the step that reads one
/// sample; a struct kept in the decoding loop's locals. Layout in FORMAT.md.
/// </summary>
internal struct SampleDecoder(ChunkEncoding encoding, int tsK, int valK)
{
    private long _t, _prevDelta;
    private int _exp;
    private double _scale = 1;
    private long _prevM, _prevD;
    private ulong _prevBits;
    private int _leading, _trailing;

    /// <summary>
    /// Decodes samples from <paramref name="index"/> on while they take the common path (Rice-coded deltas, no
    /// escapes) into t/v; returns the index of the first sample it left for <see cref="Next"/>. Decimal chunks only,
    /// from the third sample (the first two set up the timestamp delta).
    /// </summary>
    public int DecodeRun(ref BitReader r, int index, int count, long[] t, double[] v)
    {
        if (encoding == ChunkEncoding.Xor || index < 2) return index;
        bool regular = tsK == ChunkHeader.RegularTimestamps;
        Span<ulong> zt = stackalloc ulong[128];
        Span<ulong> zv = stackalloc ulong[128];
        while (index < count)
        {
            int want = Math.Min(count - index, 128);
            int got = r.ReadRiceRun(!regular, tsK, valK, RiceCode.MaxUnary, zt[..want], zv[..want]);
            long time = _t, delta = _prevDelta, m = _prevM, dd = _prevD;
            var ts = t.AsSpan(index, got);
            var vs = v.AsSpan(index, got);
            for (int j = 0; j < ts.Length; j++)
            {
                if (!regular) delta += Varint.UnZigZag(zt[j]);
                time += delta;
                ts[j] = time;
            }
            if (encoding == ChunkEncoding.DecimalDoubleDelta)
            {
                for (int j = 0; j < vs.Length; j++) { dd += Varint.UnZigZag(zv[j]); m += dd; vs[j] = m; }
            }
            else
            {
                for (int j = 0; j < vs.Length; j++) { m += Varint.UnZigZag(zv[j]); vs[j] = m; }
            }
            // Mantissas to floats exactly as ToFloat: one multiply or one divide by 10^|exponent|.
            double scale = _scale;
            if (_exp > 0) for (int j = 0; j < vs.Length; j++) vs[j] *= scale;
            else if (_exp < 0) for (int j = 0; j < vs.Length; j++) vs[j] /= scale;
            _t = time; _prevDelta = delta; _prevM = m; _prevD = dd;
            index += got;
            if (got < want) break;
        }
        return index;
    }

    /// <summary>Reads sample number <paramref name="index"/>; false with an error when the chunk is damaged.</summary>
    public bool Next(ref BitReader r, int index, out long t, out double v, out string? error)
    {
        error = null;
        v = 0;
        if (index == 0)
        {
            _t = (long)r.ReadBits(64);
        }
        else if (tsK == ChunkHeader.RegularTimestamps)
        {
            if (index == 1) _prevDelta = Varint.UnZigZag(RiceCode.ReadSized(ref r));
            _t += _prevDelta;
        }
        else
        {
            if (!RiceCode.TryRead(ref r, tsK, out ulong z, out _)) { t = 0; error = "bad timestamp code"; return false; }
            _prevDelta += Varint.UnZigZag(z);
            _t += _prevDelta;
        }
        t = _t;
        error = encoding == ChunkEncoding.Xor ? ReadXor(ref r, index, out v) : ReadDecimal(ref r, index, out v);
        return error is null;
    }

    private string? ReadDecimal(ref BitReader r, int index, out double v)
    {
        if (index == 0) return ReadFirstDecimal(ref r, out v);
        while (true)
        {
            if (r.TryReadRice(valK, RiceCode.MaxUnary, out ulong z) || RiceCode.TryRead(ref r, valK, out z, out int esc))
            {
                long d = Varint.UnZigZag(z);
                if (encoding == ChunkEncoding.DecimalDoubleDelta) { _prevD += d; d = _prevD; }
                _prevM += d;
                v = _exp >= 0 ? _prevM * _scale : _prevM / _scale;
                return null;
            }
            switch (esc)
            {
                case ChunkHeader.EscRescale:
                {
                    int newExp = (sbyte)(byte)r.ReadBits(8);
                    if (newExp >= _exp) { v = 0; return "bad rescale"; }
                    for (int i = newExp; i < _exp; i++) { _prevM *= 10; _prevD *= 10; }
                    if (!SetExponent(newExp)) { v = 0; return "bad exponent"; }
                    continue;
                }
                case ChunkHeader.EscAbsolute:
                    if (!SetExponent((sbyte)(byte)r.ReadBits(8))) { v = 0; return "bad exponent"; }
                    _prevM = (long)r.ReadBits(64);
                    _prevD = 0;
                    v = _exp >= 0 ? _prevM * _scale : _prevM / _scale;
                    return null;
                case ChunkHeader.EscStale: v = StaleNaN.Value; return null;
                case ChunkHeader.EscPosInf: v = double.PositiveInfinity; return null;
                case ChunkHeader.EscNegInf: v = double.NegativeInfinity; return null;
                case ChunkHeader.EscRawFloat: v = BitConverter.UInt64BitsToDouble(r.ReadBits(64)); return null;
                default: v = 0; return $"unknown escape {esc}";
            }
        }
    }

    private string? ReadFirstDecimal(ref BitReader r, out double v)
    {
        if (!r.ReadBit())
        {
            if (!SetExponent((sbyte)(byte)r.ReadBits(8))) { v = 0; return "bad exponent"; }
            _prevM = Varint.UnZigZag(RiceCode.ReadSized(ref r));
            _prevD = 0;
            v = _exp >= 0 ? _prevM * _scale : _prevM / _scale;
            return null;
        }
        switch ((int)r.ReadBits(RiceCode.EscapeCodeBits))
        {
            case ChunkHeader.EscStale: v = StaleNaN.Value; return null;
            case ChunkHeader.EscPosInf: v = double.PositiveInfinity; return null;
            case ChunkHeader.EscNegInf: v = double.NegativeInfinity; return null;
            case ChunkHeader.EscRawFloat: v = BitConverter.UInt64BitsToDouble(r.ReadBits(64)); return null;
            default: v = 0; return "bad first value";
        }
    }

    /// <summary>Keeps 10^|exponent| at hand so each sample converts with one multiply or divide (as ToFloat does).</summary>
    private bool SetExponent(int exponent)
    {
        if (exponent < -DecimalValue.MaxExponent) return false; // the writer never goes below -18
        _exp = exponent;
        _scale = DecimalValue.Pow10Of(Math.Abs(exponent));
        return true;
    }

    private string? ReadXor(ref BitReader r, int index, out double v)
    {
        if (index == 0)
        {
            _prevBits = r.ReadBits(64);
        }
        else if (r.ReadBit())
        {
            if (r.ReadBit())
            {
                _leading = (int)r.ReadBits(5);
                int sig = (int)r.ReadBits(6);
                if (sig == 0) sig = 64;
                _trailing = 64 - _leading - sig;
                if (_trailing < 0) { v = 0; return "bad xor window"; }
            }
            int n = 64 - _leading - _trailing;
            _prevBits ^= r.ReadBits(n) << _trailing;
        }
        v = BitConverter.UInt64BitsToDouble(_prevBits);
        return null;
    }
}
