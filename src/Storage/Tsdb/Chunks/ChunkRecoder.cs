namespace Mlobs.Storage.Tsdb.Chunks;

/// <summary>
/// When a head chunk is cut, re-encodes it with whichever codec and Rice parameters make it smallest.
/// Tuning per finished chunk is cheap (once per ~120 samples) and lets gauges, counters and
/// high-precision floats each get the encoding that suits them, as VictoriaMetrics picks per block.
/// </summary>
internal sealed class ChunkRecoder
{
    private const int MaxK = 24;
    private readonly ChunkIterator _iterator = new();
    private long[] _ts = new long[256];
    private double[] _vs = new double[256];
    private readonly List<ulong> _codes = new(256);

    public readonly record struct Choice(ChunkEncoding Encoding, int TimestampK, int ValueK);

    /// <summary>Returns the smallest encoding of the chunk's samples and the parameters used, to seed the next head chunk.</summary>
    public (byte[] Bytes, Choice Choice) Recode(byte[] chunk)
    {
        int n = Decode(chunk);
        if (n == 0) return (chunk, new Choice(ChunkEncoding.DecimalDelta, 0, 2));
        int tsK = RegularInterval(n) ? ChunkHeader.RegularTimestamps : BestTimestampK(n);

        byte[]? best = null;
        Choice bestChoice = default;
        foreach (var enc in (ReadOnlySpan<ChunkEncoding>)[ChunkEncoding.DecimalDelta, ChunkEncoding.DecimalDoubleDelta])
        {
            // First pass records the codes, second pass uses the k that minimises their cost.
            _codes.Clear();
            var probe = Encode(enc, tsK, 0, n, _codes);
            int k = BestK(_codes);
            var bytes = k == 0 ? probe.ToBytes() : Encode(enc, tsK, k, n, null).ToBytes();
            if (best is null || bytes.Length < best.Length) { best = bytes; bestChoice = new Choice(enc, tsK, k); }
        }
        var xor = Encode(ChunkEncoding.Xor, tsK, 0, n, null).ToBytes();
        if (xor.Length < best!.Length) { best = xor; bestChoice = new Choice(ChunkEncoding.Xor, tsK, 0); }
        // A head chunk cannot know its intervals will stay regular: it starts with k=0 (one bit per regular sample).
        if (bestChoice.TimestampK == ChunkHeader.RegularTimestamps) bestChoice = bestChoice with { TimestampK = 0 };
        return (best, bestChoice);
    }

    /// <summary>
    /// Re-encodes an open head chunk with the best choice for the samples it has so far; used once early in a
    /// new series' life so its first chunk is not written with guessed parameters.
    /// </summary>
    public ChunkAppender Retune(ChunkAppender head)
    {
        var (_, choice) = Recode(head.ToBytes()); // leaves the decoded samples in _ts/_vs
        return Encode(choice.Encoding, choice.TimestampK, choice.ValueK, head.Count, null);
    }

    private bool RegularInterval(int n)
    {
        if (n < 3) return false;
        long d = _ts[1] - _ts[0];
        for (int i = 2; i < n; i++) if (_ts[i] - _ts[i - 1] != d) return false;
        return true;
    }

    private int Decode(byte[] chunk)
    {
        var it = _iterator.Reset(chunk);
        if (it.Count > _ts.Length) { _ts = new long[it.Count]; _vs = new double[it.Count]; }
        int n = 0;
        while (it.Next()) { _ts[n] = it.Timestamp; _vs[n] = it.Value; n++; }
        return n;
    }

    private ChunkAppender Encode(ChunkEncoding enc, int tsK, int valK, int n, List<ulong>? capture)
    {
        var app = new ChunkAppender(enc, tsK, valK, 64) { CapturedValueCodes = capture };
        for (int i = 0; i < n; i++) app.Append(_ts[i], _vs[i]);
        app.CapturedValueCodes = null;
        return app;
    }

    private int BestTimestampK(int n)
    {
        _codes.Clear();
        long prevDelta = 0;
        for (int i = 1; i < n; i++)
        {
            long delta = _ts[i] - _ts[i - 1];
            _codes.Add(Varint.ZigZag(delta - prevDelta));
            prevDelta = delta;
        }
        return BestK(_codes);
    }

    private static int BestK(List<ulong> codes)
    {
        int bestK = 0;
        long bestCost = long.MaxValue;
        for (int k = 0; k <= MaxK; k++)
        {
            long cost = 0;
            foreach (var z in codes) cost += RiceCode.Cost(z, k);
            if (cost < bestCost) { bestCost = cost; bestK = k; }
        }
        return bestK;
    }
}
