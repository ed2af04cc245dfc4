using System.Text;
using BenchmarkDotNet.Attributes;
using Mlobs.Ingest.Push;

namespace Mlobs.Bench;

/// <summary>
/// A Pushgateway push end to end below HTTP: parsing a 200-series body (a training job's metrics) and applying it
/// to a store that already holds 200 groups — the consistency check over every group and the SQLite transaction.
/// </summary>
[MemoryDiagnoser]
public class PushIntakeBench
{
    private byte[] _body = [];
    private string _dir = "";
    private PushGroupStore _store = null!;
    private int _n;

    [GlobalSetup]
    public void Setup()
    {
        _body = Body();
        _dir = Path.Combine(Path.GetTempPath(), "mlobs-bench-push-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _store = new PushGroupStore(PushDatabase.Open(Path.Combine(_dir, "pushgateway.sqlite")));
        var families = PushTextParser.Parse(_body);
        for (int g = 0; g < 200; g++)
            _store.Apply(new PushRequest(GroupingKey.Parse($"/job_{g}/instance/box", false), families, true, DateTimeOffset.UtcNow));
    }

    /// <summary>A training job's 200 series: gauges, counters and a histogram (also what bench's --push-load sends).</summary>
    public static byte[] Body()
    {
        var sb = new StringBuilder();
        sb.Append("# TYPE train_loss gauge\n");
        for (int i = 0; i < 100; i++) sb.Append($"train_loss{{model=\"m{i}\",stage=\"eval\"}} 0.{i + 10}\n");
        sb.Append("# TYPE train_rows_total counter\n");
        for (int i = 0; i < 50; i++) sb.Append($"train_rows_total{{model=\"m{i}\"}} {i * 1000}\n");
        sb.Append("# TYPE train_step_seconds histogram\n");
        for (int i = 0; i < 10; i++)
        {
            foreach (var le in new[] { "0.1", "1", "+Inf" }) sb.Append($"train_step_seconds_bucket{{model=\"m{i}\",le=\"{le}\"}} {i}\n");
            sb.Append($"train_step_seconds_sum{{model=\"m{i}\"}} {i * 2}\ntrain_step_seconds_count{{model=\"m{i}\"}} {i}\n");
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    [Benchmark]
    public int ParseBody() => PushTextParser.Parse(_body).Count;

    [Benchmark]
    public void PutIntoStoreOf200Groups() =>
        _store.Apply(new PushRequest(GroupingKey.Parse($"/job_{_n++ % 200}/instance/box", false), PushTextParser.Parse(_body), true, DateTimeOffset.UtcNow));

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
