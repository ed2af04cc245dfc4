using System.Text;
using BenchmarkDotNet.Attributes;
using Mlobs.Config.Statsd;
using Mlobs.Ingest.StatsD;

namespace Mlobs.Bench;

/// <summary>
/// The StatsD intake's hot path on one core: a 1.4 KB packet of Airflow and service lines (counters, gauges, timers;
/// plain, DogStatsD-tagged and sampled) through the parser, the Airflow mapping and the registry. Per event.
/// </summary>
[MemoryDiagnoser]
public class StatsdIntakeBench
{
    private byte[] _packet = [];
    private int _events;
    private StatsdRegistry _registry = null!;
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    [GlobalSetup]
    public void Setup()
    {
        var mapping = StatsdMappingParser.Load(Path.Combine(RepoPaths.Root, "config", "statsd", "airflow.yml"));
        _registry = new StatsdRegistry(new StatsdMapper(mapping));
        _packet = Packet();
        _registry.HandlePacket(_packet, _now); // series created: the benchmark measures the steady state
    }

    /// <summary>The line mix, one packet (also what bench/statsd.sh sends).</summary>
    public byte[] Packet()
    {
        var lines = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            lines.Add($"airflow.ti.finish.dag_{i}.task_{i}.success:1|c");
            lines.Add($"airflow.ti.start.dag_{i}.task_{i}:1|c");
            lines.Add($"airflow.dag.dag_{i}.task_{i}.duration:{1200 + i}|ms");
            lines.Add($"airflow.pool.open_slots.pool_{i}:{100 - i}|g");
            lines.Add($"requests:1|c|#route:/predict,code:200,model:m{i}");
            lines.Add($"prediction_latency:{40 + i}|h|#model:m{i}");
            lines.Add($"cache.hits:{i + 1}|c|@0.5");
            lines.Add("airflow.scheduler_heartbeat:1|c");
        }
        _events = lines.Count;
        return Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");
    }

    [Benchmark(OperationsPerInvoke = 32)]
    public void HandlePacket() => _registry.HandlePacket(_packet, _now);

    /// <summary>Lines in <see cref="Packet"/> (set once it has been built).</summary>
    public int EventsPerPacket => _events;
}
