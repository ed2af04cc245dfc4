using BenchmarkDotNet.Attributes;
using Mlobs.Model.Labels;
using Mlobs.Storage;
using Mlobs.Storage.Tsdb;

namespace Mlobs.Bench;

/// <summary>
/// Appending scrape-sized batches (1000 series, one commit each, as a scrape does) to a real SQLite store,
/// with series refs cached as the scrape cache does.
/// </summary>
[MemoryDiagnoser]
public class TsdbAppendBench
{
    private const int Series = 1000;
    private string _dir = "";
    private TsdbDatabase _db = null!;
    private LabelSet[] _labels = [];
    private readonly ulong[] _refs = new ulong[Series];
    private long _t;
    private readonly Random _rng = new(3);

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "mlobs-bench-" + Guid.NewGuid().ToString("N"));
        _db = TsdbDatabase.Open(new TsdbOptions { Directory = _dir });
        _labels = Enumerable.Range(0, Series)
            .Select(i => LabelSet.From(("__name__", "model_feature_drift"), ("job", "synthetic"), ("instance", "127.0.0.1:19201"), ("feature", "f" + i)))
            .ToArray();
        _t = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 3_600_000;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _db.Dispose();
        Directory.Delete(_dir, true);
    }

    [Benchmark(OperationsPerInvoke = Series)]
    public CommitResult AppendScrapeBatch()
    {
        _t += 1000;
        var app = _db.Appender();
        for (int i = 0; i < Series; i++) app.Append(ref _refs[i], _labels[i], _t, Math.Round(0.3 + _rng.NextDouble() * 0.01, 3));
        return app.Commit();
    }
}
