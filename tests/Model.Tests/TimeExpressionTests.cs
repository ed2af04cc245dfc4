namespace Mlobs.Model.Tests;

/// <summary>
/// Every form a time may take in mlobs — the same for `mlobs query --time`, `mlobs snapshot --from`, `check
/// dashboard --from`, the Prometheus API's time/start/end and Loki's — through the one parser.
/// </summary>
public class TimeExpressionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 30, 45, 250, TimeSpan.Zero);

    [Theory]
    [InlineData("now", "2026-12-07T10:30:45.250Z")]
    [InlineData(" now ", "2026-12-07T10:30:45.250Z")]
    [InlineData("now-5m", "2026-12-07T10:25:45.250Z")]
    [InlineData("now-1h30m", "2026-12-07T09:00:45.250Z")]       // a Prometheus duration
    [InlineData("now+1d", "2026-12-08T10:30:45.250Z")]
    [InlineData("now-500ms", "2026-12-07T10:30:44.750Z")]
    [InlineData("now-2w", "2026-11-23T10:30:45.250Z")]
    [InlineData("now-1M", "2026-11-07T10:30:45.250Z")]          // Grafana's calendar month
    [InlineData("now-1y", "2025-12-07T10:30:45.250Z")]          // and calendar year
    [InlineData("now/d", "2026-12-07T00:00:00.000Z")]           // Grafana's rounding
    [InlineData("now-1d/d", "2026-12-06T00:00:00.000Z")]
    [InlineData("now/h", "2026-12-07T10:00:00.000Z")]
    [InlineData("now/w", "2026-12-06T00:00:00.000Z")]           // weeks start on Sunday, as Grafana's default
    [InlineData("now/M", "2026-12-01T00:00:00.000Z")]
    [InlineData("now/y", "2026-01-01T00:00:00.000Z")]
    [InlineData("1796639445", "2026-12-07T10:30:45.000Z")]      // Unix seconds
    [InlineData("1796639445.123", "2026-12-07T10:30:45.123Z")]  // with a fraction, to the millisecond
    [InlineData("1.796639445e9", "2026-12-07T10:30:45.000Z")]   // as Prometheus's float parsing reads it
    [InlineData("2026-12-07T10:30:45Z", "2026-12-07T10:30:45.000Z")]
    [InlineData("2026-12-07T10:30:45.5+01:00", "2026-12-07T09:30:45.500Z")]
    [InlineData("2026-12-07 10:30:45Z", "2026-12-07T10:30:45.000Z")]
    public void ReadsEveryForm(string text, string expected)
    {
        Assert.True(TimeExpression.TryParse(text, Now, out var time), text);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), time);
        Assert.True(TimeExpression.TryParseMs(text, Now, out long ms));
        Assert.Equal(time.ToUnixTimeMilliseconds(), ms);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("now-")]
    [InlineData("now-5")]          // a number without a unit
    [InlineData("now-1m1h")]       // units out of order, as Prometheus refuses them
    [InlineData("now/x")]
    [InlineData("now/dd")]
    [InlineData("now*2")]
    [InlineData("NaN")]
    [InlineData("Inf")]
    [InlineData("2026-12-07")]     // a date is not a point in time
    [InlineData("12/07/2026 10:30")]
    public void RefusesEverythingElse(string text) => Assert.False(TimeExpression.TryParse(text, Now, out _), text);
}
