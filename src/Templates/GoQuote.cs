using System.Text;
using Mlobs.Model.Strconv;

namespace Mlobs.Templates;

/// <summary>Go's string quoting as templates use it: strconv.Quote/Unquote and fmt's <c>%#U</c> for runes.</summary>
public static class GoQuote
{
    public static string Quote(string s) => GoBytes.Quote(s);

    /// <summary>fmt's <c>%#U</c>: <c>U+0023 '#'</c>.</summary>
    public static string Rune(char c) => GoEscape.Rune(c);

    /// <summary>strconv.Unquote of a "double-quoted", `raw` or 'c' literal; throws FormatException when malformed.</summary>
    public static string Unquote(string literal)
    {
        if (literal.Length < 2) throw new FormatException("invalid syntax");
        char q = literal[0];
        if (q == '`') return literal[1..^1].Replace("\r", "");
        var body = literal.AsSpan(0, literal.Length - 1); // without the closing quote: an escape may not reach it
        var sb = new StringBuilder(literal.Length);
        for (int i = 1; i < body.Length;)
        {
            char c = body[i++];
            if (c != '\\') { sb.Append(c); continue; }
            if (GoEscape.Decode(body, ref i, q, sb) is not null) throw new FormatException("invalid syntax");
        }
        return GoBytes.DecodeEscapedBytes(sb.ToString());
    }
}
