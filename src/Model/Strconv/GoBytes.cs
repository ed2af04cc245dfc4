using System.Text;

namespace Mlobs.Model.Strconv;

/// <summary>
/// Go strings are bytes, so a PromQL string may hold invalid UTF-8 (<c>"a\xc5z"</c>) that Prometheus then rejects
/// as a label name. .NET strings cannot hold raw bytes; like Python's "surrogateescape", a byte 0x80-0xFF written
/// as an escape is kept as the lone surrogate U+DC80-U+DCFF when it is not part of valid UTF-8, so validity
/// checks and error messages can still see it.
/// </summary>
public static class GoBytes
{
    private const char Base = '\uDC00';

    /// <summary>The char an escaped byte stands for until <see cref="DecodeEscapedBytes"/> runs: ASCII as is, others escaped.</summary>
    public static char EscapedByte(int b) => b < 0x80 ? (char)b : (char)(Base + b);

    /// <summary>Decodes runs of escaped bytes that form valid UTF-8; invalid bytes stay as lone surrogates.</summary>
    public static string DecodeEscapedBytes(string s)
    {
        if (!s.Any(IsEscapedByte)) return s;
        var sb = new StringBuilder(s.Length);
        int i = 0;
        while (i < s.Length)
        {
            if (!IsEscapedByte(s[i])) { sb.Append(s[i++]); continue; }
            int j = i;
            var bytes = new List<byte>();
            while (j < s.Length && IsEscapedByte(s[j])) bytes.Add((byte)(s[j++] - Base));
            var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true);
            try { sb.Append(decoder.GetString(bytes.ToArray())); }
            catch (DecoderFallbackException) { sb.Append(s, i, j - i); }
            i = j;
        }
        return sb.ToString();
    }

    private static bool IsEscapedByte(char c) => c >= '\uDC80' && c <= '\uDCFF';

    /// <summary>True when the string is valid UTF-8 text (no escaped invalid bytes, no unpaired surrogates).</summary>
    public static bool IsValidUtf8(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) return false;
        }
        return true;
    }

    /// <summary>
    /// Go's strconv.Quote: <c>\a \b \f \n \r \t \v</c>, other control characters as <c>\xNN</c> or <c>\uNNNN</c>,
    /// escaped invalid bytes as <c>\xNN</c>; printable text as is.
    /// </summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (IsEscapedByte(c)) { sb.Append("\\x").Append(((int)(c - Base)).ToString("x2")); continue; }
            switch (c)
            {
                case '"' or '\\': sb.Append('\\').Append(c); continue;
                case '\a': sb.Append("\\a"); continue;
                case '\b': sb.Append("\\b"); continue;
                case '\f': sb.Append("\\f"); continue;
                case '\n': sb.Append("\\n"); continue;
                case '\r': sb.Append("\\r"); continue;
                case '\t': sb.Append("\\t"); continue;
                case '\v': sb.Append("\\v"); continue;
            }
            if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(((int)c).ToString("x2"));
            else if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("x4"));
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }
}
