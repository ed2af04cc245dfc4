using System.Text.RegularExpressions;
using Mlobs.Query.LogQl;

namespace Mlobs.Query.Tests.LogQl;

public class RegexLiteralTests
{
    [Theory]
    [InlineData("ECC error on device [37]", "ECC error on device ")]
    [InlineData("timeout", "timeout")]
    [InlineData("time(out|limit) after \\d+s", " after ")]
    [InlineData("a|b", null)]
    [InlineData("(?i)timeout", null)]
    [InlineData("(?:GET|POST) /predict", " /predict")]
    [InlineData("colou?r", "colo")]
    [InlineData("ab+c", "ab")]
    [InlineData("x{2,3}yz", "yz")]
    [InlineData("\\[error\\] db", "[error] db")]
    [InlineData("[]a] then [^]b] text", " then ")]
    [InlineData("\\d+", null)]
    [InlineData("level=(warn|error).*code=5\\d\\d", "level=")]
    public void FindsTheLongestRequiredLiteral(string pattern, string? expected) =>
        Assert.Equal(expected, RegexLiteral.Required(pattern));

    [Fact]
    public void EveryMatchContainsTheLiteral()
    {
        // Lines drawn from the patterns' own alphabet: whenever the regex matches, the literal is in the line.
        string[] patterns = ["ab+c", "colou?r", "x{2,3}yz", "(a|b)cd+e", "q\\.r*s", "[xy]zz?w"];
        var rnd = new Random(3);
        const string alphabet = "abcdeoulrxyzqsw.";
        foreach (var p in patterns)
        {
            var literal = RegexLiteral.Required(p);
            var regex = new Regex(p);
            for (int n = 0; n < 20_000; n++)
            {
                var line = new string(Enumerable.Range(0, rnd.Next(1, 12)).Select(_ => alphabet[rnd.Next(alphabet.Length)]).ToArray());
                if (regex.IsMatch(line) && literal is not null) Assert.Contains(literal, line);
            }
        }
    }
}
