using Mlobs.Drift.Columns;
using Mlobs.Drift.Observations;

namespace Mlobs.Drift.Tests.Observations;

public sealed class ObservationCounterTests
{
    private static ColumnValues Column(string name, IEnumerable<string> values)
    {
        var c = new ColumnValues(name);
        foreach (var v in values) c.Add(v);
        return c;
    }

    [Fact]
    public void NumericColumnsGetSturgesEdgesOrOneBinPerValue()
    {
        var wide = ColumnBinning.Fit(Column("income", Enumerable.Range(0, 1000).Select(i => (i * 1.5).ToString(System.Globalization.CultureInfo.InvariantCulture))), 100);
        // 1000 values: Sturges gives ⌈log₂1000 + 1⌉ = 11 bins from 0 to 1498.5, then +Inf for values beyond
        Assert.Equal(12, wide.Bounds.Length);
        Assert.Equal("1498.5", wide.Bounds[^2]);
        Assert.Equal("+Inf", wide.Bounds[^1]);
        Assert.Equal(0, wide.Bucket(-5)); // below the reference's range: the first bin
        Assert.Equal(11, wide.Bucket(99999));

        var narrow = ColumnBinning.Fit(Column("rating", ["1", "2", "3", "2", "1"]), 100);
        Assert.Equal(["1", "2", "3", "+Inf"], narrow.Bounds);
        Assert.Equal(1, narrow.Bucket(2));
    }

    [Fact]
    public void MemoryIsBoundedByTheBinsNotTheRows()
    {
        var country = ColumnBinning.Fit(Column("country", ["de", "fr"]), 3);
        var age = ColumnBinning.Fit(Column("age", ["20", "30", "40"]), 3);
        var counter = new ObservationCounter("m", [country, age], maxCategories: 3);
        var rows = Enumerable.Range(0, 50_000).Select(i => new ObservationRow(i + 2,
            new Dictionary<string, string?> { ["country"] = "c" + (i % 1000), ["age"] = (i % 50).ToString(System.Globalization.CultureInfo.InvariantCulture) }, null));
        var result = counter.Add(rows);
        Assert.Equal(50_000, result.Accepted);
        var series = counter.Series();
        // country: de, fr, three new values, and __other__; age: 3 bounds + +Inf
        Assert.Equal(6 + 4, series.Count);
        Assert.Equal(50_000 - 3 * 50, series.Single(s => s.Labels.Get("value") == ObservationSeries.Other).Value);
        Assert.Equal(50_000, series.Single(s => s.Labels.Get("le") == "+Inf").Value);
    }

    [Fact]
    public void ARowWithTextInANumericColumnIsRefusedWhole()
    {
        var age = ColumnBinning.Fit(Column("age", ["20", "30", "40"]), 3);
        var counter = new ObservationCounter("m", [age], 3);
        var result = counter.Add([
            new ObservationRow(2, new Dictionary<string, string?> { ["age"] = "25" }, null),
            new ObservationRow(3, new Dictionary<string, string?> { ["age"] = "old" }, null),
            new ObservationRow(4, null, "3 fields, the header has 2"),
            new ObservationRow(5, new Dictionary<string, string?> { ["age"] = null }, null),
        ]);
        Assert.Equal(2, result.Accepted); // a missing value is no count, not an error
        Assert.Equal(["line 3: column \"age\": \"old\" is not a number", "line 4: 3 fields, the header has 2"], result.Errors);
        Assert.Equal(1, counter.Series().Single(s => s.Labels.Get("le") == "+Inf").Value);
    }
}
