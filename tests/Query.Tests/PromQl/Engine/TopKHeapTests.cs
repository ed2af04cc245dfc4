using Mlobs.Query.PromQl.Engine;

namespace Mlobs.Query.Tests.PromQl.Engine;

/// <summary>topk/bottomk keep and order ties as Prometheus 3's heap does (traces worked through Go's container/heap by hand).</summary>
public class TopKHeapTests
{
    private static string Run(bool bottom, long k, params (string Name, double V)[] input)
    {
        var heap = new TopKHeap<(string Name, double V)>(bottom, x => x.V);
        foreach (var x in input) heap.Add(x, k);
        return string.Join(",", heap.Sorted().Select(x => x.Name));
    }

    [Fact]
    public void EqualValuesKeepTheFirstInInputOrder() =>
        Assert.Equal("a,b,c", Run(false, 3, ("a", 2), ("b", 2), ("c", 2), ("d", 2), ("e", 2)));

    [Fact]
    public void ARootReplacedByAnEqualValueStaysInFront()
    {
        // heap [a1,b3] -> c2 replaces a -> [c2,b3] -> d3 replaces c -> [d3,b3]; the final insertion sort keeps d before b.
        Assert.Equal("d,b", Run(false, 2, ("a", 1), ("b", 3), ("c", 2), ("d", 3), ("e", 1)));
    }

    [Fact]
    public void NaNIsAlwaysTheFirstToGoAndBottomkMirrorsTopk()
    {
        Assert.Equal("b,c", Run(false, 2, ("a", double.NaN), ("b", 1), ("c", 0)));
        Assert.Equal("c,b", Run(true, 2, ("a", double.NaN), ("b", 1), ("c", 0)));
        Assert.Equal("a", Run(false, 1, ("a", double.NaN)));
    }
}
