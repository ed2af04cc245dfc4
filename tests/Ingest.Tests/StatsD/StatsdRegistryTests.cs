using System.Text;
using Mlobs.Config.Statsd;
using Mlobs.Config.Yaml;
using Mlobs.Ingest.StatsD;

namespace Mlobs.Ingest.Tests.StatsD;

/// <summary>
/// What the receiver makes of events, by statsd_exporter's documented semantics: counters grow (divided by the sample
/// rate), gauges are set or moved, timers are seconds, observers become summaries or histograms, and — beyond
/// statsd_exporter — sets count distinct members per interval and a conflicting event is refused alone.
/// </summary>
public sealed class StatsdRegistryTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static StatsdRegistry Registry(string? mapping = null)
    {
        var config = mapping is null ? new StatsdMappingConfig()
            : StatsdMappingParser.Parse(new YamlNodeReader("m.yml") { ExpandEnvironment = false }, new YamlNodeReader("m.yml").LoadDocument(mapping)!);
        return new StatsdRegistry(new StatsdMapper(config));
    }

    private static void Send(StatsdRegistry r, string lines, DateTimeOffset? at = null) =>
        r.HandlePacket(Encoding.UTF8.GetBytes(lines), at ?? T0);

    private static Dictionary<string, double> Series(StatsdRegistry r, DateTimeOffset? at = null) =>
        r.Snapshot(at ?? T0).Series.ToDictionary(s => s.Labels.ToString(), s => s.Value);

    [Fact]
    public void CountersGaugesAndTimersAsStatsdExporterKeepsThem()
    {
        var r = Registry("defaults:\n  observer_type: histogram\n  histogram_options:\n    buckets: [0.1, 1]\n");
        Send(r, "jobs.done:1|c\njobs.done:2|c|@0.5\nqueue:10|g\nqueue:+5|g\nqueue:-3|g\nstep:50|ms\nstep:700|ms\nstep:2000|ms|@0.5\n");
        var s = Series(r);
        Assert.Equal(5, s["jobs_done"]);
        Assert.Equal(12, s["queue"]);
        Assert.Equal(1, s["step_bucket{le=\"0.1\"}"]);
        Assert.Equal(2, s["step_bucket{le=\"1\"}"]);
        Assert.Equal(4, s["step_bucket{le=\"+Inf\"}"]); // the sampled 2 s timer counts twice
        Assert.Equal(4, s["step_count"]);
        Assert.Equal(0.05 + 0.7 + 4, s["step_sum"], 9);
        Send(r, "jobs.done:4|c\n");
        Assert.Equal(9, Series(r)["jobs_done"]); // counters only grow
    }

    [Fact]
    public void SummariesReportQuantilesOverTheirWindow()
    {
        var r = Registry();
        Send(r, string.Concat(Enumerable.Range(1, 100).Select(i => $"latency:{i * 10}|ms\n")));
        var s = Series(r);
        Assert.Equal(0.5, s["latency{quantile=\"0.5\"}"], 2);
        Assert.Equal(0.9, s["latency{quantile=\"0.9\"}"], 2);
        Assert.Equal(0.99, s["latency{quantile=\"0.99\"}"], 2);
        Assert.Equal(100, s["latency_count"]);
        var later = Series(r, T0.AddMinutes(13)); // max_age 10m (in 5 slices): the window is empty, sum and count stay
        Assert.True(double.IsNaN(later["latency{quantile=\"0.5\"}"]));
        Assert.Equal(100, later["latency_count"]);
    }

    [Fact]
    public void SetsCountDistinctMembersPerInterval()
    {
        var r = Registry();
        Send(r, "active_users:alice|s\nactive_users:bob|s\nactive_users:alice|s\n");
        Assert.Equal(2, Series(r)["active_users"]);
        Send(r, "active_users:carol|s\n");
        Assert.Equal(1, Series(r)["active_users"]);
        Assert.Equal(0, Series(r)["active_users"]);
    }

    [Fact]
    public void TagsAndMappingLabelsMakeTheSeries()
    {
        var r = Registry("mappings:\n  - match: airflow.ti.finish.*.*.*\n    name: airflow_ti_finish_total\n    labels: {dag_id: \"$1\", task_id: \"$2\", state: \"$3\"}\n");
        Send(r, "airflow.ti.finish.train.fit.success:1|c\nairflow.ti.finish.train.fit.failed:1|c\nairflow.ti.finish.train.fit.success:1|c\nrequests:1|c|#route:/a,code:200\n");
        var s = Series(r);
        Assert.Equal(2, s["airflow_ti_finish_total{dag_id=\"train\", state=\"success\", task_id=\"fit\"}"]);
        Assert.Equal(1, s["airflow_ti_finish_total{dag_id=\"train\", state=\"failed\", task_id=\"fit\"}"]);
        Assert.Equal(1, s["requests{code=\"200\", route=\"/a\"}"]);
    }

    [Fact]
    public void AConflictingEventIsRefusedAloneAndCounted()
    {
        var r = Registry();
        Send(r, "x:1|c\nx:1|g\nx:1|c|#a:b\ny:-1|c\nz:1|c\nbad line\n");
        var s = Series(r);
        Assert.Equal(["x", "z"], s.Keys.Order(StringComparer.Ordinal));
        var rejected = r.Rejected;
        Assert.Equal(1, rejected["type_conflict"]);
        Assert.Equal(1, rejected["label_conflict"]);
        Assert.Equal(1, rejected["illegal_negative_counter"]);
        Assert.Equal(1, rejected["malformed_line"]);
        Assert.Equal(2, r.Accepted["counter"]);
    }

    [Fact]
    public void SeriesPastTheirTtlAreForgottenAndStartAgain()
    {
        var r = Registry("defaults:\n  ttl: 1m\nmappings:\n  - match: kept.*\n    name: kept\n    ttl: 0s\n");
        Send(r, "brief:5|c\nkept.a:1|c\n");
        Assert.Equal(5, Series(r, T0.AddSeconds(30))["brief"]);
        var later = Series(r, T0.AddMinutes(2));
        Assert.False(later.ContainsKey("brief"));
        Assert.True(later.ContainsKey("kept"));
        Send(r, "brief:1|c\n", T0.AddMinutes(3));
        Assert.Equal(1, Series(r, T0.AddMinutes(3))["brief"]); // a counter that expired starts from zero
    }

    [Fact]
    public void DroppedAndScaledByTheMapping()
    {
        var r = Registry("mappings:\n  - match: debug.*\n    action: drop\n    name: x\n  - match: bytes.*\n    name: bytes_total\n    scale: 1024\n    labels: {kind: \"$1\"}\n");
        Send(r, "debug.noise:1|c\nbytes.read:2|c\n");
        var s = Series(r);
        Assert.Equal(2048, s["bytes_total{kind=\"read\"}"]);
        Assert.Single(s);
        Assert.Equal(1, r.Rejected["dropped_by_mapping"]);
    }
}
