namespace Mlobs.Query.PromQl.Parser;

/// <summary>PromQL token kinds (promql/parser/lex.go's ItemType).</summary>
public enum TokenKind
{
    Eof, Error,
    Identifier, MetricIdentifier, Number, String, Duration,
    LeftParen, RightParen, LeftBrace, RightBrace, LeftBracket, RightBracket, Comma, Colon, At,
    // operators
    Assign, Add, Sub, Mul, Div, Mod, Pow, Eql, Neq, Lss, Gtr, Lte, Gte, EqlRegex, NeqRegex,
}

/// <summary>A token with its byte offset in the query, for <c>line:col</c> error positions.</summary>
public readonly record struct Token(TokenKind Kind, string Text, int Position);
