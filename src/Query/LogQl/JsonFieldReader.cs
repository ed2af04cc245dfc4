using System.Buffers;
using System.Text;
using System.Text.Json;
using Mlobs.Model.Logs;

namespace Mlobs.Query.LogQl;

/// <summary>
/// One field of a JSON line, by its flattened LogQL name (<c>latency_ms</c> for <c>{"latency": {"ms": 5}}</c> or
/// <c>{"latency_ms": 5}</c>), read in one pass of a <see cref="Utf8JsonReader"/> without building the other fields.
/// A label filter right after <c>| json</c> usually rejects most lines: this lets it do so without the full parse,
/// which is kept for the lines that pass. The answer is the one <see cref="LogFields.TryJson"/> would give: the last
/// value the flattening sets under that name (strings unescaped, numbers and booleans as written, arrays as raw
/// text, nulls set nothing), <see cref="JsonField.NotObject"/> for a line that is not a JSON object, and
/// <see cref="JsonField.Unsure"/> for the odd line (an empty property name) it leaves to the full parse.
/// </summary>
public static class JsonFieldReader
{
    private const int MaxDepth = 64; // as JsonDocument's default

    [ThreadStatic] private static byte[]? _buffer;

    public static JsonField Read(string line, string name, out string? value)
    {
        value = null;
        int max = Encoding.UTF8.GetMaxByteCount(line.Length);
        var buffer = _buffer is { } b && b.Length >= max ? b : (_buffer = new byte[Math.Max(max, 1024)]);
        int length = Encoding.UTF8.GetBytes(line, buffer);
        var bytes = buffer.AsSpan(0, length);
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = MaxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return JsonField.NotObject;
            bool unsure = false;
            // Per open object: how many characters of the name its path has matched (-1: the path already differs).
            Span<int> matched = stackalloc int[MaxDepth + 2];
            int depth = 0, property = -1;
            matched[0] = 0;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (reader.ValueSpan.Length == 0) unsure = true; // "" flattens its fields as top-level names
                        property = Match(ref reader, name, matched[depth], topLevel: depth == 0);
                        break;
                    case JsonTokenType.StartObject:
                        depth++;
                        matched[depth] = property >= 0 && property < name.Length && name[property] == '_' ? property + 1 : -1;
                        // An object whose own name is the whole target sets nothing itself (its fields get longer names).
                        property = -1;
                        break;
                    case JsonTokenType.EndObject:
                        depth--;
                        break;
                    case JsonTokenType.StartArray:
                    {
                        long start = reader.TokenStartIndex;
                        reader.Skip();
                        if (property == name.Length) value = Encoding.UTF8.GetString(bytes[(int)start..(int)reader.BytesConsumed]);
                        property = -1;
                        break;
                    }
                    case JsonTokenType.String:
                        if (property == name.Length) value = reader.GetString();
                        property = -1;
                        break;
                    case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                        if (property == name.Length) value = Encoding.UTF8.GetString(reader.ValueSpan);
                        property = -1;
                        break;
                    case JsonTokenType.Null:
                        property = -1;
                        break;
                }
            }
            return unsure ? JsonField.Unsure : JsonField.Read;
        }
        catch (JsonException)
        {
            value = null;
            return JsonField.NotObject;
        }
    }

    /// <summary>
    /// Where the sanitized property name, appended at <paramref name="from"/> characters of the target, leaves the
    /// match: the new matched length, or -1 when it differs (names are sanitized as <see cref="LogFields.Sanitize"/> does).
    /// </summary>
    private static int Match(ref Utf8JsonReader reader, string target, int from, bool topLevel)
    {
        if (from < 0) return -1;
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        if (reader.ValueIsEscaped || raw.ContainsAnyInRange((byte)0x80, (byte)0xFF)) return MatchText(reader.GetString()!, target, from, topLevel);
        if (raw.Length == 0) return -1;
        int pos = from;
        if (topLevel && char.IsAsciiDigit((char)raw[0]))
        {
            if (pos >= target.Length || target[pos] != '_') return -1;
            pos++;
        }
        foreach (byte b in raw)
        {
            char c = char.IsAsciiLetterOrDigit((char)b) || b == '_' ? (char)b : '_';
            if (pos >= target.Length || target[pos] != c) return -1;
            pos++;
        }
        return pos;
    }

    private static int MatchText(string name, string target, int from, bool topLevel)
    {
        var sanitized = topLevel ? LogFields.Sanitize(name) : LogFields.Sanitize("x" + name)[1..];
        if (sanitized.Length == 0 || from + sanitized.Length > target.Length) return -1;
        return target.AsSpan(from, sanitized.Length).SequenceEqual(sanitized) ? from + sanitized.Length : -1;
    }
}

/// <summary>What <see cref="JsonFieldReader.Read"/> found.</summary>
public enum JsonField { Read, NotObject, Unsure }
