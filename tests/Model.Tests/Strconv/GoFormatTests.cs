using Mlobs.Model.Strconv;

namespace Mlobs.Model.Tests.Strconv;

/// <summary>Numbers and strings written as Go writes them, which Prometheus's API and templates show.</summary>
public class GoFormatTests
{
    [Theory]
    [InlineData(1.0, "1")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e21, "1000000000000000000000")] // strconv.FormatFloat(f, 'f', -1, 64): no exponent
    [InlineData(123456789.0, "123456789")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NaN, "NaN")]
    public void SampleValuesAreFormattedAsPrometheusDoes(double value, string expected) =>
        Assert.Equal(expected, ValueFormat.Float(value));

    [Fact]
    public void GoQuoteEscapesAsStrconvQuote()
    {
        Assert.Equal("\"a\\\"b\\n\"", GoBytes.Quote("a\"b\n"));
        Assert.Equal("{job=\"a\\\\b\"}", ValueFormat.GoLabels(Mlobs.Model.Labels.LabelSet.From(("job", "a\\b"))));
    }

    [Fact]
    public void TheStalenessMarkerIsANaNOfItsOwn()
    {
        Assert.True(StaleNaN.Is(StaleNaN.Value));
        Assert.True(double.IsNaN(StaleNaN.Value));
        Assert.False(StaleNaN.Is(double.NaN));
    }
}
