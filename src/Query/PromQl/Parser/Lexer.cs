using System.Text;
using Mlobs.Model.Strconv;

namespace Mlobs.Query.PromQl.Parser;

/// <summary>
/// Splits a PromQL expression into tokens (promql/parser/lex.go): identifiers (metric names may contain
/// colons), numbers including hex, Inf and NaN, durations such as <c>1h30m</c>, single/double/back-quoted
/// strings with Go escapes, operators and punctuation. <c>#</c> starts a comment to the end of the line.
/// </summary>
public sealed class Lexer(string input)
{
    private int _pos;
    private int _parenDepth;
    private bool _insideBraces;

    public List<Token> Tokenize()
    {
        var tokens = new List<Token>();
        while (true)
        {
            var t = NextToken();
            tokens.Add(t);
            if (t.Kind == TokenKind.Eof) return tokens;
        }
    }

    private Token NextToken()
    {
        SkipSpaceAndComments();
        if (_pos >= input.Length)
        {
            // As Prometheus's lexer: unbalanced parentheses are reported where the input ends.
            if (_insideBraces) throw new ParseException(input, _pos, "unexpected end of input inside braces");
            if (_parenDepth != 0) throw new ParseException(input, _pos, "unclosed left parenthesis");
            return new Token(TokenKind.Eof, "", _pos);
        }
        int start = _pos;
        char c = input[_pos];
        switch (c)
        {
            case '(': _pos++; _parenDepth++; return new Token(TokenKind.LeftParen, "(", start);
            case ')':
                _pos++;
                if (--_parenDepth < 0) throw new ParseException(input, start, "unexpected right parenthesis ')'");
                return new Token(TokenKind.RightParen, ")", start);
            case '{':
                _pos++;
                if (_insideBraces) throw new ParseException(input, start, "unexpected left brace '{'");
                _insideBraces = true;
                return new Token(TokenKind.LeftBrace, "{", start);
            case '}':
                _pos++;
                if (!_insideBraces) throw new ParseException(input, start, "unexpected right brace '}'");
                _insideBraces = false;
                return new Token(TokenKind.RightBrace, "}", start);
            case '[': _pos++; return new Token(TokenKind.LeftBracket, "[", start);
            case ']': _pos++; return new Token(TokenKind.RightBracket, "]", start);
            case ',': _pos++; return new Token(TokenKind.Comma, ",", start);
            case ':': _pos++; return new Token(TokenKind.Colon, ":", start);
            case '@': _pos++; return new Token(TokenKind.At, "@", start);
            case '+': _pos++; return new Token(TokenKind.Add, "+", start);
            case '-': _pos++; return new Token(TokenKind.Sub, "-", start);
            case '*': _pos++; return new Token(TokenKind.Mul, "*", start);
            case '/': _pos++; return new Token(TokenKind.Div, "/", start);
            case '%': _pos++; return new Token(TokenKind.Mod, "%", start);
            case '^': _pos++; return new Token(TokenKind.Pow, "^", start);
            case '=':
                _pos++;
                if (Peek('=')) { _pos++; return new Token(TokenKind.Eql, "==", start); }
                if (Peek('~')) { _pos++; return new Token(TokenKind.EqlRegex, "=~", start); }
                return new Token(TokenKind.Assign, "=", start);
            case '!':
                _pos++;
                if (Peek('=')) { _pos++; return new Token(TokenKind.Neq, "!=", start); }
                if (Peek('~')) { _pos++; return new Token(TokenKind.NeqRegex, "!~", start); }
                throw new ParseException(input, start, "unexpected character after '!': " + Describe(_pos));
            case '<':
                _pos++;
                if (Peek('=')) { _pos++; return new Token(TokenKind.Lte, "<=", start); }
                return new Token(TokenKind.Lss, "<", start);
            case '>':
                _pos++;
                if (Peek('=')) { _pos++; return new Token(TokenKind.Gte, ">=", start); }
                return new Token(TokenKind.Gtr, ">", start);
            case '"' or '\'' or '`':
                return new Token(TokenKind.String, ReadString(c), start);
        }
        if (char.IsAsciiDigit(c) || (c == '.' && _pos + 1 < input.Length && char.IsAsciiDigit(input[_pos + 1])))
            return ReadNumberOrDuration();
        if (char.IsAsciiLetter(c) || c == '_' || c == ':')
        {
            while (_pos < input.Length && (char.IsAsciiLetterOrDigit(input[_pos]) || input[_pos] is '_' or ':')) _pos++;
            var word = input[start.._pos];
            if (word.Equals("inf", StringComparison.OrdinalIgnoreCase) || word.Equals("nan", StringComparison.OrdinalIgnoreCase))
                return new Token(TokenKind.Number, word, start);
            return new Token(word.Contains(':') ? TokenKind.MetricIdentifier : TokenKind.Identifier, word, start);
        }
        throw new ParseException(input, start, $"unexpected character: {Describe(start)}");
    }

    private string Describe(int pos) => pos < input.Length ? "'" + input[pos] + "'" : "end of input";

    private bool Peek(char c) => _pos < input.Length && input[_pos] == c;

    private void SkipSpaceAndComments()
    {
        while (_pos < input.Length)
        {
            char c = input[_pos];
            if (c is ' ' or '\t' or '\n' or '\r') { _pos++; continue; }
            if (c == '#') { while (_pos < input.Length && input[_pos] != '\n') _pos++; continue; }
            break;
        }
    }

    private Token ReadNumberOrDuration()
    {
        int start = _pos;
        // Hex literal
        if (input[_pos] == '0' && _pos + 1 < input.Length && input[_pos + 1] is 'x' or 'X')
        {
            _pos += 2;
            while (_pos < input.Length && char.IsAsciiHexDigit(input[_pos])) _pos++;
            return new Token(TokenKind.Number, input[start.._pos], start);
        }
        while (_pos < input.Length && char.IsAsciiDigit(input[_pos])) _pos++;
        // A duration: digits followed by a unit, repeated (1h30m).
        if (_pos < input.Length && IsDurationUnitStart(_pos))
        {
            _pos = start;
            while (_pos < input.Length && char.IsAsciiDigit(input[_pos]))
            {
                while (_pos < input.Length && char.IsAsciiDigit(input[_pos])) _pos++;
                if (!IsDurationUnitStart(_pos)) throw new ParseException(input, start, $"bad number or duration syntax: \"{input[start.._pos]}\"");
                _pos += input[_pos] == 'm' && _pos + 1 < input.Length && input[_pos + 1] == 's' ? 2 : 1;
            }
            if (_pos < input.Length && (char.IsAsciiLetterOrDigit(input[_pos]) || input[_pos] == '_'))
                throw new ParseException(input, start, $"bad number or duration syntax: \"{input[start..(_pos + 1)]}\"");
            return new Token(TokenKind.Duration, input[start.._pos], start);
        }
        if (_pos < input.Length && input[_pos] == '.')
        {
            _pos++;
            while (_pos < input.Length && char.IsAsciiDigit(input[_pos])) _pos++;
        }
        if (_pos < input.Length && input[_pos] is 'e' or 'E')
        {
            int save = _pos;
            _pos++;
            if (_pos < input.Length && input[_pos] is '+' or '-') _pos++;
            if (_pos < input.Length && char.IsAsciiDigit(input[_pos]))
                while (_pos < input.Length && char.IsAsciiDigit(input[_pos])) _pos++;
            else _pos = save;
        }
        if (_pos < input.Length && (char.IsAsciiLetter(input[_pos]) || input[_pos] == '_'))
            throw new ParseException(input, start, $"bad number or duration syntax: \"{input[start..(_pos + 1)]}\"");
        return new Token(TokenKind.Number, input[start.._pos], start);
    }

    private bool IsDurationUnitStart(int p) =>
        p < input.Length && input[p] is 'y' or 'w' or 'd' or 'h' or 'm' or 's'
        && !(p + 1 < input.Length && input[p] != 'm' && char.IsAsciiLetter(input[p + 1]))
        && !(p + 2 < input.Length && input[p] == 'm' && input[p + 1] == 's' && char.IsAsciiLetter(input[p + 2]))
        && !(p + 1 < input.Length && input[p] == 'm' && char.IsAsciiLetter(input[p + 1]) && input[p + 1] != 's');

    private string ReadString(char quote)
    {
        int start = _pos;
        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= input.Length) throw new ParseException(input, start, "unterminated quoted string");
            char c = input[_pos++];
            if (c == quote) return GoBytes.DecodeEscapedBytes(sb.ToString());
            if (quote == '`') { sb.Append(c); continue; }
            if (c == '\n') throw new ParseException(input, start, "unterminated quoted string");
            if (c != '\\') { sb.Append(c); continue; }
            if (_pos >= input.Length) throw new ParseException(input, start, "unterminated quoted string");
            if (GoEscape.Decode(input, ref _pos, quote, sb) is { } error) throw new ParseException(input, start, error); // at the string, as Prometheus
        }
    }
}
