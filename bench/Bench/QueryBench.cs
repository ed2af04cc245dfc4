using BenchmarkDotNet.Attributes;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Storage.Tsdb;

namespace Mlobs.Bench;

/// <summary>
/// Dashboard-style PromQL range queries (1 h at a 15 s step) over a real TSDB holding 10k counter series and a
/// 10k-series classic histogram (1000 instances × 10 buckets), 1 h of 15 s samples each. <see cref="Stored"/>: the
/// series have left the head (as a stopped target's do), so they are found through the cold index on disk and all
/// their chunks read from SQLite.
/// </summary>
[MemoryDiagnoser]
public class QueryBench
{
    private const int Jobs = 10, InstancesPerJob = 1000, Buckets = 10;
    private const long Step = 15_000, Hour = 3_600_000;
    private string _dir = "";
    private TsdbDatabase _db = null!;
    private QueryEngine _engine = null!;
    private long _end;

    [Params(
        "sum by (job) (rate(x_total[5m]))",
        "histogram_quantile(0.95, sum by (le) (rate(lat_bucket[5m])))",
        "topk(5, rate(x_total[5m]))",
        "sum(rate(x_total{instance=~\"i-1.*\"}[5m]))",
        "sum(rate(x_total[5m]))")]
    public string Query { get; set; } = "";

    [Params(false, true)]
    public bool Stored { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "mlobs-querybench-" + Guid.NewGuid().ToString("N"));
        _db = TsdbDatabase.Open(new TsdbOptions { Directory = _dir });
        _engine = new QueryEngine(_db);
        var counters = new List<LabelSet>();
        for (int j = 0; j < Jobs; j++)
            for (int i = 0; i < InstancesPerJob; i++)
                counters.Add(LabelSet.From(("__name__", "x_total"), ("job", "job-" + j), ("instance", "i-" + i)));
        var buckets = new List<(LabelSet, double Share)>();
        string[] les = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"];
        for (int i = 0; i < InstancesPerJob; i++)
            for (int b = 0; b < Buckets; b++)
                buckets.Add((LabelSet.From(("__name__", "lat_bucket"), ("job", "api"), ("instance", "i-" + i), ("le", les[b])), (b + 1) / (double)Buckets));
        var refs = new ulong[counters.Count + buckets.Count];
        var rng = new Random(5);
        var values = new double[counters.Count];
        _end = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / Step * Step;
        long start = _end - Hour - 10 * 60_000;
        for (long t = start; t <= _end; t += Step)
        {
            var app = _db.Appender();
            for (int s = 0; s < counters.Count; s++)
            {
                values[s] += rng.Next(0, 100);
                app.Append(ref refs[s], counters[s], t, values[s]);
            }
            double n = (t - start) / Step * 10.0;
            for (int s = 0; s < buckets.Count; s++)
                app.Append(ref refs[counters.Count + s], buckets[s].Item1, t, Math.Round(n * buckets[s].Share));
            app.Commit();
        }
        if (!Stored) return;
        _db.Dispose();
        _db = TsdbDatabase.Open(new TsdbOptions { Directory = _dir, IdleSeriesMs = 0 });
        _db.Checkpoint();
        if (_db.SeriesCount != 0) throw new InvalidOperationException($"{_db.SeriesCount} series still in the head");
        _engine = new QueryEngine(_db);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _db.Dispose();
        Directory.Delete(_dir, true);
    }

    [Benchmark]
    public int RangeQuery1h() => ((MatrixValue)_engine.Range(Query, _end - Hour, _end, Step).Value).Series.Count;
}
