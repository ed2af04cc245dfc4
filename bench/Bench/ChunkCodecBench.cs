using BenchmarkDotNet.Attributes;
using Mlobs.Storage.Tsdb.Chunks;

namespace Mlobs.Bench;

/// <summary>Encoding and decoding 120-sample chunks of a 3-digit gauge and of a noisy counter.</summary>
[MemoryDiagnoser]
public class ChunkCodecBench
{
    private readonly (long T, double V)[] _gauge = new (long, double)[120];
    private readonly (long T, double V)[] _counter = new (long, double)[120];
    private byte[] _gaugeChunk = [], _counterChunk = [];
    private ChunkAppender _gaugeHead = null!;
    private readonly ChunkIterator _it = new();
    private readonly ChunkRecoder _recoder = new();

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        double x = 0.9, c = 123456;
        for (int i = 0; i < 120; i++)
        {
            x += (rng.NextDouble() - 0.5) * 0.004;
            c += rng.Next(50, 150);
            _gauge[i] = (1_700_000_000_000 + i * 1000L, Math.Round(x, 3));
            _counter[i] = (1_700_000_000_000 + i * 1000L, c);
        }
        _gaugeHead = Encode(_gauge, ChunkEncoding.DecimalDelta);
        _gaugeChunk = _recoder.Recode(_gaugeHead).Bytes;
        _counterChunk = _recoder.Recode(Encode(_counter, ChunkEncoding.DecimalDoubleDelta)).Bytes;
    }

    private static ChunkAppender Encode((long T, double V)[] samples, ChunkEncoding enc)
    {
        var app = new ChunkAppender(enc, 0, 2);
        foreach (var (t, v) in samples) app.Append(t, v);
        return app;
    }

    [Benchmark(OperationsPerInvoke = 120)] public byte[] EncodeGauge() => Encode(_gauge, ChunkEncoding.DecimalDelta).ToBytes();
    [Benchmark(OperationsPerInvoke = 120)] public byte[] EncodeCounter() => Encode(_counter, ChunkEncoding.DecimalDoubleDelta).ToBytes();
    [Benchmark(OperationsPerInvoke = 120)] public byte[] RecodeAtCut() => _recoder.Recode(_gaugeHead).Bytes;

    [Benchmark(OperationsPerInvoke = 120)]
    public double DecodeGauge()
    {
        _it.Reset(_gaugeChunk);
        double s = 0;
        while (_it.Next()) s += _it.Value;
        return s;
    }

    [Benchmark(OperationsPerInvoke = 120)]
    public double DecodeCounter()
    {
        _it.Reset(_counterChunk);
        double s = 0;
        while (_it.Next()) s += _it.Value;
        return s;
    }
}
