using Mlobs.Model.Labels;

namespace Mlobs.Model.Tests.Labels;

/// <summary>Label sets and matchers as Prometheus's model/labels defines them.</summary>
public class LabelSetTests
{
    [Fact]
    public void ASetIsSortedByNameAndPrintsAsPrometheusDoes()
    {
        var set = LabelSet.From(("job", "api"), ("__name__", "up"), ("instance", "a:1"));
        Assert.Equal(["__name__", "instance", "job"], set.AsSpan().ToArray().Select(l => l.Name));
        Assert.Equal("up{instance=\"a:1\", job=\"api\"}", set.ToString());
        Assert.Equal("up", set.MetricNameOrEmpty);
        Assert.Null(set.Get("missing"));
    }

    [Fact]
    public void EqualSetsAreEqualWhateverTheOrderTheyWereBuiltIn()
    {
        var a = LabelSet.From(("a", "1"), ("b", "2"));
        var b = LabelSet.From(("b", "2"), ("a", "1"));
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(0, a.CompareTo(b));
        Assert.NotEqual(a, a.Without("b"));
    }

    [Theory]
    [InlineData(LabelMatchType.Equal, "api", "api", true)]
    [InlineData(LabelMatchType.NotEqual, "api", "api", false)]
    [InlineData(LabelMatchType.Regex, "ap.", "api", true)]
    [InlineData(LabelMatchType.Regex, "ap", "api", false)] // anchored, as Prometheus anchors =~
    [InlineData(LabelMatchType.NotRegex, "db|cache", "api", true)]
    [InlineData(LabelMatchType.Equal, "", null, true)] // an absent label is the empty string
    public void MatchersMatchAsPrometheusMatchers(LabelMatchType type, string value, string? actual, bool matches)
    {
        var labels = actual is null ? LabelSet.From(("other", "x")) : LabelSet.From(("job", actual));
        Assert.Equal(matches, new LabelMatcher(type, "job", value).Matches(labels));
    }

    [Theory]
    [InlineData("job", true)]
    [InlineData("_private", true)]
    [InlineData("a1", true)]
    [InlineData("1a", false)]
    [InlineData("a-b", false)]
    [InlineData("", false)]
    public void LabelNamesFollowTheLegacyScheme(string name, bool valid)
    {
        Assert.Equal(valid, LegacyNames.IsLabelName(name));
        Assert.False(LegacyNames.IsLabelName("a:b"));
        Assert.True(LegacyNames.IsMetricName("job:rate5m"));
    }
}
