using System.Text;

namespace Mlobs.Model.Strconv;

/// <summary>
/// Go's backslash escapes in quoted strings, as strconv.Unquote and PromQL's lexer (lexEscape) read them: the one
/// decoder behind PromQL string literals and Go template strings. <c>\x</c> and octal escapes are bytes (kept as
/// <see cref="GoBytes"/> escaped bytes until the whole string is decoded); <c>\u</c> and <c>\U</c> are code points.
/// </summary>
public static class GoEscape
{
    /// <summary>
    /// Decodes the escape whose first character (after the backslash) is at <paramref name="pos"/> into
    /// <paramref name="sb"/> and moves <paramref name="pos"/> past it. Returns null, or what is wrong in the words
    /// of Prometheus's lexer, with <paramref name="pos"/> at the offending character.
    /// </summary>
    public static string? Decode(ReadOnlySpan<char> s, ref int pos, char quote, StringBuilder sb)
    {
        if (pos >= s.Length) return "escape sequence not terminated";
        char e = s[pos++];
        switch (e)
        {
            case 'a': sb.Append('\a'); return null;
            case 'b': sb.Append('\b'); return null;
            case 'f': sb.Append('\f'); return null;
            case 'n': sb.Append('\n'); return null;
            case 'r': sb.Append('\r'); return null;
            case 't': sb.Append('\t'); return null;
            case 'v': sb.Append('\v'); return null;
            case '\\': sb.Append('\\'); return null;
        }
        if (e == quote) { sb.Append(e); return null; }
        (int digits, int numberBase, int max) = e switch
        {
            >= '0' and <= '7' => (3, 8, 255),
            'x' => (2, 16, 255),
            'u' => (4, 16, 0x10FFFF),
            'U' => (8, 16, 0x10FFFF),
            _ => (0, 0, 0),
        };
        if (digits == 0)
        {
            pos--;
            return $"unknown escape sequence {Rune(e)}";
        }
        if (numberBase == 8) pos--; // the first octal digit is the escape's own character
        long value = 0;
        for (int i = 0; i < digits; i++)
        {
            if (pos >= s.Length) return "escape sequence not terminated";
            int d = HexValue(s[pos]);
            if (d < 0 || d >= numberBase) return $"illegal character {Rune(s[pos])} in escape sequence";
            value = value * numberBase + d;
            pos++;
        }
        if (value > max || (numberBase == 16 && value is >= 0xD800 and < 0xE000)) return "escape sequence is an invalid Unicode code point";
        if (e is 'u' or 'U') sb.Append(char.ConvertFromUtf32((int)value));
        else sb.Append(GoBytes.EscapedByte((int)value));
        return null;
    }

    /// <summary>fmt's <c>%#U</c>: <c>U+0023 '#'</c>.</summary>
    public static string Rune(char c) => $"U+{(int)c:X4} '{c}'";

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
