namespace Mlobs.Templates;

/// <summary>Token kinds of Go's text/template lexer (text/template/parse/lex.go).</summary>
public enum TokenKind
{
    Error, Bool, Char, CharConstant, Assign, Declare, Eof, Field, Identifier, LeftDelim, LeftParen, Number, Pipe,
    RawString, RightDelim, RightParen, Space, String, Text, Variable,
    // keywords
    Block, Break, Continue, Dot, Define, Else, End, If, Nil, Range, Template, With,
}

public readonly record struct Token(TokenKind Kind, string Text, int Pos, int Line)
{
    /// <summary>As Go's item.String(), used in "unexpected X in Y" errors.</summary>
    public override string ToString() => Kind switch
    {
        TokenKind.Eof => "EOF",
        TokenKind.Error => Text,
        >= TokenKind.Block => "<" + Text + ">",
        _ when Text.Length > 10 => GoQuote.Quote(Text[..10]) + "...",
        _ => GoQuote.Quote(Text),
    };
}

/// <summary>
/// Splits a template into text and action tokens as Go's lexer does, including the <c>{{-</c> / <c>-}}</c> trim
/// markers and <c>{{/* comments */}}</c>. A lexical error ends the stream with an <see cref="TokenKind.Error"/> token.
/// </summary>
public sealed class TemplateLexer
{
    private const string LeftDelim = "{{", RightDelim = "}}";
    private readonly string _input;
    private readonly List<Token> _tokens = [];
    private int _pos, _start, _parenDepth;
    private bool _insideAction;

    private TemplateLexer(string input) { _input = input; }

    public static List<Token> Lex(string input)
    {
        var l = new TemplateLexer(input);
        l.Run();
        return l._tokens;
    }

    private void Run()
    {
        while (true)
        {
            bool ok = _insideAction ? LexInsideAction() : LexText();
            if (!ok) return;
        }
    }

    private char Peek(int offset = 0) => _pos + offset < _input.Length ? _input[_pos + offset] : '\0';
    private bool AtEnd => _pos >= _input.Length;

    private void Emit(TokenKind kind)
    {
        _tokens.Add(new Token(kind, _input[_start.._pos], _start, LineAt(_start)));
        _start = _pos;
    }

    // Tokens are emitted in order, so lines are counted on from the last position asked about (counting from the
    // start each time made lexing quadratic: a 300 KB template took minutes).
    private int _linePos, _line = 1;

    private int LineAt(int pos)
    {
        pos = Math.Min(pos, _input.Length);
        if (pos < _linePos) { _linePos = 0; _line = 1; }
        _line += Count(_input.AsSpan(_linePos, pos - _linePos), '\n');
        _linePos = pos;
        return _line;
    }

    private void Ignore() => _start = _pos;

    private static int Count(ReadOnlySpan<char> s, char c) { int n = 0; foreach (var x in s) if (x == c) n++; return n; }

    private bool Error(string message)
    {
        _tokens.Add(new Token(TokenKind.Error, message, _start, LineAt(_start)));
        return false;
    }

    private void Advance(int n)
    {
        _pos = Math.Min(_pos + n, _input.Length);
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private bool LexText()
    {
        int x = _input.IndexOf(LeftDelim, _pos, StringComparison.Ordinal);
        if (x < 0)
        {
            Advance(_input.Length - _pos);
            if (_pos > _start) Emit(TokenKind.Text);
            _tokens.Add(new Token(TokenKind.Eof, "", _pos, LineAt(_pos)));
            return false;
        }
        Advance(x - _pos);
        int trimLength = 0;
        bool trimLeft = HasLeftTrimMarker(x + LeftDelim.Length);
        if (trimLeft)
        {
            int end = x;
            while (end > _start && IsSpace(_input[end - 1])) end--;
            trimLength = x - end;
        }
        if (x - trimLength > _start)
        {
            _pos = x - trimLength;
            Emit(TokenKind.Text);
            _pos = x;
        }
        _start = _pos;
        return LexLeftDelim(trimLeft);
    }

    private bool HasLeftTrimMarker(int i) => i + 1 < _input.Length && _input[i] == '-' && IsSpace(_input[i + 1]);

    private bool HasRightTrimMarker(int i) =>
        i + 1 + RightDelim.Length <= _input.Length && IsSpace(_input[i]) && _input[i + 1] == '-' &&
        string.CompareOrdinal(_input, i + 2, RightDelim, 0, RightDelim.Length) == 0;

    private bool AtRightDelim(out bool trim)
    {
        trim = HasRightTrimMarker(_pos);
        if (trim) return true;
        return string.CompareOrdinal(_input, _pos, RightDelim, 0, RightDelim.Length) == 0;
    }

    private bool LexLeftDelim(bool trimLeft)
    {
        Advance(LeftDelim.Length);
        int afterMarker = trimLeft ? 2 : 0;
        if (string.CompareOrdinal(_input, _pos + afterMarker, "/*", 0, 2) == 0)
        {
            Advance(afterMarker);
            Ignore();
            return LexComment();
        }
        Emit(TokenKind.LeftDelim);
        Advance(afterMarker);
        Ignore();
        _insideAction = true;
        _parenDepth = 0;
        return true;
    }

    private bool LexComment()
    {
        int end = _input.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
        if (end < 0) return Error("unclosed comment");
        Advance(end + 2 - _pos);
        bool trim = HasRightTrimMarker(_pos);
        bool delim = trim || string.CompareOrdinal(_input, _pos, RightDelim, 0, RightDelim.Length) == 0;
        if (!delim) return Error("comment ends before closing delimiter");
        Advance((trim ? 2 : 0) + RightDelim.Length);
        Ignore();
        if (trim) TrimFollowingSpace();
        return true;
    }

    private void TrimFollowingSpace()
    {
        while (!AtEnd && IsSpace(Peek())) Advance(1);
        Ignore();
    }

    private bool LexRightDelim(bool trim)
    {
        if (trim) { Advance(2); Ignore(); }
        Advance(RightDelim.Length);
        Emit(TokenKind.RightDelim);
        if (trim) TrimFollowingSpace();
        _insideAction = false;
        return true;
    }

    private bool LexInsideAction()
    {
        if (AtRightDelim(out bool trim))
        {
            if (_parenDepth == 0) return LexRightDelim(trim);
            return Error("unclosed left paren");
        }
        if (AtEnd) return Error("unclosed action");
        char c = Peek();
        switch (c)
        {
            case '\r' or '\n' or ' ' or '\t':
                while (!AtEnd && IsSpace(Peek()) && !HasRightTrimMarker(_pos)) Advance(1);
                Emit(TokenKind.Space);
                return true;
            case '=':
                Advance(1); Emit(TokenKind.Assign); return true;
            case ':':
                if (Peek(1) != '=') { Advance(1); return Error("expected :="); }
                Advance(2); Emit(TokenKind.Declare); return true;
            case '|':
                Advance(1); Emit(TokenKind.Pipe); return true;
            case '"':
                return LexQuote();
            case '`':
                return LexRawQuote();
            case '$':
                return LexVariable();
            case '\'':
                return LexChar();
            case '.':
                if (Peek(1) < '0' || Peek(1) > '9')
                {
                    return LexField();
                }
                return LexNumber();
            case '+' or '-' or (>= '0' and <= '9'):
                return LexNumber();
            case '(':
                Advance(1); Emit(TokenKind.LeftParen); _parenDepth++; return true;
            case ')':
                Advance(1);
                _parenDepth--;
                if (_parenDepth < 0) return Error("unexpected right paren");
                Emit(TokenKind.RightParen);
                return true;
            case ',':
                Advance(1); Emit(TokenKind.Char); return true;
            default:
                if (IsAlphaNumeric(c)) return LexIdentifier();
                Advance(1);
                return Error($"unrecognized character in action: {GoQuote.Rune(c)}");
        }
    }

    private static bool IsAlphaNumeric(char c) => c == '_' || char.IsLetterOrDigit(c);

    private bool LexIdentifier()
    {
        while (!AtEnd && IsAlphaNumeric(Peek())) Advance(1);
        string word = _input[_start.._pos];
        if (!AtTerminator()) return Error($"bad character {GoQuote.Rune(Peek())}");
        var kind = word switch
        {
            "block" => TokenKind.Block,
            "break" => TokenKind.Break,
            "continue" => TokenKind.Continue,
            "define" => TokenKind.Define,
            "else" => TokenKind.Else,
            "end" => TokenKind.End,
            "if" => TokenKind.If,
            "range" => TokenKind.Range,
            "nil" => TokenKind.Nil,
            "template" => TokenKind.Template,
            "with" => TokenKind.With,
            "true" or "false" => TokenKind.Bool,
            _ => TokenKind.Identifier,
        };
        Emit(kind);
        return true;
    }

    private bool LexField()
    {
        Advance(1); // '.'
        if (AtTerminator()) { Emit(TokenKind.Dot); return true; }
        while (!AtEnd && IsAlphaNumeric(Peek())) Advance(1);
        if (!AtTerminator()) return Error($"bad character {GoQuote.Rune(Peek())}");
        Emit(TokenKind.Field);
        return true;
    }

    private bool LexVariable()
    {
        Advance(1); // '$'
        if (AtTerminator()) { Emit(TokenKind.Variable); return true; }
        while (!AtEnd && IsAlphaNumeric(Peek())) Advance(1);
        if (!AtTerminator()) return Error($"bad character {GoQuote.Rune(Peek())}");
        Emit(TokenKind.Variable);
        return true;
    }

    private bool AtTerminator()
    {
        if (AtEnd) return true;
        char c = Peek();
        if (IsSpace(c) || c is '.' or ',' or '|' or ':' or ')' or '(' or '=') return true;
        return string.CompareOrdinal(_input, _pos, RightDelim, 0, RightDelim.Length) == 0;
    }

    private bool LexQuote()
    {
        Advance(1);
        while (true)
        {
            if (AtEnd || Peek() == '\n') return Error("unterminated quoted string");
            char c = Peek();
            Advance(1);
            if (c == '\\')
            {
                if (AtEnd || Peek() == '\n') return Error("unterminated quoted string");
                Advance(1);
            }
            else if (c == '"') break;
        }
        Emit(TokenKind.String);
        return true;
    }

    private bool LexRawQuote()
    {
        int end = _input.IndexOf('`', _pos + 1);
        if (end < 0) return Error("unterminated raw quoted string");
        Advance(end + 1 - _pos);
        Emit(TokenKind.RawString);
        return true;
    }

    private bool LexChar()
    {
        Advance(1);
        while (true)
        {
            if (AtEnd || Peek() == '\n') return Error("unterminated character constant");
            char c = Peek();
            Advance(1);
            if (c == '\\') { Advance(1); continue; }
            if (c == '\'') break;
        }
        Emit(TokenKind.CharConstant);
        return true;
    }

    private bool LexNumber()
    {
        if (Peek() is '+' or '-') Advance(1);
        string digits = "0123456789_";
        if (Peek() == '0' && Peek(1) is 'x' or 'X') { Advance(2); digits = "0123456789abcdefABCDEF_"; }
        else if (Peek() == '0' && Peek(1) is 'o' or 'O') { Advance(2); digits = "01234567_"; }
        else if (Peek() == '0' && Peek(1) is 'b' or 'B') { Advance(2); digits = "01_"; }
        while (!AtEnd && digits.Contains(Peek())) Advance(1);
        if (Peek() == '.') { Advance(1); while (!AtEnd && digits.Contains(Peek())) Advance(1); }
        if (digits.Length == 11 && Peek() is 'e' or 'E')
        {
            Advance(1);
            if (Peek() is '+' or '-') Advance(1);
            while (!AtEnd && char.IsAsciiDigit(Peek())) Advance(1);
        }
        if (digits.Length == 23 && Peek() is 'p' or 'P')
        {
            Advance(1);
            if (Peek() is '+' or '-') Advance(1);
            while (!AtEnd && char.IsAsciiDigit(Peek())) Advance(1);
        }
        if (!AtEnd && IsAlphaNumeric(Peek()))
        {
            Advance(1);
            return Error($"bad number syntax: {GoQuote.Quote(_input[_start.._pos])}");
        }
        Emit(TokenKind.Number);
        return true;
    }
}
