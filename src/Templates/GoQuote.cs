using System.Globalization;
using System.Text;
using Mlobs.Model.Strconv;

namespace Mlobs.Templates;

/// <summary>Go's string quoting as templates use it: strconv.Quote/Unquote and fmt's <c>%#U</c> for runes.</summary>
public static class GoQuote
{
    public static string Quote(string s) => GoBytes.Quote(s);

    /// <summary>fmt's <c>%#U</c>: <c>U+0023 '#'</c>.</summary>
    public static string Rune(char c) => $"U+{(int)c:X4} '{c}'";

    /// <summary>strconv.Unquote of a "double-quoted", `raw` or 'c' literal; throws FormatException when malformed.</summary>
    public static string Unquote(string literal)
    {
        if (literal.Length < 2) throw new FormatException("invalid syntax");
        char q = literal[0];
        if (q == '`') return literal[1..^1].Replace("\r", "");
        var sb = new StringBuilder(literal.Length);
        for (int i = 1; i < literal.Length - 1; i++)
        {
            char c = literal[i];
            if (c != '\\') { sb.Append(c); continue; }
            char e = literal[++i];
            switch (e)
            {
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case '\\' or '"' or '\'': sb.Append(e); break;
                case 'x': sb.Append(GoBytes.EscapedByte(Hex(literal, i + 1, 2))); i += 2; break;
                case 'u': sb.Append(char.ConvertFromUtf32(Hex(literal, i + 1, 4))); i += 4; break;
                case 'U': sb.Append(char.ConvertFromUtf32(Hex(literal, i + 1, 8))); i += 8; break;
                case >= '0' and <= '7':
                    sb.Append(GoBytes.EscapedByte(Convert.ToInt32(literal.Substring(i, 3), 8))); i += 2; break;
                default: throw new FormatException("invalid syntax");
            }
        }
        return GoBytes.DecodeEscapedBytes(sb.ToString());
    }

    private static int Hex(string s, int at, int n)
    {
        if (at + n > s.Length - 1) throw new FormatException("invalid syntax");
        return int.Parse(s.AsSpan(at, n), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
