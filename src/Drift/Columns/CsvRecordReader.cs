namespace Mlobs.Drift.Columns;

/// <summary>
/// Reads RFC 4180 records from a text reader without a string per field: fields are spans into one reused buffer
/// (unquoted fields point into the read buffer's copy, quoted ones are unescaped into it). Tracks line numbers.
/// </summary>
internal sealed class CsvRecordReader(TextReader reader)
{
    private static readonly System.Buffers.SearchValues<char> Separators = System.Buffers.SearchValues.Create(",\n\r");
    private readonly char[] _read = new char[1 << 16];
    private int _pos, _len;
    private bool _eof;

    public long Line { get; private set; } = 1;
    public bool Unterminated { get; private set; }

    /// <summary>The fields of the last record, as offsets into a reused buffer.</summary>
    public sealed class FieldSpans
    {
        internal char[] Text = new char[4096];
        internal int Length;
        internal int[] Starts = new int[64];
        internal int[] Ends = new int[64];
        public int Count { get; internal set; }

        public ReadOnlySpan<char> Field(int i) => Text.AsSpan(Starts[i], Ends[i] - Starts[i]);

        internal void Append(char c)
        {
            if (Length == Text.Length) Array.Resize(ref Text, Text.Length * 2);
            Text[Length++] = c;
        }

        internal void Append(ReadOnlySpan<char> chars)
        {
            if (Length + chars.Length > Text.Length) Array.Resize(ref Text, Math.Max(Text.Length * 2, Length + chars.Length));
            chars.CopyTo(Text.AsSpan(Length));
            Length += chars.Length;
        }

        internal void StartField()
        {
            if (Count == Starts.Length)
            {
                Array.Resize(ref Starts, Starts.Length * 2);
                Array.Resize(ref Ends, Ends.Length * 2);
            }
            Starts[Count] = Length;
        }

        internal void EndField() => Ends[Count++] = Length;

        internal void Reset()
        {
            Count = 0;
            Length = 0;
        }
    }

    private int Peek()
    {
        if (_pos < _len) return _read[_pos];
        if (_eof) return -1;
        _len = reader.Read(_read, 0, _read.Length);
        _pos = 0;
        if (_len <= 0) { _eof = true; return -1; }
        return _read[0];
    }

    private int Next()
    {
        int c = Peek();
        if (c >= 0) _pos++;
        return c;
    }

    public bool ReadRecord(List<string> fields)
    {
        var spans = new FieldSpans();
        if (!ReadRecord(spans)) return false;
        fields.Clear();
        for (int i = 0; i < spans.Count; i++) fields.Add(spans.Field(i).ToString());
        return true;
    }

    public bool ReadRecord(FieldSpans record)
    {
        record.Reset();
        if (Peek() < 0) return false;
        while (true)
        {
            record.StartField();
            int c = Peek();
            if (c == '"')
            {
                Next();
                while (true)
                {
                    c = Next();
                    if (c < 0) { Unterminated = true; record.EndField(); return true; }
                    if (c == '"')
                    {
                        if (Peek() == '"') { Next(); record.Append('"'); continue; }
                        break;
                    }
                    if (c == '\n') Line++;
                    record.Append((char)c);
                }
                // Anything between the closing quote and the separator is kept, as lenient readers do.
                while ((c = Peek()) >= 0 && c != ',' && c != '\n' && c != '\r') record.Append((char)Next());
            }
            else
            {
                // Unquoted: copy up to the next separator a buffer at a time rather than a character at a time.
                while (Peek() >= 0)
                {
                    var rest = _read.AsSpan(_pos, _len - _pos);
                    int end = rest.IndexOfAny(Separators);
                    int take = end < 0 ? rest.Length : end;
                    record.Append(rest[..take]);
                    _pos += take;
                    if (end >= 0) break;
                }
            }
            record.EndField();
            c = Next();
            if (c == ',') continue;
            if (c == '\r' && Peek() == '\n') Next();
            if (c >= 0) Line++;
            return true;
        }
    }
}
