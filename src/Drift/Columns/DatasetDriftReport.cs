using System.Globalization;
using System.Text;
using System.Text.Json;
using Mlobs.Drift.Statistics;

namespace Mlobs.Drift.Columns;

/// <summary>
/// Evidently's data-drift preset over two files: one <see cref="ColumnDriftResult"/> per column both files have,
/// the share of drifted columns, and dataset drift when that share reaches <c>drift_share</c> (default 0.5, "≥" as
/// Evidently's <c>get_dataset_drift</c>). Columns that cannot be scored are listed with the reason and left out of the share.
/// </summary>
public sealed record DatasetDriftReport(
    string ReferencePath,
    string CurrentPath,
    long ReferenceRows,
    long CurrentRows,
    IReadOnlyList<ColumnDriftResult> Columns,
    IReadOnlyList<string> Skipped,
    double DriftShare)
{
    public int DriftedColumns => Columns.Count(c => c.Drifted);
    public double Share => Columns.Count == 0 ? 0 : (double)DriftedColumns / Columns.Count;
    public bool DatasetDrift => Columns.Count > 0 && Share >= DriftShare;

    public static DatasetDriftReport Compute(TabularFile reference, TabularFile current, IReadOnlyCollection<string>? only = null,
        DriftMethod? method = null, double? threshold = null, double driftShare = 0.5)
    {
        var skipped = new List<string>();
        var currentByName = current.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var pairs = new List<(ColumnValues Ref, ColumnValues Cur)>();
        foreach (var r in reference.Columns)
        {
            if (only is { Count: > 0 } && !only.Contains(r.Name)) continue;
            if (currentByName.TryGetValue(r.Name, out var c)) pairs.Add((r, c));
            else skipped.Add($"{r.Name}: not in {current.Path}");
        }
        foreach (var c in current.Columns)
            if ((only is not { Count: > 0 } || only.Contains(c.Name)) && reference.Columns.All(r => r.Name != c.Name))
                skipped.Add($"{c.Name}: not in {reference.Path}");
        if (only is { Count: > 0 })
            foreach (var name in only.Where(n => reference.Columns.All(r => r.Name != n) && current.Columns.All(c => c.Name != n)))
                skipped.Add($"{name}: in neither file");

        var results = new ColumnDriftResult?[pairs.Count];
        var errors = new string?[pairs.Count];
        Parallel.For(0, pairs.Count, i =>
        {
            try { results[i] = ColumnDrift.Score(pairs[i].Ref, pairs[i].Cur, method, threshold); }
            catch (ArgumentException ex) { errors[i] = ex.Message; }
        });
        skipped.AddRange(errors.OfType<string>());
        return new DatasetDriftReport(reference.Path, current.Path, reference.Rows, current.Rows, [.. results.OfType<ColumnDriftResult>()], skipped, driftShare);
    }

    /// <summary>The table Evidently's report shows: column, type, stat test, drift score, threshold, drift detected; then the dataset verdict.</summary>
    public string ToTable()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Data drift: {ReferencePath} ({ReferenceRows} rows) vs {CurrentPath} ({CurrentRows} rows)\n\n");
        string[] header = ["Column", "Type", "Stat test", "Drift score", "Threshold", "Drift detected"];
        var rows = Columns.Select(c => new[] { c.Column, c.Type, c.Method.DisplayName(), Format(c.Score), Format(c.Threshold), c.Drifted ? "Detected" : "Not detected" }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        void Row(string[] cells) => sb.Append(string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i])))).Append('\n');
        Row(header);
        foreach (var r in rows) Row(r);
        foreach (var s in Skipped) sb.Append("skipped: ").Append(s).Append('\n');
        sb.Append(CultureInfo.InvariantCulture,
            $"\nDrifted columns: {DriftedColumns} of {Columns.Count} ({Share * 100:0.#}%). Dataset drift: {(DatasetDrift ? "DETECTED" : "not detected")} (drift_share {Format(DriftShare)}).\n");
        return sb.ToString();
    }

    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("reference", ReferencePath);
        w.WriteString("current", CurrentPath);
        w.WriteNumber("reference_rows", ReferenceRows);
        w.WriteNumber("current_rows", CurrentRows);
        w.WriteStartArray("columns");
        foreach (var c in Columns)
        {
            w.WriteStartObject();
            w.WriteString("column", c.Column);
            w.WriteString("type", c.Type);
            w.WriteString("stattest", c.Method.Name());
            w.WriteString("stattest_name", c.Method.DisplayName());
            Number(w, "drift_score", c.Score);
            Number(w, "threshold", c.Threshold);
            w.WriteBoolean("drift_detected", c.Drifted);
            w.WriteNumber("reference_values", c.ReferenceCount);
            w.WriteNumber("current_values", c.CurrentCount);
            w.WriteNumber("reference_missing", c.ReferenceMissing);
            w.WriteNumber("current_missing", c.CurrentMissing);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("skipped");
        foreach (var s in Skipped) w.WriteStringValue(s);
        w.WriteEndArray();
        w.WriteNumber("number_of_columns", Columns.Count);
        w.WriteNumber("number_of_drifted_columns", DriftedColumns);
        Number(w, "share_of_drifted_columns", Share);
        Number(w, "drift_share", DriftShare);
        w.WriteBoolean("dataset_drift", DatasetDrift);
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteString(name, double.IsNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
    }

    private static string Format(double v) =>
        v == 0 ? "0" : Math.Abs(v) < 1e-4 ? v.ToString("0.###e+0", CultureInfo.InvariantCulture) : v.ToString("0.######", CultureInfo.InvariantCulture);
}
