using System.Globalization;
using System.Text;
using Mlobs.Ingest.Scrape;

namespace Mlobs.Ingest.Tests.Scrape;

public class FastFloatParserTests
{
    private static double Full(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("0"), InlineData("-0"), InlineData("+7"), InlineData("42"), InlineData("0.1"), InlineData("-0.125")]
    [InlineData("3.14159"), InlineData(".5"), InlineData("5."), InlineData("1e-05"), InlineData("2.5E+3"), InlineData("9007199254740992")]
    [InlineData("123456789.123456"), InlineData("1e22"), InlineData("1e-22"), InlineData("0.000001234")]
    public void TakesPlainDecimalsAndMatchesTheFullParserBitForBit(string s)
    {
        Assert.True(FastFloatParser.TryParse(Encoding.ASCII.GetBytes(s), out double v));
        Assert.Equal(BitConverter.DoubleToInt64Bits(Full(s)), BitConverter.DoubleToInt64Bits(v));
    }

    [Theory]
    [InlineData(""), InlineData("-"), InlineData("."), InlineData("NaN"), InlineData("+Inf"), InlineData("1e"), InlineData("1e+")]
    [InlineData("9007199254740993"), InlineData("1e23"), InlineData("1e-23"), InlineData("12345678901234567890"), InlineData("0x1p3")]
    [InlineData("1 "), InlineData("1_000"), InlineData("1e00001")]
    public void LeavesEverythingElseToTheFullParser(string s) =>
        Assert.False(FastFloatParser.TryParse(Encoding.ASCII.GetBytes(s), out _));

    [Fact]
    public void RandomDecimalsRoundExactlyLikeTheFullParser()
    {
        var rng = new Random(20261124);
        int taken = 0;
        for (int i = 0; i < 200_000; i++)
        {
            double x = rng.NextDouble() * Math.Pow(10, rng.Next(-12, 16)) * (rng.Next(2) == 0 ? -1 : 1);
            string s = rng.Next(3) switch
            {
                0 => x.ToString("R", CultureInfo.InvariantCulture),
                1 => x.ToString("G" + rng.Next(1, 17), CultureInfo.InvariantCulture),
                _ => Math.Round(x, rng.Next(0, 10)).ToString(CultureInfo.InvariantCulture),
            };
            if (!FastFloatParser.TryParse(Encoding.ASCII.GetBytes(s), out double v)) continue;
            taken++;
            Assert.True(BitConverter.DoubleToInt64Bits(Full(s)) == BitConverter.DoubleToInt64Bits(v), s);
        }
        Assert.True(taken > 100_000, $"fast path took only {taken} of 200000");
    }
}
