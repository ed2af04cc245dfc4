using Mlobs.Query.PromQl.Engine;
using Mlobs.Storage.Labels;
using Mlobs.Storage.Tsdb;
using Mlobs.Tests.Support;

namespace Mlobs.Query.Tests.PromQl.Engine;

/// <summary>
/// Aggregations over a range function are evaluated fused (accumulated while series stream by); these check that
/// they give exactly what the general step-by-step path gives (forced here by a no-op "+ 0"), ties and NaN included.
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
        var labels = Enumerable.Range(0, 60).Select(i => LabelSet.From(("__name__", "x_total"), ("g", "g" + i % 4), ("i", "i" + i))).ToArray();
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
