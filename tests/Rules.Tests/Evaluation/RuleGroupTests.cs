using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Rules.Evaluation;
using Mlobs.Storage;
using Mlobs.Storage.Tsdb;
using Mlobs.Tests.Support;

namespace Mlobs.Rules.Tests.Evaluation;

public class RuleGroupTests
{
    private static readonly long T0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000 * 60_000 - 3_600_000;

    private static void Write(TsdbDatabase db, long t, params (LabelSet Labels, double Value)[] samples)
    {
        var app = db.Appender();
        foreach (var (labels, v) in samples)
        {
            ulong r = 0;
            app.Append(ref r, labels, t, v);
        }
        app.Commit();
    }

    private static QueryFunc Query(QueryEngine engine) => (expr, t, ct) => engine.Instant(expr, t, ct: ct).Value switch
    {
        VectorValue v => v.Samples,
        ScalarValue s => [new Sample(LabelSet.Empty, s.T, s.F)],
        _ => throw new InvalidOperationException("rule result is not a vector or scalar"),
    };

    private static List<(long T, double V)> Read(TsdbDatabase db, string name, string? label = null, string? value = null)
    {
        using var q = db.Querier(long.MinValue, long.MaxValue);
        var matchers = new List<LabelMatcher> { LabelMatcher.Equal("__name__", name) };
        if (label is not null) matchers.Add(LabelMatcher.Equal(label, value!));
        var set = q.Select(true, matchers.ToArray());
        var result = new List<(long, double)>();
        while (set.Next())
        {
            var it = set.Current.Iterator();
            while (it.Next()) result.Add((it.Timestamp, it.Value));
        }
        return result;
    }

    [Fact]
    public void RecordingRuleWritesItsSeriesAndMarksThemStaleWhenTheyStop()
    {
        using var dir = new TempDir();
        using var db = TsdbDatabase.Open(new TsdbOptions { Directory = dir.Path });
        var engine = new QueryEngine(db);
        var a = LabelSet.From(("__name__", "requests_total"), ("instance", "a"), ("job", "model"));
        var b = LabelSet.From(("__name__", "requests_total"), ("instance", "b"), ("job", "model"));
        var rule = new RecordingRule("job:requests:sum", "sum by (job, instance) (requests_total)", new Dictionary<string, string> { ["team"] = "ml" });
        var group = new RuleGroup("g", "rules.yml", TimeSpan.FromMinutes(1), TimeSpan.Zero, 0, [rule], db, Query(engine));

        Write(db, T0, (a, 10), (b, 5));
        group.Eval(T0, default);
        Assert.Equal(RuleHealth.Ok, rule.Status.Health);
        Assert.Equal([(T0, 10.0)], Read(db, "job:requests:sum", "instance", "a"));
        Assert.Equal([(T0, 5.0)], Read(db, "job:requests:sum", "instance", "b"));
        Assert.Equal([(T0, 10.0)], Read(db, "job:requests:sum", "team", "ml").Where(p => p.Item2 == 10).ToList());

        // b goes away (a staleness marker ends it in the source); the rule stops returning b and marks it stale.
        Write(db, T0 + 60_000, (a, 12), (b, StaleNaN.Value));
        group.Eval(T0 + 60_000, default);
        var bPoints = Read(db, "job:requests:sum", "instance", "b");
        Assert.Equal(2, bPoints.Count);
        Assert.True(StaleNaN.Is(bPoints[1].V));
        Assert.Equal(12, Read(db, "job:requests:sum", "instance", "a")[1].V);
    }

    [Fact]
    public void AFailingRuleIsReportedAndTheOthersStillRun()
    {
        using var dir = new TempDir();
        using var db = TsdbDatabase.Open(new TsdbOptions { Directory = dir.Path });
        var engine = new QueryEngine(db);
        // Two output series that the rule's label makes identical.
        var bad = new RecordingRule("bad", "label_replace(vector(1), \"a\", \"1\", \"\", \"\") or label_replace(vector(2), \"a\", \"2\", \"\", \"\")",
            new Dictionary<string, string> { ["a"] = "same" });
        var good = new RecordingRule("good", "vector(7)", new Dictionary<string, string>());
        var group = new RuleGroup("g", "rules.yml", TimeSpan.FromMinutes(1), TimeSpan.Zero, 0, [bad, good], db, Query(engine));
        var errors = new List<string>();
        group.Eval(T0, default, (r, e) => errors.Add(r.Name + ": " + e.Message));
        Assert.Equal(RuleHealth.Err, bad.Status.Health);
        Assert.Equal("vector contains metrics with the same labelset after applying rule labels", bad.Status.LastError);
        Assert.Single(errors);
        Assert.Equal(RuleHealth.Ok, good.Status.Health);
        Assert.Equal([(T0, 7.0)], Read(db, "good"));
    }

    [Fact]
    public void AlertSeriesAreWrittenAndEndWithAStalenessMarker()
    {
        using var dir = new TempDir();
        using var db = TsdbDatabase.Open(new TsdbOptions { Directory = dir.Path });
        var engine = new QueryEngine(db);
        var up = LabelSet.From(("__name__", "up"), ("instance", "a"), ("job", "model"));
        var rule = new AlertingRule("InstanceDown", "up == 0", TimeSpan.FromMinutes(1), TimeSpan.Zero,
            new Dictionary<string, string>(), new Dictionary<string, string>());
        var group = new RuleGroup("g", "rules.yml", TimeSpan.FromMinutes(1), TimeSpan.Zero, 0, [rule], db, Query(engine));

        Write(db, T0, (up, 0));
        group.Eval(T0, default);
        Write(db, T0 + 60_000, (up, 0));
        group.Eval(T0 + 60_000, default);
        Write(db, T0 + 120_000, (up, 1));
        group.Eval(T0 + 120_000, default);

        var pending = Read(db, "ALERTS", "alertstate", "pending");
        Assert.Equal(T0, pending[0].T);
        Assert.True(StaleNaN.Is(pending[1].V)); // pending ended when the alert fired
        var firing = Read(db, "ALERTS", "alertstate", "firing");
        Assert.Equal((T0 + 60_000, 1.0), firing[0]);
        Assert.True(StaleNaN.Is(firing[1].V));
        Assert.Equal(T0 / 1000.0, Read(db, "ALERTS_FOR_STATE")[0].V);
    }

    [Fact]
    public void EvaluationTimesAreAlignedToTheIntervalWithAStableOffset()
    {
        using var dir = new TempDir();
        using var db = TsdbDatabase.Open(new TsdbOptions { Directory = dir.Path });
        var g = new RuleGroup("g", "rules.yml", TimeSpan.FromMinutes(1), TimeSpan.Zero, 0, [], db, (_, _, _) => []);
        long offset = g.OffsetMs;
        Assert.InRange(offset, 0, 59_999);
        long t = g.EvalTimestamp(T0 + 12_345);
        Assert.Equal(offset, ((t % 60_000) + 60_000) % 60_000);
        Assert.InRange(T0 + 12_345 - t, 0, 59_999);
        Assert.Equal(offset, new RuleGroup("g", "rules.yml", TimeSpan.FromMinutes(1), TimeSpan.Zero, 0, [], db, (_, _, _) => []).OffsetMs);
    }
}
