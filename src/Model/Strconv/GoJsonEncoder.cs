using System.Text.Encodings.Web;
using System.Text.Json;

namespace Mlobs.Model.Strconv;

/// <summary>
/// Escapes JSON strings exactly as Go's encoding/json does — the one JSON escaping mlobs writes, so the Prometheus,
/// Loki, Alertmanager and Grafana APIs, notifications and stored dashboards match their Go peers byte for byte:
/// <c>\"</c> and <c>\\</c>, <c>\n \r \t \b \f</c>, other control characters and the HTML-sensitive <c>&lt; &gt; &amp;</c>
/// (and U+2028/U+2029) as lower-case <c>\u00XX</c>; all other text, non-ASCII included, as is.
/// </summary>
public sealed class GoJsonEncoder : JavaScriptEncoder
{
    public static readonly GoJsonEncoder Instance = new();

    /// <summary>Writer options with this encoder, for every hand-written JSON body.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = Instance };

    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar < 0x20 || unicodeScalar is '"' or '\\' or '<' or '>' or '&' or 0x2028 or 0x2029;

    /// <summary>Every character <see cref="WillEncode"/> names, searched vectorised: API bodies are mostly plain label text.</summary>
    private static readonly System.Buffers.SearchValues<char> Escaped = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(c => (char)c), '"', '\\', '<', '>', '&', '\u2028', '\u2029']);

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength) =>
        new ReadOnlySpan<char>(text, textLength).IndexOfAny(Escaped);

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        string s = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\b' => "\\b",
            '\f' => "\\f",
            _ when WillEncode(unicodeScalar) => "\\u" + unicodeScalar.ToString("x4"),
            _ => char.ConvertFromUtf32(unicodeScalar),
        };
        if (s.Length > bufferLength)
        {
            numberOfCharactersWritten = 0;
            return false;
        }
        for (int i = 0; i < s.Length; i++) buffer[i] = s[i];
        numberOfCharactersWritten = s.Length;
        return true;
    }
}
