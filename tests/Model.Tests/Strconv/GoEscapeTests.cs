using System.Text;
using Mlobs.Model.Strconv;

namespace Mlobs.Model.Tests.Strconv;

/// <summary>Go's escapes as strconv.Unquote and PromQL's lexer read them, with lexEscape's error texts.</summary>
public class GoEscapeTests
{
    [Theory]
    [InlineData("n", '"', "\n")]
    [InlineData("t", '"', "\t")]
    [InlineData("\\", '"', "\\")]
    [InlineData("\"", '"', "\"")]
    [InlineData("'", '\'', "'")]
    [InlineData("x41", '"', "A")]
    [InlineData("101", '"', "A")]
    [InlineData("u00e9", '"', "é")]
    [InlineData("U0001F600", '"', "😀")]
    [InlineData("xc3\\xa9", '"', "é")] // two escaped bytes that make one UTF-8 character
    public void Decodes(string escape, char quote, string expected)
    {
        var sb = new StringBuilder();
        var s = escape.AsSpan();
        int pos = 0;
        while (pos < s.Length)
        {
            Assert.Null(GoEscape.Decode(s, ref pos, quote, sb));
            if (pos < s.Length && s[pos] == '\\') pos++;
        }
        Assert.Equal(expected, GoBytes.DecodeEscapedBytes(sb.ToString()));
    }

    [Theory]
    [InlineData("q", '"', "unknown escape sequence U+0071 'q'")]
    [InlineData("'", '"', "unknown escape sequence U+0027 '''")]
    [InlineData("xG1", '"', "illegal character U+0047 'G' in escape sequence")]
    [InlineData("x4", '"', "escape sequence not terminated")]
    [InlineData("400", '"', "escape sequence is an invalid Unicode code point")]
    [InlineData("ud800", '"', "escape sequence is an invalid Unicode code point")]
    [InlineData("", '"', "escape sequence not terminated")]
    public void RejectsWithTheLexersWords(string escape, char quote, string expected)
    {
        int pos = 0;
        Assert.Equal(expected, GoEscape.Decode(escape, ref pos, quote, new StringBuilder()));
    }
}
