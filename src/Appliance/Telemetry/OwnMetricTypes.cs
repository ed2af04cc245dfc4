using System.Text;
using Mlobs.Ingest.Push;
using Prometheus;

namespace Mlobs.Appliance.Telemetry;

/// <summary>
/// The types of the appliance's own metric families (what its /metrics exposes), which a push must not contradict,
/// as the Pushgateway checks pushes against its own metrics. Read from the exposition and kept for a minute: families
/// appear as the process runs.
/// </summary>
public sealed class OwnMetricTypes
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private IReadOnlyDictionary<string, MetricKind> _types = new Dictionary<string, MetricKind>();
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public IReadOnlyDictionary<string, MetricKind> Current()
    {
        lock (_lock)
        {
            var now = DateTimeOffset.UtcNow;
            if (now - _readAt < MaxAge) return _types;
            using var body = new MemoryStream();
            Metrics.DefaultRegistry.CollectAndExportAsTextAsync(body).GetAwaiter().GetResult();
            var types = new Dictionary<string, MetricKind>(StringComparer.Ordinal);
            foreach (var line in Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length).Split('\n'))
            {
                if (!line.StartsWith("# TYPE ", StringComparison.Ordinal)) continue;
                var parts = line.Split(' ');
                if (parts.Length < 4) continue;
                types[parts[2]] = parts[3] switch
                {
                    "counter" => MetricKind.Counter,
                    "gauge" => MetricKind.Gauge,
                    "summary" => MetricKind.Summary,
                    "histogram" => MetricKind.Histogram,
                    _ => MetricKind.Untyped,
                };
            }
            _types = types;
            _readAt = now;
            return types;
        }
    }
}
