using Mlobs.Model.Labels;
using Mlobs.Storage.Tsdb.Head;

namespace Mlobs.Storage.Tests.Tsdb.Head;

public class SeriesRefTableTests
{
    private static MemSeries Series(ulong r) => new(r, LabelSet.From(("__name__", "m"), ("i", r.ToString())));

    [Fact]
    public void FindsSeriesAcrossPagesAndForgetsRemovedOnes()
    {
        var table = new SeriesRefTable();
        ulong[] refs = [1, 2, 4095, 4096, 70_000, 1_000_000];
        foreach (var r in refs) table.Set(Series(r));
        Assert.Equal(refs.Length, table.Count);
        foreach (var r in refs) Assert.Equal(r, table.Get(r)!.Ref);
        Assert.Null(table.Get(3));
        Assert.Null(table.Get(5_000_000));
        Assert.Equal(refs, table.Values.Select(s => s.Ref));

        table.Remove(70_000);
        table.Remove(70_000); // twice is harmless
        table.Remove(12345);  // never there
        Assert.Null(table.Get(70_000));
        Assert.Equal(refs.Length - 1, table.Count);

        var replacement = Series(4096);
        table.Set(replacement);
        Assert.Same(replacement, table.Get(4096));
        Assert.Equal(refs.Length - 1, table.Count);
    }
}
