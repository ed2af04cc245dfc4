using Mlobs.WebUi.Dashboards;

namespace Mlobs.WebUi.Tests.Dashboards;

public class TemplateInterpolatorTests
{
    private static readonly Dictionary<string, VariableValue> Vars = new()
    {
        ["job"] = VariableValue.Single("node"),
        ["quoted"] = VariableValue.Single("it's"),
        ["multi"] = new VariableValue(["a.b", "c"], false, true, false, null, ["a.b", "c", "d"]),
        ["one"] = new VariableValue(["x|y"], false, true, false, null, ["x|y"]),
        ["all"] = new VariableValue(["a", "b"], true, true, true, null, ["a", "b"]),
        ["customAll"] = new VariableValue(["a"], true, false, true, ".*", ["a", "b"]),
    };

    [Theory]
    [InlineData("up{job=\"$job\"}", "up{job=\"node\"}")]
    [InlineData("up{job=\"${job}\"}", "up{job=\"node\"}")]
    [InlineData("up{job=\"[[job]]\"}", "up{job=\"node\"}")]
    [InlineData("x{a='$quoted'}", "x{a='it\\\\'s'}")]
    [InlineData("up{i=~\"$multi\"}", "up{i=~\"(a\\\\.b|c)\"}")]
    [InlineData("up{i=~\"$one\"}", "up{i=~\"x\\\\|y\"}")]
    [InlineData("up{i=~\"$all\"}", "up{i=~\"(a|b)\"}")]
    [InlineData("up{i=~\"$customAll\"}", "up{i=~\".*\"}")]
    [InlineData("up{i=~\"${multi:pipe}\"}", "up{i=~\"a.b|c\"}")]
    [InlineData("up{i=~\"${multi:regex}\"}", "up{i=~\"(a\\.b|c)\"}")]
    [InlineData("${multi:csv}", "a.b,c")]
    [InlineData("$unknown and $__interval stay", "$unknown and $__interval stay")]
    public void InterpolatesAsGrafanasPrometheusDatasource(string input, string expected) =>
        Assert.Equal(expected, TemplateInterpolator.Interpolate(input, Vars));

    [Fact]
    public void BuiltInsFollowTheIntervalAndRange()
    {
        var vars = new Dictionary<string, VariableValue>();
        var to = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        TemplateInterpolator.AddBuiltIns(vars, to.AddHours(-1), to, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15));
        Assert.Equal("rate(x[1m]) 15s 3600s 3600", TemplateInterpolator.Interpolate("rate(x[$__rate_interval]) $__interval $__range $__range_s", vars));
    }

    [Theory]
    [InlineData(3_600_000, 1000, "15s", 15_000)]      // 3.6 s raw, floored by the scrape interval
    [InlineData(86_400_000, 1000, "15s", 60_000)]     // 86.4 s raw → 1m
    [InlineData(3_600_000, 100, ">1m", 60_000)]       // 36 s → 30 s, but at least 1m
    [InlineData(21_600_000, 1800, "15s", 15_000)]     // 12 s → 10 s, floored at 15 s
    public void PanelIntervalRoundsLikeGrafana(long rangeMs, int points, string min, long expectedMs) =>
        Assert.Equal(expectedMs, (long)GrafanaTime.PanelInterval(TimeSpan.FromMilliseconds(rangeMs), points, min, TimeSpan.FromSeconds(15)).TotalMilliseconds);

    [Theory]
    [InlineData("now-6h", -6 * 3600)]
    [InlineData("now", 0)]
    [InlineData("now-30m", -1800)]
    [InlineData("now-2d", -2 * 86400)]
    public void RelativeTimes(string text, int offsetSeconds)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        Assert.True(GrafanaTime.TryParseTime(text, now, out var t));
        Assert.Equal(now.AddSeconds(offsetSeconds), t);
    }

    [Fact]
    public void AbsoluteTimesAndRounding()
    {
        var now = DateTimeOffset.Parse("2026-12-02T10:17:45Z");
        Assert.True(GrafanaTime.TryParseTime("now/d", now, out var day));
        Assert.Equal(DateTimeOffset.Parse("2026-12-02T00:00:00Z"), day);
        Assert.True(GrafanaTime.TryParseTime("1700000000", now, out var unix));
        Assert.Equal(1_700_000_000_000, unix.ToUnixTimeMilliseconds());
        Assert.True(GrafanaTime.TryParseTime("2026-01-02T03:04:05Z", now, out var rfc));
        Assert.Equal(DateTimeOffset.Parse("2026-01-02T03:04:05Z"), rfc);
        Assert.False(GrafanaTime.TryParseTime("yesterday", now, out _));
    }
}
