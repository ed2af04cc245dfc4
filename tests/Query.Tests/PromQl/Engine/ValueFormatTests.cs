using Mlobs.Model.Strconv;
using Mlobs.Query.PromQl.Engine;

namespace Mlobs.Query.Tests.PromQl.Engine;

public class ValueFormatTests
{
    [Theory]
    [InlineData(1e6, "1000000")]
    [InlineData(1e21, "1000000000000000000000")]
    [InlineData(1.5e-7, "0.00000015")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NaN, "NaN")]
    public void ApiValuesAreGoFloatF(double v, string text) => Assert.Equal(text, ValueFormat.Float(v));

    [Theory]
    [InlineData(1e6, "1e+06")]
    [InlineData(123456, "123456")]
    [InlineData(1234567, "1.234567e+06")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1.5e-5, "1.5e-05")]
    [InlineData(1.7e9, "1.7e+09")]
    [InlineData(-12.5, "-12.5")]
    [InlineData(1e21, "1e+21")]
    public void ExpositionValuesAreGoFloatG(double v, string text) => Assert.Equal(text, ValueFormat.GoG(v));
}
