using System.Text;
using Mlobs.Ingest.Push;
using Mlobs.Tests.Support;

namespace Mlobs.Ingest.Tests.Push;

/// <summary>
/// PUT, POST and DELETE semantics, the consistency check and persistence of the push store, against the
/// Pushgateway's storage/diskmetricstore.go.
/// </summary>
public sealed class PushGroupStoreTests : IDisposable
{
    private readonly TempDir _dir = new();
    private PushGroupStore _store;
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    public PushGroupStoreTests() => _store = Open();

    private PushGroupStore Open(Func<IReadOnlyDictionary<string, MetricKind>>? reserved = null) =>
        new(PushDatabase.Open(Path.Combine(_dir.Path, "pushgateway.sqlite")), reserved);

    private void Push(string path, string body, bool replace = true, int second = 0) =>
        _store.Apply(new PushRequest(GroupingKey.Parse(path, false), PushTextParser.Parse(Encoding.UTF8.GetBytes(body)), replace, T0.AddSeconds(second)));

    private PushGroup Group(string path) => _store.Get(GroupingKey.Parse(path, false)) ?? throw new InvalidOperationException("no group " + path);

    private static string Names(PushGroup g) => string.Join(",", g.Families.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void PutReplacesTheGroupPostOnlyTheFamiliesItSends()
    {
        Push("/train", "a 1\nb 2\n");
        Push("/train", "b 3\nc 4\n", replace: false, second: 1);
        Assert.Equal("a,b,c", Names(Group("/train")));
        Assert.Equal(3, Group("/train").Families["b"].Family.Metrics[0].Value);
        Push("/train", "d 5\n", replace: true, second: 2);
        Assert.Equal("d", Names(Group("/train")));
        Assert.Equal(T0.AddSeconds(2), Group("/train").LastPush);
    }

    [Fact]
    public void AnEmptyPutEmptiesTheGroupButUpdatesThePushTime()
    {
        Push("/train", "a 1\n");
        Push("/train", "", second: 5);
        var g = Group("/train");
        Assert.Empty(g.Families);
        Assert.Equal(T0.AddSeconds(5), g.LastPush);
        Assert.Equal(["push_time_seconds", "push_failure_time_seconds"], g.AllFamilies().Select(f => f.Family.Name));
        Assert.Equal(1_700_000_005, g.AllFamilies().First().Family.Metrics[0].Value);
        Assert.Equal(0, g.AllFamilies().Last().Family.Metrics[0].Value); // never failed
    }

    [Fact]
    public void GroupingLabelsOverrideTheBodysAndInstanceIsAddedEmpty()
    {
        Push("/train/stage/eval", "m{stage=\"fit\",job=\"other\",x=\"1\"} 1\nn{instance=\"box\"} 2\n");
        var g = Group("/train/stage/eval");
        Assert.Equal("instance=,job=train,stage=eval,x=1", string.Join(",", g.Families["m"].Family.Metrics[0].Labels.Select(l => $"{l.Name}={l.Value}")));
        Assert.Equal("instance=box,job=train,stage=eval", string.Join(",", g.Families["n"].Family.Metrics[0].Labels.Select(l => $"{l.Name}={l.Value}")));
    }

    [Fact]
    public void DeleteRemovesOnlyThatExactGroup()
    {
        Push("/train", "a 1\n");
        Push("/train/stage/eval", "a 1\n");
        _store.Apply(PushRequest.Delete(GroupingKey.Parse("/train", false), T0));
        _store.Apply(PushRequest.Delete(GroupingKey.Parse("/never", false), T0)); // a no-op
        Assert.Equal(["job=train,stage=eval"], _store.Groups.Select(g => string.Join(",", g.Key.Labels.Select(l => $"{l.Name}={l.Value}"))));
    }

    [Theory]
    [InlineData("# TYPE a counter\na 1\n", "collected metric \"a\" { label:{name:\"instance\" value:\"\"} label:{name:\"job\" value:\"second\"} counter:{value:1}} is not a GAUGE")]
    [InlineData("b_count 1\n", "collected metric named \"b_count\" collides with previously collected histogram named \"b\"")]
    [InlineData("x 1 1700000000000\n", "pushed metrics must not have timestamps")]
    public void AnInconsistentPushIsRefusedAndTheGroupKeepsItsContent(string body, string message)
    {
        Push("/first", "# TYPE a gauge\na 1\n# TYPE b histogram\nb_count 1\n");
        Push("/second", "keep 1\n");
        var ex = Assert.Throws<PushInconsistentException>(() => Push("/second", body, second: 9));
        Assert.Contains(message, ex.Message);
        var g = Group("/second");
        Assert.Equal("keep", Names(g));
        Assert.Equal(T0.AddSeconds(9), g.LastFailure);
        Assert.False(g.LastPushSuccessful);
        Assert.Equal(1, _store.Rejected);
    }

    [Fact]
    public void ASeriesMayNotBePushedTwiceAcrossGroups()
    {
        Push("/train", "m{stage=\"eval\"} 1\n");
        var ex = Assert.Throws<PushInconsistentException>(() => Push("/train/stage/eval", "m 2\n"));
        Assert.EndsWith("was collected before with the same name and label values", ex.Message);
        Assert.Throws<PushInconsistentException>(() => Push("/dup", "m 1\nm 2\n"));
    }

    [Fact]
    public void APushMayNotContradictTheAppliancesOwnMetricTypes()
    {
        _store.Dispose();
        _store = Open(() => new Dictionary<string, MetricKind> { ["process_cpu_seconds_total"] = MetricKind.Counter });
        var ex = Assert.Throws<PushInconsistentException>(() => Push("/j", "# TYPE process_cpu_seconds_total gauge\nprocess_cpu_seconds_total 1\n"));
        Assert.Equal("gathered metric family process_cpu_seconds_total has type GAUGE but should have COUNTER", ex.Message);
        Push("/j", "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1\n");
    }

    [Fact]
    public void PushedPushTimeGaugesAreOverriddenByTheGroupsOwn()
    {
        Push("/j", "push_time_seconds 42\n", second: 3);
        var pushTime = Group("/j").AllFamilies().Single(f => f.Family.Name == "push_time_seconds").Family;
        Assert.Equal(MetricKind.Gauge, pushTime.Kind);
        Assert.Equal(1_700_000_003, pushTime.Metrics.Single().Value);
    }

    [Fact]
    public void GroupsSurviveAReopenWithTheirFamiliesAndTimes()
    {
        Push("/train/stage/eval", """
            # HELP latency Request latency.
            # TYPE latency histogram
            latency_bucket{le="0.5"} 1
            latency_bucket{le="+Inf"} 2
            latency_sum 0.7
            latency_count 2
            loss{model="m \"1\""} 0.27

            """);
        Assert.Throws<PushInconsistentException>(() => Push("/train/stage/eval", "x 1 5\n", second: 4));
        var before = Group("/train/stage/eval");
        _store.Dispose();
        _store = Open();
        var after = Group("/train/stage/eval");
        Assert.Equal(before.Key, after.Key);
        Assert.Equal((before.LastPush, before.LastFailure, before.Created), (after.LastPush, after.LastFailure, after.Created));
        Assert.Equal(PushTextWriter.Write(before.Families.Values.Select(f => f.Family)), PushTextWriter.Write(after.Families.Values.Select(f => f.Family)));
        Assert.Equal(before.Families.Values.Select(f => f.PushedAt), after.Families.Values.Select(f => f.PushedAt));
        _store.Apply(PushRequest.Delete(after.Key, T0));
        _store.Dispose();
        _store = Open();
        Assert.Empty(_store.Groups);
    }

    [Fact]
    public void ExpiryDeletesGroupsUntouchedForTheirJobsTtl()
    {
        Push("/nightly", "a 1\n");
        Push("/hourly", "a 1\n", second: 0);
        Push("/kept", "b 1\n");
        TimeSpan? Ttl(string job) => job switch { "nightly" => TimeSpan.FromHours(36), "hourly" => TimeSpan.FromHours(2), _ => null };
        Assert.Equal(0, _store.Expire(T0.AddHours(1), Ttl));
        Assert.Equal(1, _store.Expire(T0.AddHours(3), Ttl));
        Assert.Equal(["kept", "nightly"], _store.Groups.Select(g => g.Key.Job).Order());
        Assert.Equal(1, _store.Expire(T0.AddHours(40), Ttl));
        _store.Dispose();
        _store = Open();
        Assert.Equal(["kept"], _store.Groups.Select(g => g.Key.Job));
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }
}
