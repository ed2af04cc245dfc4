using System.Numerics;

namespace Mlobs.Storage.Tsdb.Chunks;

/// <summary>
/// When a head chunk is cut, re-encodes it with whichever codec and Rice parameters make it smallest.
/// Tuning per finished chunk (once per ~120 samples) lets gauges, counters and high-precision floats each get
/// the encoding that suits them, as VictoriaMetrics picks per block. The choice is made from costs: one probe
/// encoding per decimal codec records its value codes, the best Rice parameter and the Gorilla XOR size are
/// computed from those and the samples, and only the winner is encoded for real.
/// </summary>
internal sealed class ChunkRecoder
{
    private const int MaxK = 24;
    private readonly ChunkIterator _iterator = new();
    private readonly ChunkAppender _probe = new(ChunkEncoding.DecimalDelta, 0, 0, 256);
    private readonly ChunkAppender _final = new(ChunkEncoding.DecimalDelta, 0, 0, 256);
    private byte[] _scratch = new byte[512];
    private long[] _ts = new long[256];
    private double[] _vs = new double[256];
    private ulong[] _codes = new ulong[256];

    public readonly record struct Choice(ChunkEncoding Encoding, int TimestampK, int ValueK);

    /// <summary>Returns the smallest encoding of the chunk's samples and the parameters used, to seed the next head chunk.</summary>
    public (byte[] Bytes, Choice Choice) Recode(ChunkAppender head)
    {
        int n = Decode(head);
        if (n == 0) return (head.ToBytes(), new Choice(ChunkEncoding.DecimalDelta, 0, 2));
        var choice = BestChoice(n);
        _final.Reset(choice.Encoding, choice.TimestampK, choice.ValueK);
        for (int i = 0; i < n; i++) _final.Append(_ts[i], _vs[i]);
        // A head chunk cannot know its intervals will stay regular: it starts with k=0 (one bit per regular sample).
        if (choice.TimestampK == ChunkHeader.RegularTimestamps) choice = choice with { TimestampK = 0 };
        return (_final.ToBytes(), choice);
    }

    /// <summary>
    /// Encodes the chunk's samples with a choice found earlier for the same series, skipping the search (two probe
    /// encodings and the Rice parameter scans, about 60% of a cut). Regular timestamps are still detected, since
    /// the head chunk could not know its intervals would stay regular.
    /// </summary>
    public byte[] Reencode(ChunkAppender head, Choice choice)
    {
        int n = Decode(head);
        if (n == 0) return head.ToBytes();
        int tsK = RegularInterval(n) ? ChunkHeader.RegularTimestamps : choice.TimestampK;
        _final.Reset(choice.Encoding, tsK, choice.ValueK);
        for (int i = 0; i < n; i++) _final.Append(_ts[i], _vs[i]);
        return _final.ToBytes();
    }

    /// <summary>
    /// Re-encodes an open head chunk with the best choice for the samples it has so far; used once early in a
    /// new series' life so its first chunk is not written with guessed parameters.
    /// </summary>
    public ChunkAppender Retune(ChunkAppender head)
    {
        int n = Decode(head);
        var choice = n == 0 ? new Choice(head.Encoding, head.TimestampK, head.ValueK) : BestChoice(n);
        if (choice.TimestampK == ChunkHeader.RegularTimestamps) choice = choice with { TimestampK = 0 };
        var tuned = new ChunkAppender(choice.Encoding, choice.TimestampK, choice.ValueK, 64);
        for (int i = 0; i < n; i++) tuned.Append(_ts[i], _vs[i]);
        return tuned;
    }

    private Choice BestChoice(int n)
    {
        int tsK = RegularInterval(n) ? ChunkHeader.RegularTimestamps : BestTimestampK(n);
        if (_codes.Length < n) _codes = new ulong[n];
        long bestBits = long.MaxValue;
        Choice best = default;
        foreach (var enc in (ReadOnlySpan<ChunkEncoding>)[ChunkEncoding.DecimalDelta, ChunkEncoding.DecimalDoubleDelta])
        {
            _probe.Reset(enc, tsK, 0);
            _probe.CaptureValueCodes(_codes);
            for (int i = 0; i < n; i++) _probe.Append(_ts[i], _vs[i]);
            var codes = _codes.AsSpan(0, _probe.CapturedCount);
            int k = BestK(codes, out long costAtZero, out long costAtK);
            long bits = _probe.ValueBits - costAtZero + costAtK;
            if (bits < bestBits) { bestBits = bits; best = new Choice(enc, tsK, k); }
        }
        if (XorValueBits(_vs.AsSpan(0, n)) < bestBits) best = new Choice(ChunkEncoding.Xor, tsK, 0);
        return best;
    }

    private bool RegularInterval(int n)
    {
        if (n < 3) return false;
        long d = _ts[1] - _ts[0];
        for (int i = 2; i < n; i++) if (_ts[i] - _ts[i - 1] != d) return false;
        return true;
    }

    private int Decode(ChunkAppender head)
    {
        int size = head.SizeBytes;
        if (_scratch.Length < size) _scratch = new byte[Math.Max(size, _scratch.Length * 2)];
        head.WriteTo(_scratch);
        var it = _iterator.Reset(_scratch, 0, size);
        if (it.Count > _ts.Length) { _ts = new long[it.Count]; _vs = new double[it.Count]; }
        int n = 0;
        while (it.Next()) { _ts[n] = it.Timestamp; _vs[n] = it.Value; n++; }
        return n;
    }

    private int BestTimestampK(int n)
    {
        if (_codes.Length < n) _codes = new ulong[n];
        long prevDelta = 0;
        for (int i = 1; i < n; i++)
        {
            long delta = _ts[i] - _ts[i - 1];
            _codes[i - 1] = Varint.ZigZag(delta - prevDelta);
            prevDelta = delta;
        }
        return BestK(_codes.AsSpan(0, n - 1), out _, out _);
    }

    /// <summary>
    /// The Rice parameter with the fewest total bits. Beyond the bit length of the largest code every quotient is
    /// zero and each further k only adds a bit per code, so the search stops there.
    /// </summary>
    private static int BestK(ReadOnlySpan<ulong> codes, out long costAtZero, out long bestCost)
    {
        ulong all = 0;
        foreach (var z in codes) all |= z;
        int maxK = Math.Min(MaxK, 64 - BitOperations.LeadingZeroCount(all));
        int bestK = 0;
        bestCost = long.MaxValue;
        costAtZero = 0;
        for (int k = 0; k <= maxK; k++)
        {
            long cost = 0;
            foreach (var z in codes) cost += RiceCode.Cost(z, k);
            if (k == 0) costAtZero = cost;
            if (cost < bestCost) { bestCost = cost; bestK = k; }
        }
        return bestK;
    }

    /// <summary>The value bits Gorilla XOR would use for these values (mirrors ChunkAppender's XOR path).</summary>
    private static long XorValueBits(ReadOnlySpan<double> values)
    {
        long bits = 64;
        ulong prev = BitConverter.DoubleToUInt64Bits(values[0]);
        int prevLeading = 0xff, prevTrailing = 0;
        for (int i = 1; i < values.Length; i++)
        {
            ulong cur = BitConverter.DoubleToUInt64Bits(values[i]);
            ulong delta = cur ^ prev;
            prev = cur;
            if (delta == 0) { bits += 1; continue; }
            int leading = Math.Min(BitOperations.LeadingZeroCount(delta), 31);
            int trailing = BitOperations.TrailingZeroCount(delta);
            if (prevLeading != 0xff && leading >= prevLeading && trailing >= prevTrailing)
            {
                bits += 2 + 64 - prevLeading - prevTrailing;
                continue;
            }
            prevLeading = leading;
            prevTrailing = trailing;
            bits += 2 + 5 + 6 + 64 - leading - trailing;
        }
        return bits;
    }
}
