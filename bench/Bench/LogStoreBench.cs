using BenchmarkDotNet.Attributes;
using Mlobs.Model.Labels;
using Mlobs.Query.LogQl;
using Mlobs.Storage.Logs;

namespace Mlobs.Bench;

/// <summary>
/// The log store's hot paths on synthetic JSON service logs (as bench/logs/gen_logs.py writes them): compressing a
/// 256 KiB block with its trigram set, inflating it, storing a tailer-sized batch (head rows), flushing 4 MiB of
/// head into blocks. <see cref="LogQueryBench"/> times LogQL over stored lines.
/// </summary>
[MemoryDiagnoser]
public class LogStoreBench
{
    private (long Ts, string Line)[] _block = [];
    private byte[] _compressed = [];
    private int _raw;
    private readonly DecodedLogBlock _decoded = new();
    private readonly TrigramSet _trigrams = new();
    private LogEntry[] _batch = [];
    private string _dir = "";
    private LogStore _scratch = null!;

    internal static string Line(Random rnd, int i)
    {
        string[] levels = ["info", "info", "info", "debug", "warn", "error"];
        string[] models = ["resnet50-v3", "bert-base-ft", "xgb-churn-7", "llama-8b-q4"];
        var level = levels[rnd.Next(levels.Length)];
        var msg = i % 20_000 == 19_999 ? "GPU ECC error on device " + rnd.Next(8) : level == "error" ? "timeout calling feature store" : "request served";
        return $"{{\"timestamp\":\"2026-12-02T08:00:{i % 60:00}.{i % 1000:000}Z\",\"level\":\"{level}\",\"service\":\"model-server\",\"model\":\"{models[rnd.Next(models.Length)]}\","
               + $"\"trace_id\":\"{rnd.NextInt64():x16}{rnd.NextInt64():x16}\",\"latency_ms\":{Math.Round(Math.Exp(3.5 + 0.8 * rnd.NextDouble() * 2 - 0.8), 1)},\"status\":200,\"msg\":\"{msg}\"}}";
    }

    [GlobalSetup]
    public void Setup()
    {
        var rnd = new Random(1);
        var lines = new List<(long, string)>();
        long bytes = 0;
        for (int i = 0; bytes < 256 * 1024; i++)
        {
            var line = Line(rnd, i);
            lines.Add((1_000_000_000L * i, line));
            bytes += line.Length + 1;
        }
        _block = lines.ToArray();
        (_compressed, _raw) = LogBlock.Encode(_block, 0);
        var stream = LabelSet.From(("service", "model-server"));
        _batch = Enumerable.Range(0, 2000).Select(i => new LogEntry(stream, 1_000_000L * i, Line(rnd, i))).ToArray();

        _dir = Path.Combine(Path.GetTempPath(), "mlobs-logbench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _scratch = LogStore.Open(Path.Combine(_dir, "scratch.sqlite"), new LogStoreOptions { HeadFlushBytes = long.MaxValue });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _scratch.Dispose();
        _decoded.Dispose();
        Directory.Delete(_dir, true);
    }

    [Benchmark(Description = "encode 256 KiB block + trigrams")]
    public int EncodeBlock()
    {
        var (data, _) = LogBlock.Encode(_block, 0, _trigrams);
        return data.Length + _trigrams.TakeDocument().Length;
    }

    [Benchmark(Description = "decode 256 KiB block")]
    public int DecodeBlock()
    {
        LogBlock.Decode(_compressed, _raw, 0, _decoded);
        return _decoded.Count;
    }

    [Benchmark(Description = "append 2,000 lines to the head")]
    public void AppendBatch() => _scratch.Append(_batch);

    [Benchmark(Description = "flush 2,000 head lines into blocks")]
    public void AppendAndFlush()
    {
        _scratch.Append(_batch);
        _scratch.Flush();
    }
}

/// <summary>
/// LogQL over 200k stored JSON lines, newest first, limit 100: a rare substring (narrowed by the trigram index), a
/// regex narrowed by its literal run, and a parser + label filter that matches nothing (every line is read and parsed).
/// </summary>
[MemoryDiagnoser]
public class LogQueryBench
{
    private const int StoredLines = 200_000;
    private string _dir = "";
    private LogStore _store = null!;

    [Params("{service=\"model-server\"} |= \"GPU ECC error\"", "{service=\"model-server\"} |~ \"ECC error on device [37]\"", "{service=\"model-server\"} | json | latency_ms > 200")]
    public string Query { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var rnd = new Random(1);
        var stream = LabelSet.From(("service", "model-server"));
        _dir = Path.Combine(Path.GetTempPath(), "mlobs-logbench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _store = LogStore.Open(Path.Combine(_dir, "logs.sqlite"));
        long t = 1_700_000_000_000_000_000;
        for (int start = 0; start < StoredLines; start += 10_000)
            _store.Append(Enumerable.Range(start, 10_000).Select(i => new LogEntry(stream, t + i * 1_000_000L, LogStoreBench.Line(rnd, i))).ToList());
        _store.Flush();
        // Constant queries would go to PromQL; these do not, but the engine needs one.
        _tsdb = Mlobs.Storage.Tsdb.TsdbDatabase.Open(new Mlobs.Storage.Tsdb.TsdbOptions { Directory = Path.Combine(_dir, "tsdb") });
        _logQl = new LogQlEngine(_store, new Mlobs.Query.PromQl.Engine.QueryEngine(_tsdb));
    }

    private LogQlEngine _logQl = null!;
    private Mlobs.Storage.Tsdb.TsdbDatabase _tsdb = null!;

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        _tsdb.Dispose();
        Directory.Delete(_dir, true);
    }

    [Benchmark(Description = "query 200k lines, limit 100")]
    public int Scan()
    {
        return _logQl.Range(Query, 0, long.MaxValue - 1, long.MaxValue, 100, backward: true).Lines!.Count;
    }
}
