using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Mlobs.Drift.Columns;

/// <summary>A file that cannot be read as a table (no header, an unterminated quote, not JSON); carries file:line.</summary>
public sealed class TabularFileException(string message) : Exception(message);

/// <summary>
/// A CSV (RFC 4180: a header row, quoted fields with doubled quotes and line breaks inside) or JSON-lines file (one
/// object per line; numbers, strings, booleans, null) read in one streaming pass into per-column values. Rows with a
/// different number of fields, or lines that are not an object, are counted and the first few reported; the rest is kept.
/// </summary>
public sealed class TabularFile
{
    private const int ReportedProblems = 5;
    private readonly Dictionary<string, ColumnValues> _byName = new(StringComparer.Ordinal);

    public string Path { get; }
    public List<ColumnValues> Columns { get; } = [];
    public long Rows { get; private set; }
    public long BadRows { get; private set; }
    public List<string> Problems { get; } = [];

    private TabularFile(string path) => Path = path;

    /// <summary>Reads a posted body (<paramref name="name"/> names it in errors).</summary>
    public static TabularFile Read(TextReader reader, string name, bool jsonLines, CancellationToken ct = default)
    {
        var table = new TabularFile(name);
        if (jsonLines) table.ReadJsonLines(reader, ct);
        else table.ReadCsv(reader, ct);
        return table;
    }

    /// <summary>Reads a file; JSON lines when the name ends in .jsonl/.ndjson/.json or the first character is '{'.</summary>
    public static TabularFile Read(string path, CancellationToken ct = default)
    {
        var table = new TabularFile(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 20);
        bool json = path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)
                    || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || reader.Peek() == '{';
        if (json) table.ReadJsonLines(reader, ct);
        else table.ReadCsv(reader, ct);
        return table;
    }

    private void Problem(long line, string message)
    {
        BadRows++;
        if (Problems.Count < ReportedProblems) Problems.Add($"{Path}:{line}: {message}");
    }

    private ColumnValues Column(string name)
    {
        if (!_byName.TryGetValue(name, out var c))
        {
            c = new ColumnValues(name);
            _byName[name] = c;
            Columns.Add(c);
        }
        return c;
    }

    private void ReadCsv(TextReader reader, CancellationToken ct)
    {
        var fields = new List<string>();
        var csv = new CsvRecordReader(reader);
        long line = csv.Line;
        if (!csv.ReadRecord(fields)) throw new TabularFileException($"{Path}: empty file (a CSV needs a header row)");
        var header = fields.Select(f => f.Trim()).ToArray();
        if (header.Any(h => h.Length == 0)) throw new TabularFileException($"{Path}:1: empty column name in the header");
        var duplicate = header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new TabularFileException($"{Path}:1: column \"{duplicate.Key}\" appears twice in the header");
        var columns = header.Select(Column).ToArray();
        var spans = new CsvRecordReader.FieldSpans();
        while (true)
        {
            if ((Rows & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
            line = csv.Line;
            if (!csv.ReadRecord(spans)) break;
            if (csv.Unterminated) throw new TabularFileException($"{Path}:{line}: a quoted field is not closed before the end of the file");
            if (spans.Count == 1 && spans.Field(0).IsEmpty) continue; // blank line
            if (spans.Count != columns.Length)
            {
                Problem(line, $"{spans.Count} fields, the header has {columns.Length}");
                continue;
            }
            Rows++;
            for (int i = 0; i < columns.Length; i++) columns[i].Add(spans.Field(i));
        }
    }

    private void ReadJsonLines(TextReader reader, CancellationToken ct)
    {
        long lineNumber = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            string? text;
            while ((text = reader.ReadLine()) is not null)
            {
                lineNumber++;
                if ((lineNumber & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
                if (string.IsNullOrWhiteSpace(text)) continue;
                int max = Encoding.UTF8.GetMaxByteCount(text.Length);
                if (buffer.Length < max)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(max);
                }
                int n = Encoding.UTF8.GetBytes(text, buffer);
                if (!ReadJsonRow(buffer.AsSpan(0, n), lineNumber)) continue;
                Rows++;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One object; a row that is not one (or nests values) is reported and none of its fields is kept.</summary>
    private bool ReadJsonRow(ReadOnlySpan<byte> bytes, long line)
    {
        var pending = new List<(ColumnValues Column, JsonTokenType Type, string? Text, double Number)>();
        try
        {
            var r = new Utf8JsonReader(bytes);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) { Problem(line, "not a JSON object"); return false; }
            while (r.Read() && r.TokenType != JsonTokenType.EndObject)
            {
                var name = r.GetString()!;
                r.Read();
                switch (r.TokenType)
                {
                    case JsonTokenType.Number: pending.Add((Column(name), r.TokenType, null, r.GetDouble())); break;
                    case JsonTokenType.String: pending.Add((Column(name), r.TokenType, r.GetString(), 0)); break;
                    case JsonTokenType.True: pending.Add((Column(name), r.TokenType, "True", 0)); break;
                    case JsonTokenType.False: pending.Add((Column(name), r.TokenType, "False", 0)); break;
                    case JsonTokenType.Null: pending.Add((Column(name), r.TokenType, null, 0)); break;
                    default: Problem(line, $"field \"{name}\" holds a nested {(r.TokenType == JsonTokenType.StartArray ? "array" : "object")}"); return false;
                }
            }
            if (r.Read()) { Problem(line, "more than one JSON value on the line"); return false; }
        }
        catch (JsonException ex)
        {
            Problem(line, "invalid JSON: " + ex.Message);
            return false;
        }
        foreach (var (column, type, text, number) in pending)
        {
            switch (type)
            {
                case JsonTokenType.Number: column.AddNumber(number); break;
                case JsonTokenType.Null: column.AddMissing(); break;
                case JsonTokenType.String: column.Add(text); break;
                default: column.AddCategory(text); break;
            }
        }
        return true;
    }
}
