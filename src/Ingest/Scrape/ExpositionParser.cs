using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Mlobs.Model.Labels;

namespace Mlobs.Ingest.Scrape;

public enum EntryKind { None, Help, Type, Unit, Series, Eof }

/// <summary>
/// A pull parser for the Prometheus text format 0.0.4 and OpenMetrics 1.0 over a UTF-8 body (cf.
/// model/textparse). It walks the bytes without allocating per sample: a series line exposes its raw key
/// bytes (name and label block) so callers can cache parsed labels by key and only call
/// <see cref="ParseLabels"/> on a miss. Exemplars are tolerated and skipped.
/// </summary>
public sealed class ExpositionParser
{
    private byte[] _buf = [];
    private int _end, _pos, _line, _lineStart;
    private int _keyStart, _keyEnd;
    private bool _openMetrics, _sawEof;

    public bool OpenMetrics => _openMetrics;
    public int Line => _line;
    public double Value { get; private set; }
    public long? TimestampMs { get; private set; }
    public ReadOnlySpan<byte> SeriesKey => _buf.AsSpan(_keyStart, _keyEnd - _keyStart);

    /// <summary>For HELP/TYPE/UNIT entries: the metric family and the text after it.</summary>
    public string MetricFamily => _metricFamily ??= MaterializeFamily();
    public string MetaText => _metaText ??= MaterializeText();

    private EntryKind _metaKind;
    private int _nameStart, _nameEnd, _textStart, _textEnd;
    private bool _nameQuoted;
    private string? _metricFamily, _metaText;

    /// <summary>
    /// Sets the series key the caller expects on the next series line (the scrape cache's entry at this position in
    /// the previous scrape). A line that starts with exactly these bytes followed by a blank has that key, which
    /// was validated when first seen, so it is not walked again; <see cref="KeyMatchedHint"/> tells the caller.
    /// </summary>
    public void SetKeyHint(byte[] key) => _keyHint = key;
    private byte[] _keyHint = [];
    public bool KeyMatchedHint { get; private set; }

    public ExpositionParser Reset(byte[] body, int length, bool openMetrics)
    {
        _buf = body;
        _end = length;
        _pos = 0;
        _line = 0;
        _openMetrics = openMetrics;
        _sawEof = false;
        _keyHint = [];
        return this;
    }

    /// <summary>Advances to the next entry; throws <see cref="ExpositionParseException"/> on malformed input.</summary>
    public EntryKind Next()
    {
        while (true)
        {
            if (_pos >= _end)
            {
                if (_openMetrics && !_sawEof) throw Error(_pos, "expected # EOF at the end of an OpenMetrics exposition");
                return EntryKind.None;
            }
            _line++;
            _lineStart = _pos;
            if (_sawEof) throw Error(_pos, "unexpected data after # EOF");
            int eol = Array.IndexOf(_buf, (byte)'\n', _pos, _end - _pos);
            if (eol < 0) eol = _end;
            int lineEnd = eol > _pos && _buf[eol - 1] == '\r' ? eol - 1 : eol;
            int start = _pos;
            _pos = eol + 1;

            if (!_openMetrics) while (start < lineEnd && _buf[start] is (byte)' ' or (byte)'\t') start++;
            if (start == lineEnd)
            {
                if (_openMetrics) throw Error(start, "unexpected empty line");
                continue;
            }
            if (_buf[start] == '#')
            {
                var kind = ParseComment(start, lineEnd);
                if (kind == EntryKind.None) continue;
                return kind;
            }
            ParseSeries(start, lineEnd);
            return EntryKind.Series;
        }
    }

    private EntryKind ParseComment(int start, int end)
    {
        int p = start + 1;
        if (_openMetrics && end - start == 5 && _buf.AsSpan(start, 5).SequenceEqual("# EOF"u8))
        {
            _sawEof = true;
            return EntryKind.Eof;
        }
        if (p < end && _buf[p] == ' ') p++;
        else if (_openMetrics) throw Error(p, "invalid comment");
        else { while (p < end && _buf[p] == '\t') p++; }
        int wordStart = p;
        while (p < end && _buf[p] != ' ' && _buf[p] != '\t') p++;
        var word = _buf.AsSpan(wordStart, p - wordStart);
        EntryKind kind = word.SequenceEqual("HELP"u8) ? EntryKind.Help
            : word.SequenceEqual("TYPE"u8) ? EntryKind.Type
            : word.SequenceEqual("UNIT"u8) && _openMetrics ? EntryKind.Unit
            : EntryKind.None;
        if (kind == EntryKind.None)
        {
            if (_openMetrics) throw Error(wordStart, "invalid comment: only # HELP, # TYPE, # UNIT and # EOF are allowed");
            return EntryKind.None; // plain comment in the text format
        }
        while (p < end && _buf[p] is (byte)' ' or (byte)'\t') p++;
        int nameStart = p;
        bool quotedName = p < end && _buf[p] == '"';
        if (quotedName)
        {
            SkipQuoted(ref p, end);
        }
        else
        {
            while (p < end && IsNameChar(_buf[p], p == nameStart)) p++;
            if (p == nameStart) throw Error(p, $"expected metric name after {Encoding.ASCII.GetString(word)}");
        }
        int nameEnd = p;
        if (p < end && _buf[p] != ' ' && _buf[p] != '\t') throw Error(p, "invalid metric name in comment");
        if (p < end) p++;
        if (kind == EntryKind.Type)
        {
            var type = _buf.AsSpan(p, end - p).Trim(" \t"u8);
            if (!IsValidType(type)) throw Error(p, $"invalid metric type \"{Encoding.UTF8.GetString(type)}\"");
        }
        // The strings are made only if asked for: a scrape that does not keep metadata pays nothing per family.
        _metaKind = kind;
        _nameStart = nameStart; _nameEnd = nameEnd; _nameQuoted = quotedName;
        _textStart = p; _textEnd = end;
        _metricFamily = null; _metaText = null;
        return kind;
    }

    private bool IsValidType(ReadOnlySpan<byte> t) => _openMetrics
        ? t.SequenceEqual("counter"u8) || t.SequenceEqual("gauge"u8) || t.SequenceEqual("histogram"u8) || t.SequenceEqual("gaugehistogram"u8)
          || t.SequenceEqual("stateset"u8) || t.SequenceEqual("info"u8) || t.SequenceEqual("summary"u8) || t.SequenceEqual("unknown"u8)
        : t.SequenceEqual("counter"u8) || t.SequenceEqual("gauge"u8) || t.SequenceEqual("histogram"u8) || t.SequenceEqual("summary"u8)
          || t.SequenceEqual("untyped"u8);

    private string MaterializeFamily() => _nameQuoted
        ? Unescape(_buf.AsSpan(_nameStart + 1, _nameEnd - _nameStart - 2))
        : Encoding.UTF8.GetString(_buf, _nameStart, _nameEnd - _nameStart);

    private string MaterializeText()
    {
        var text = Encoding.UTF8.GetString(_buf, _textStart, _textEnd - _textStart);
        return _metaKind switch
        {
            EntryKind.Help => UnescapeHelp(text),
            EntryKind.Type => text.Trim(),
            _ => text,
        };
    }

    private static string UnescapeHelp(string s) =>
        s.Contains('\\') ? s.Replace("\\n", "\n").Replace("\\\\", "\\") : s;

    private void ParseSeries(int start, int end)
    {
        int p = start;
        _keyStart = start;
        var hint = _keyHint;
        if (hint.Length > 0 && end - start > hint.Length && _buf[start + hint.Length] is (byte)' ' or (byte)'\t'
            && _buf.AsSpan(start, hint.Length).SequenceEqual(hint))
        {
            KeyMatchedHint = true;
            p = start + hint.Length;
        }
        else
        {
            KeyMatchedHint = false;
            p = ParseKey(start, end);
        }
        _keyEnd = p;
        ParseValueAndTimestamp(p, end);
    }

    /// <summary>Validates the metric name and label block; returns the position after them.</summary>
    private int ParseKey(int start, int end)
    {
        int p = start;
        if (_buf[p] == '{')
        {
            SkipLabelBlock(ref p, end); // name may be quoted inside the braces
        }
        else
        {
            int nameStart = p;
            while (p < end && IsNameChar(_buf[p], p == nameStart)) p++;
            if (p == nameStart) throw Error(p, $"\"{Printable(p, end)}\" is not a valid start token");
            if (p < end && _buf[p] == '{') SkipLabelBlock(ref p, end);
        }
        return p;
    }

    private void ParseValueAndTimestamp(int p, int end)
    {
        if (p >= end || _buf[p] is not ((byte)' ' or (byte)'\t')) throw Error(p, "expected a space and a value after the series");
        while (p < end && _buf[p] is (byte)' ' or (byte)'\t') p++;
        int valStart = p;
        while (p < end && _buf[p] is not ((byte)' ' or (byte)'\t')) p++;
        Value = ParseValue(valStart, p);
        while (p < end && _buf[p] is (byte)' ' or (byte)'\t') p++;
        TimestampMs = null;
        if (p < end && _buf[p] != '#')
        {
            int tsStart = p;
            while (p < end && _buf[p] is not ((byte)' ' or (byte)'\t')) p++;
            TimestampMs = ParseTimestamp(tsStart, p);
            while (p < end && _buf[p] is (byte)' ' or (byte)'\t') p++;
        }
        if (p < end)
        {
            if (_buf[p] != '#') throw Error(p, $"unexpected \"{Printable(p, end)}\" after the value");
            // An exemplar ("# {labels} value [timestamp]"): tolerated, not stored.
            int q = p + 1;
            while (q < end && _buf[q] == ' ') q++;
            if (q >= end || _buf[q] != '{') throw Error(q, "invalid exemplar");
        }
    }

    private void SkipLabelBlock(ref int p, int end)
    {
        p++; // '{'
        while (true)
        {
            while (p < end && _buf[p] is (byte)' ' or (byte)'\t') p++;
            if (p >= end) throw Error(p, "unexpected end of line in label set");
            if (_buf[p] == '}') { p++; return; }
            if (_buf[p] == '"')
            {
                SkipQuoted(ref p, end);
                while (p < end && _buf[p] is (byte)' ' or (byte)'\t') p++;
                if (p < end && _buf[p] is (byte)',' or (byte)'}') { if (_buf[p] == ',') p++; continue; } // quoted metric name
            }
            else
            {
                int ns = p;
                while (p < end && IsLabelChar(_buf[p], p == ns)) p++;
                if (p == ns) throw Error(p, $"expected label name, got \"{Printable(p, end)}\"");
            }
            while (p < end && _buf[p] is (byte)' ' or (byte)'\t') p++;
            if (p >= end || _buf[p] != '=') throw Error(p, $"expected equal, got \"{Printable(p, end)}\"");
            p++;
            while (p < end && _buf[p] is (byte)' ' or (byte)'\t') p++;
            if (p >= end || _buf[p] != '"') throw Error(p, $"expected label value, got \"{Printable(p, end)}\"");
            SkipQuoted(ref p, end);
            while (p < end && _buf[p] is (byte)' ' or (byte)'\t') p++;
            if (p < end && _buf[p] == ',') { p++; continue; }
            if (p < end && _buf[p] == '}') { p++; return; }
            throw Error(p, $"unexpected \"{Printable(p, end)}\" in label set");
        }
    }

    private void SkipQuoted(ref int p, int end)
    {
        int open = p;
        p++;
        while (p < end)
        {
            byte b = _buf[p];
            if (b == '\\') { p += 2; continue; }
            if (b == '"') { p++; return; }
            p++;
        }
        throw Error(open, "unterminated quoted string");
    }

    private string ReadQuoted(ref int p, int end)
    {
        int s = p;
        SkipQuoted(ref p, end);
        return Unescape(_buf.AsSpan(s + 1, p - s - 2));
    }

    /// <summary>Parses the current series key into the metric name and labels (called on a scrape-cache miss).</summary>
    public void ParseLabels(LabelSetBuilder lb)
    {
        lb.Reset();
        _scratch.Clear();
        ReadLabels(_scratch);
        foreach (var l in _scratch) lb.Set(l.Name, l.Value);
    }

    private readonly List<Label> _scratch = new(16);

    /// <summary>
    /// Appends the current series' metric name (as <c>__name__</c>) and labels in the order written, empty values kept
    /// (a pushed <c>instance=""</c> means something to the Pushgateway); a repeated label name is an error.
    /// </summary>
    public void ReadLabels(List<Label> into)
    {
        int first = into.Count;
        int p = _keyStart, end = _keyEnd;
        if (_buf[p] != '{')
        {
            int ns = p;
            while (p < end && _buf[p] != '{') p++;
            into.Add(new Label(LabelSet.MetricName, LabelStringPool.Intern(Encoding.UTF8.GetString(_buf, ns, p - ns))));
            if (p >= end) return;
        }
        p++; // '{'
        while (p < end)
        {
            while (p < end && _buf[p] is (byte)' ' or (byte)'\t' or (byte)',') p++;
            if (p >= end || _buf[p] == '}') break;
            string name;
            if (_buf[p] == '"')
            {
                name = ReadQuoted(ref p, end);
                while (p < end && _buf[p] is (byte)' ' or (byte)'\t') p++;
                if (p < end && _buf[p] != '=') { into.Add(new Label(LabelSet.MetricName, name)); continue; }
            }
            else
            {
                int ns = p;
                while (p < end && IsLabelChar(_buf[p], p == ns)) p++;
                name = Encoding.UTF8.GetString(_buf, ns, p - ns);
            }
            while (p < end && _buf[p] != '"') p++;
            int valueStart = p;
            var value = LabelStringPool.Intern(ReadQuoted(ref p, end));
            // As Prometheus's parsers: a label value must be valid UTF-8 (rewriting it would store another series).
            if (!System.Text.Unicode.Utf8.IsValid(_buf.AsSpan(valueStart, p - valueStart)))
                throw Error(valueStart, $"invalid UTF-8 label value: {GoQuote(_buf.AsSpan(valueStart, p - valueStart))}");
            name = LabelStringPool.Intern(name);
            for (int i = first; i < into.Count; i++)
                if (into[i].Name == name) throw Error(p, $"duplicate label name \"{name}\"");
            into.Add(new Label(name, value));
        }
    }

    private static string Unescape(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOf((byte)'\\') < 0) return Encoding.UTF8.GetString(raw);
        var bytes = new byte[raw.Length];
        int n = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\\' && i + 1 < raw.Length)
            {
                byte next = raw[++i];
                switch (next)
                {
                    case (byte)'n': bytes[n++] = (byte)'\n'; break;
                    case (byte)'\\' or (byte)'"': bytes[n++] = next; break;
                    default: bytes[n++] = (byte)'\\'; bytes[n++] = next; break; // unknown escape kept verbatim
                }
            }
            else bytes[n++] = raw[i];
        }
        return Encoding.UTF8.GetString(bytes, 0, n);
    }

    /// <summary>Go's %q of raw bytes (strconv.Quote): printable runes as they are, the rest escaped, invalid bytes as \xNN.</summary>
    private static string GoQuote(ReadOnlySpan<byte> raw)
    {
        var sb = new StringBuilder("\"");
        while (!raw.IsEmpty)
        {
            var status = System.Text.Rune.DecodeFromUtf8(raw, out var rune, out int used);
            if (status != System.Buffers.OperationStatus.Done)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\x{raw[0]:x2}");
                raw = raw[1..];
                continue;
            }
            raw = raw[used..];
            switch (rune.Value)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (rune.Value < 0x20 || rune.Value == 0x7f) sb.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}");
                    else sb.Append(rune.ToString());
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    private double ParseValue(int start, int end)
    {
        var s = _buf.AsSpan(start, end - start);
        if (s.Length == 0) throw Error(start, "expected value");
        if (FastFloatParser.TryParse(s, out double v)) return v;
        if (Utf8Parser.TryParse(s, out v, out int consumed) && consumed == s.Length) return v;
        // Go's ParseFloat also accepts Inf/Infinity/NaN in any case, with an optional sign.
        var t = s;
        bool neg = false;
        if (t[0] is (byte)'+' or (byte)'-') { neg = t[0] == '-'; t = t[1..]; }
        if (Ascii.EqualsIgnoreCase(t, "inf"u8) || Ascii.EqualsIgnoreCase(t, "infinity"u8)) return neg ? double.NegativeInfinity : double.PositiveInfinity;
        if (Ascii.EqualsIgnoreCase(t, "nan"u8)) return double.NaN;
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v)) return v;
        throw Error(start, $"strconv.ParseFloat: parsing \"{Encoding.UTF8.GetString(s)}\": invalid syntax");
    }

    private long ParseTimestamp(int start, int end)
    {
        var s = _buf.AsSpan(start, end - start);
        if (_openMetrics)
        {
            // OpenMetrics timestamps are seconds, possibly fractional.
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double sec) && double.IsFinite(sec))
                return (long)Math.Round(sec * 1000);
        }
        else if (Utf8Parser.TryParse(s, out long ms, out int consumed) && consumed == s.Length)
        {
            return ms;
        }
        throw Error(start, $"invalid timestamp \"{Encoding.UTF8.GetString(s)}\"");
    }

    private static bool IsNameChar(byte b, bool first) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'_' or (byte)':' || (!first && b is >= (byte)'0' and <= (byte)'9');

    private static bool IsLabelChar(byte b, bool first) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'_' || (!first && b is >= (byte)'0' and <= (byte)'9');

    private string Printable(int p, int end) =>
        p >= end ? "" : Encoding.UTF8.GetString(_buf, p, Math.Min(end - p, 16));

    private ExpositionParseException Error(int pos, string message) =>
        new(_line, pos - _lineStart + 1, message);
}
