using Mlobs.Query.PromQl.Parser;

namespace Mlobs.Query.Tests.PromQl.Parser;

public class LexerTests
{
    private static List<(TokenKind, string)> Lex(string s) =>
        new Lexer(s).Tokenize().Select(t => (t.Kind, t.Text)).ToList();

    [Fact]
    public void NumbersDurationsAndIdentifiers()
    {
        Assert.Equal(
            [(TokenKind.Identifier, "rate"), (TokenKind.LeftParen, "("), (TokenKind.MetricIdentifier, "job:req:rate5m"),
             (TokenKind.LeftBracket, "["), (TokenKind.Duration, "1h30m"), (TokenKind.RightBracket, "]"), (TokenKind.RightParen, ")"),
             (TokenKind.Mul, "*"), (TokenKind.Number, "0x1F"), (TokenKind.Add, "+"), (TokenKind.Number, "1.5e3"),
             (TokenKind.Sub, "-"), (TokenKind.Number, "Inf"), (TokenKind.Div, "/"), (TokenKind.Number, "NaN"), (TokenKind.Eof, "")],
            Lex("rate(job:req:rate5m[1h30m]) * 0x1F + 1.5e3 - Inf / NaN # comment"));
        Assert.Equal((TokenKind.Duration, "500ms"), Lex("500ms")[0]);
        Assert.Equal((TokenKind.Duration, "5m"), Lex("5m")[0]);
        Assert.Equal((TokenKind.Number, ".5"), Lex(".5")[0]);
    }

    [Fact]
    public void OperatorsAndStrings()
    {
        Assert.Equal(
            [TokenKind.Eql, TokenKind.Neq, TokenKind.Lte, TokenKind.Gte, TokenKind.Lss, TokenKind.Gtr, TokenKind.EqlRegex, TokenKind.NeqRegex, TokenKind.Assign, TokenKind.Pow, TokenKind.Mod, TokenKind.At, TokenKind.Colon, TokenKind.Eof],
            Lex("== != <= >= < > =~ !~ = ^ % @ :").Select(t => t.Item1));
        Assert.Equal("a\"b\n\u00e9", Lex("\"a\\\"b\\n\\u00e9\"")[0].Item2);
        Assert.Equal("it's", Lex("'it\\'s'")[0].Item2);
        Assert.Equal("raw\\n", Lex("`raw\\n`")[0].Item2);
    }

    [Theory]
    [InlineData("\"unterminated", "1:1: parse error: unterminated quoted string")]
    [InlineData("a\n  $", "2:3: parse error: unexpected character: '$'")]
    [InlineData("1x", "1:1: parse error: bad number or duration syntax: \"1x\"")]
    public void ErrorsCarryLineAndColumn(string input, string message)
    {
        var ex = Assert.Throws<ParseException>(() => new Lexer(input).Tokenize());
        Assert.Equal(message, ex.Message);
    }
}
