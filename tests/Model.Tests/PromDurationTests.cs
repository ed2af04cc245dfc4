namespace Mlobs.Model.Tests;

/// <summary>Durations as Prometheus reads and prints them (model.ParseDuration, model.Duration.String).</summary>
public class PromDurationTests
{
    [Theory]
    [InlineData("1h30m", 5400_000)]
    [InlineData("15s", 15_000)]
    [InlineData("500ms", 500)]
    [InlineData("1d", 86_400_000)]
    [InlineData("0", 0)]
    public void DurationsParseAndFormat(string text, long ms)
    {
        Assert.True(PromDuration.TryParse(text, out TimeSpan d));
        Assert.Equal(ms, (long)d.TotalMilliseconds);
        if (ms > 0) Assert.Equal(text, PromDuration.Format(d));
    }

    [Theory]
    [InlineData("1m1h")]
    [InlineData("5")]
    [InlineData("1.5h")]
    [InlineData("")]
    public void BadDurationsAreRejected(string text) => Assert.False(PromDuration.TryParse(text, out long _));
}
