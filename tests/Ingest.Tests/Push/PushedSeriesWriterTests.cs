using System.Text;
using Mlobs.Ingest.Push;
using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Storage.Tsdb;
using Mlobs.Tests.Support;

namespace Mlobs.Ingest.Tests.Push;

/// <summary>Pushed groups in the TSDB as a Prometheus scraping a Pushgateway with honor_labels stores them.</summary>
public sealed class PushedSeriesWriterTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly TsdbDatabase _tsdb;
    private readonly PushGroupStore _store;
    private readonly PushedSeriesWriter _writer;
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    /// <summary>Rounds are written from here (recent, inside the retention); stored times are read back relative to it.</summary>
    private static readonly long B = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds() / 1000 * 1000;

    public PushedSeriesWriterTests()
    {
        _tsdb = TsdbDatabase.Open(new TsdbOptions { Directory = _dir.Path });
        _store = new PushGroupStore(PushDatabase.Open(Path.Combine(_dir.Path, "pushgateway.sqlite")));
        _writer = new PushedSeriesWriter(_tsdb);
    }

    private void Push(string path, string body, int second = 0) =>
        _store.Apply(new PushRequest(GroupingKey.Parse(path, false), PushTextParser.Parse(Encoding.UTF8.GetBytes(body)), true, T0.AddSeconds(second)));

    private Dictionary<string, List<(long T, double V)>> Stored()
    {
        var result = new Dictionary<string, List<(long, double)>>();
        using var querier = _tsdb.Querier(long.MinValue, long.MaxValue);
        var set = querier.Select(true, new LabelMatcher(LabelMatchType.Regex, LabelSet.MetricName, ".+"));
        while (set.Next())
        {
            var samples = new List<(long, double)>();
            var it = set.Current.Iterator();
            while (it.Next()) samples.Add((it.Timestamp - B, it.Value));
            result[set.Current.Labels.ToString()] = samples;
        }
        return result;
    }

    [Fact]
    public void WritesEverySeriesOfEveryGroupAtEachRound()
    {
        Push("/train/stage/eval", """
            # TYPE latency histogram
            latency_bucket{le="0.5"} 1
            latency_sum 0.7
            latency_count 2
            # TYPE rpc summary
            rpc{quantile="0.9"} 0.3
            rpc_sum 1
            rpc_count 3
            loss{instance="box1"} 0.27

            """, second: 1);
        _writer.WriteOnce(_store.Groups, B + 10_000);
        _writer.WriteOnce(_store.Groups, B + 25_000);
        var stored = Stored();
        Assert.Equal(
        [
            "latency_bucket{job=\"train\", le=\"+Inf\", stage=\"eval\"}",
            "latency_bucket{job=\"train\", le=\"0.5\", stage=\"eval\"}",
            "latency_count{job=\"train\", stage=\"eval\"}",
            "latency_sum{job=\"train\", stage=\"eval\"}",
            "loss{instance=\"box1\", job=\"train\", stage=\"eval\"}",
            "push_failure_time_seconds{job=\"train\", stage=\"eval\"}",
            "push_time_seconds{job=\"train\", stage=\"eval\"}",
            "rpc_count{job=\"train\", stage=\"eval\"}",
            "rpc_sum{job=\"train\", stage=\"eval\"}",
            "rpc{job=\"train\", quantile=\"0.9\", stage=\"eval\"}",
        ], stored.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([(10_000, 2.0), (25_000, 2.0)], stored["latency_bucket{job=\"train\", le=\"+Inf\", stage=\"eval\"}"]);
        Assert.Equal([(10_000, 1_700_000_001.0), (25_000, 1_700_000_001.0)], stored["push_time_seconds{job=\"train\", stage=\"eval\"}"]);
    }

    [Fact]
    public void ADeletedGroupOrReplacedFamilyGoesStale()
    {
        Push("/a", "x 1\ny 2\n");
        Push("/b", "z 3\n");
        _writer.WriteOnce(_store.Groups, B + 10_000);
        Push("/a", "x 5\n", second: 1);
        _store.Apply(PushRequest.Delete(GroupingKey.Parse("/b", false), T0));
        _writer.WriteOnce(_store.Groups, B + 20_000);
        _writer.WriteOnce(_store.Groups, B + 30_000);
        var stored = Stored();
        Assert.Equal([(10_000, 1.0), (20_000, 5.0), (30_000, 5.0)], stored["x{job=\"a\"}"]);
        var y = stored["y{job=\"a\"}"];
        Assert.Equal(2, y.Count);
        Assert.True(StaleNaN.Is(y[1].V) && y[1].T == 20_000);
        Assert.True(StaleNaN.Is(stored["z{job=\"b\"}"][1].V));
        Assert.True(StaleNaN.Is(stored["push_time_seconds{job=\"b\"}"][1].V));
        Assert.Equal(2, stored["push_time_seconds{job=\"b\"}"].Count); // once stale, no more markers
    }

    public void Dispose()
    {
        _store.Dispose();
        _tsdb.Dispose();
        _dir.Dispose();
    }
}
