using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Storage.Tsdb;
using Mlobs.Tests.Support;

namespace Mlobs.Query.Tests.PromQl.Engine;

/// <summary>
/// Aggregations over a range function are evaluated fused (accumulated while series stream by); these check that
/// they give exactly what the general step-by-step path gives (forced here by a no-op "+ 0"), ties and NaN included.
/// Range functions over selectors run on several threads; that must give exactly what one thread gives.
/// </summary>
public sealed class FusedAggregationTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly TsdbDatabase _db;
    private readonly QueryEngine _engine;

    public FusedAggregationTests()
    {
        _db = TsdbDatabase.Open(new TsdbOptions { Directory = _dir.Path, RetentionTime = TimeSpan.FromDays(365 * 100) });
        _engine = new QueryEngine(_db);
        var rng = new Random(11);
        var labels = Enumerable.Range(0, 150).Select(i => LabelSet.From(("__name__", "x_total"), ("g", "g" + i % 4), ("i", "i" + i))).ToArray();
        var refs = new ulong[labels.Length];
        var values = new double[labels.Length];
        for (long t = 0; t <= 3_600_000; t += 15_000)
        {
            var app = _db.Appender();
            for (int s = 0; s < labels.Length; s++)
            {
                // Steps of 0 or 60 make many exact ties; a few series reset; one goes NaN for a while.
                values[s] = rng.Next(50) == 0 ? 0 : values[s] + rng.Next(2) * 60;
                double v = s == 7 && t is > 600_000 and < 900_000 ? double.NaN : values[s];
                app.Append(ref refs[s], labels[s], t, v);
            }
            app.Commit();
        }
    }

    [Theory]
    [InlineData("rate(x_total[5m])")]
    [InlineData("sum by (g) (rate(x_total[5m]))")]
    [InlineData("topk(3, increase(x_total[2m]))")]
    [InlineData("quantile_over_time(0.5, x_total[5m])")]
    [InlineData("predict_linear(x_total[10m] offset 1m, 60)")]
    [InlineData("irate(x_total[1m] @ 1800)")]
    [InlineData("sum(deriv(x_total[3m])) / count(changes(x_total[3m]))")]
    public void ParallelEqualsSerial(string query)
    {
        var serial = new QueryEngine(_db, new EngineOptions { Parallelism = 1 });
        var parallel = new QueryEngine(_db, new EngineOptions { Parallelism = 4 });
        var expected = (MatrixValue)serial.Range(query, 600_000, 3_600_000, 30_000).Value;
        var actual = (MatrixValue)parallel.Range(query, 600_000, 3_600_000, 30_000).Value;
        Assert.Equal(expected.Series.Select(s => s.Metric), actual.Series.Select(s => s.Metric));
        for (int i = 0; i < expected.Series.Count; i++)
            Assert.Equal(expected.Series[i].Points.Select(p => (p.T, BitConverter.DoubleToInt64Bits(p.F + 0.0))),
                actual.Series[i].Points.Select(p => (p.T, BitConverter.DoubleToInt64Bits(p.F + 0.0))));
        Assert.True(expected.Series.Count > 0);
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("sum by (g) ({0})")]
    [InlineData("count by (g) ({0})")]
    [InlineData("min({0})")]
    [InlineData("max without (i) ({0})")]
    [InlineData("group by (g) ({0})")]
    [InlineData("topk(3, {0})")]
    [InlineData("bottomk by (g) (2, {0})")]
    public void FusedEqualsStepByStep(string template)
    {
        foreach (var inner in new[] { "rate(x_total[5m])", "increase(x_total[2m])", "max_over_time(x_total[1m])" })
        {
            var fused = (MatrixValue)_engine.Range(string.Format(template, inner), 600_000, 3_600_000, 30_000).Value;
            var general = (MatrixValue)_engine.Range(string.Format(template, inner + " + 0"), 600_000, 3_600_000, 30_000).Value;
            Assert.Equal(general.Series.Count, fused.Series.Count);
            for (int i = 0; i < general.Series.Count; i++)
            {
                Assert.Equal(general.Series[i].Metric, fused.Series[i].Metric);
                Assert.Equal(general.Series[i].Points.Select(p => (p.T, BitConverter.DoubleToInt64Bits(p.F + 0.0))),
                    fused.Series[i].Points.Select(p => (p.T, BitConverter.DoubleToInt64Bits(p.F + 0.0))));
            }
        }
    }
}
