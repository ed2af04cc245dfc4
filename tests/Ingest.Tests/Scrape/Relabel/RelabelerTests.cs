using Mlobs.Config;
using Mlobs.Ingest.Scrape.Relabel;
using Mlobs.Model.Labels;

namespace Mlobs.Ingest.Tests.Scrape.Relabel;

/// <summary>Cases taken from the behaviour of Prometheus's model/relabel.</summary>
public class RelabelerTests
{
    private static LabelSet? Run(LabelSet input, params RelabelConfig[] configs)
    {
        var lb = new LabelSetBuilder().Reset(input);
        return new Relabeler(configs).Process(lb) ? lb.Build() : null;
    }

    private static readonly LabelSet Abc = LabelSet.From(("a", "foo"), ("b", "bar"), ("c", "baz"));

    [Fact]
    public void ReplaceWithCaptureGroups()
    {
        var r = Run(Abc, new RelabelConfig { SourceLabels = ["a"], Regex = "f(.*)", TargetLabel = "d", Replacement = "ch${1}-ch${1}" });
        Assert.Equal("choo-choo", r!.Get("d"));
        // Go expands $1x as the (absent) group "1x": empty, so the label is deleted/not set.
        var r2 = Run(Abc, new RelabelConfig { SourceLabels = ["a"], Regex = "f(.*)", TargetLabel = "d", Replacement = "$1x" });
        Assert.Null(r2!.Get("d"));
        var r3 = Run(Abc, new RelabelConfig { SourceLabels = ["a", "b"], Regex = "(.*);(.*)", TargetLabel = "${2}_t", Replacement = "$1" });
        Assert.Equal("foo", r3!.Get("bar_t"));
    }

    [Fact]
    public void ReplaceDoesNothingWithoutMatchAndIsAnchored()
    {
        var r = Run(Abc, new RelabelConfig { SourceLabels = ["a"], Regex = "o", TargetLabel = "d", Replacement = "x" });
        Assert.Null(r!.Get("d"));
    }

    [Fact]
    public void KeepDropAndEqualities()
    {
        Assert.Null(Run(Abc, new RelabelConfig { SourceLabels = ["a"], Regex = "f.*", Action = RelabelAction.Drop }));
        Assert.NotNull(Run(Abc, new RelabelConfig { SourceLabels = ["a"], Regex = "f.*", Action = RelabelAction.Keep }));
        Assert.Null(Run(Abc, new RelabelConfig { SourceLabels = ["a"], Regex = "b.*", Action = RelabelAction.Keep }));
        var eq = LabelSet.From(("x", "1"), ("y", "1"));
        Assert.Null(Run(eq, new RelabelConfig { SourceLabels = ["x"], TargetLabel = "y", Action = RelabelAction.DropEqual }));
        Assert.NotNull(Run(eq, new RelabelConfig { SourceLabels = ["x"], TargetLabel = "y", Action = RelabelAction.KeepEqual }));
    }

    [Fact]
    public void HashModMatchesPrometheus()
    {
        var r = Run(Abc, new RelabelConfig { SourceLabels = ["c"], TargetLabel = "d", Modulus = 1000, Action = RelabelAction.HashMod });
        Assert.Equal("976", r!.Get("d"));
    }

    [Fact]
    public void LabelMapDropKeepCase()
    {
        var input = LabelSet.From(("a", "foo"), ("b1", "bar"), ("b2", "baz"));
        var mapped = Run(input, new RelabelConfig { Regex = "(b.*)", Replacement = "bar_${1}", Action = RelabelAction.LabelMap });
        Assert.Equal("bar", mapped!.Get("bar_b1"));
        Assert.Equal("bar", mapped.Get("b1"));
        var dropped = Run(input, new RelabelConfig { Regex = "b.*", Action = RelabelAction.LabelDrop });
        Assert.Equal(["a"], dropped!.AsSpan().ToArray().Select(l => l.Name));
        var kept = Run(input, new RelabelConfig { Regex = "b.*", Action = RelabelAction.LabelKeep });
        Assert.Equal(["b1", "b2"], kept!.AsSpan().ToArray().Select(l => l.Name));
        var lower = Run(LabelSet.From(("a", "FooBar")), new RelabelConfig { SourceLabels = ["a"], TargetLabel = "l", Action = RelabelAction.Lowercase },
            new RelabelConfig { SourceLabels = ["a"], TargetLabel = "u", Action = RelabelAction.Uppercase });
        Assert.Equal("foobar", lower!.Get("l"));
        Assert.Equal("FOOBAR", lower.Get("u"));
    }
}
