using System.Globalization;
using System.Text.Json;
using Mlobs.Drift.Columns;

namespace Mlobs.Drift.Observations;

/// <summary>One posted row: its line, its values by column (null for a missing value), or why it is unreadable.</summary>
public readonly record struct ObservationRow(long Line, IReadOnlyDictionary<string, string?>? Values, string? Error);

/// <summary>
/// Rows of a posted body, one at a time: CSV with a header row, or JSON lines (numbers, strings, booleans, null).
/// A malformed row is yielded with its error and reading goes on.
/// </summary>
public static class ObservationRows
{
    public static IEnumerable<ObservationRow> Read(TextReader reader, bool jsonLines) => jsonLines ? Json(reader) : Csv(reader);

    private static IEnumerable<ObservationRow> Csv(TextReader reader)
    {
        var csv = new CsvRecordReader(reader);
        var header = new List<string>();
        if (!csv.ReadRecord(header)) yield break;
        var names = header.Select(h => h.Trim()).ToArray();
        var spans = new CsvRecordReader.FieldSpans();
        while (true)
        {
            long line = csv.Line;
            if (!csv.ReadRecord(spans)) yield break;
            if (csv.Unterminated) { yield return new ObservationRow(line, null, "a quoted field is not closed before the end of the body"); yield break; }
            if (spans.Count == 1 && spans.Field(0).IsEmpty) continue;
            if (spans.Count != names.Length) { yield return new ObservationRow(line, null, $"{spans.Count} fields, the header has {names.Length}"); continue; }
            var values = new Dictionary<string, string?>(names.Length, StringComparer.Ordinal);
            for (int i = 0; i < names.Length; i++) values[names[i]] = spans.Field(i).ToString();
            yield return new ObservationRow(line, values, null);
        }
    }

    private static IEnumerable<ObservationRow> Json(TextReader reader)
    {
        long line = 0;
        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            yield return JsonRow(text, line);
        }
    }

    private static ObservationRow JsonRow(string text, long line)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return new ObservationRow(line, null, "not a JSON object");
            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                values[p.Name] = p.Value.ValueKind switch
                {
                    JsonValueKind.Number => p.Value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
                    JsonValueKind.String => p.Value.GetString(),
                    JsonValueKind.True => "True",
                    JsonValueKind.False => "False",
                    JsonValueKind.Null => null,
                    _ => throw new FormatException($"field \"{p.Name}\" holds a nested {(p.Value.ValueKind == JsonValueKind.Array ? "array" : "object")}"),
                };
            }
            return new ObservationRow(line, values, null);
        }
        catch (JsonException ex) { return new ObservationRow(line, null, "invalid JSON: " + ex.Message); }
        catch (FormatException ex) { return new ObservationRow(line, null, ex.Message); }
    }
}
