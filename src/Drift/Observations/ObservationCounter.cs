using System.Globalization;
using Mlobs.Model.Labels;

namespace Mlobs.Drift.Observations;

/// <summary>What a batch of posted rows did: rows counted, rows refused, and the first few reasons with their lines.</summary>
public sealed record ObservationResult(long Accepted, long Rejected, IReadOnlyList<string> Errors);

/// <summary>
/// An observations monitor's running counts: per numeric column a count per bucket, per categorical column a count per
/// value (the reference's values plus up to <c>max_categories</c> new ones, the rest as <c>__other__</c>). Memory is
/// bounded by the bins, never by the rows posted. Written to the TSDB as <see cref="ObservationSeries"/> counters.
/// </summary>
public sealed class ObservationCounter(string monitor, IReadOnlyList<ColumnBinning> binning, int maxCategories)
{
    private const int ReportedErrors = 5;
    private readonly Lock _lock = new();
    private readonly double[][] _buckets = [.. binning.Select(b => new double[b.IsNumeric ? b.Bounds.Length : 0])];
    private readonly Dictionary<string, double>[] _categories = [.. binning.Select(b => b.Categories.ToDictionary(c => c, _ => 0.0, StringComparer.Ordinal))];
    private readonly int[] _newCategories = new int[binning.Count];

    public IReadOnlyList<ColumnBinning> Binning { get; } = binning;

    /// <summary>
    /// Whether the store has seen these counters start from zero. A counter whose first stored sample already holds
    /// rows would lose them to <c>increase()</c>, so the first round after a (re)start writes zeros just before.
    /// </summary>
    public bool ZeroWritten { get; set; }
    public long RejectedTotal { get; private set; }
    public long AcceptedTotal { get; private set; }

    /// <summary>Counts every readable row; a row with a value its column cannot take (text in a numeric column) is refused whole.</summary>
    public ObservationResult Add(IEnumerable<ObservationRow> rows)
    {
        long accepted = 0, rejected = 0;
        var errors = new List<string>();
        var buckets = new int[Binning.Count];
        var categories = new string?[Binning.Count];
        foreach (var row in rows)
        {
            string? error = row.Error;
            if (error is null)
            {
                for (int i = 0; i < Binning.Count && error is null; i++)
                {
                    buckets[i] = -1;
                    categories[i] = null;
                    if (!row.Values!.TryGetValue(Binning[i].Column, out var text) || text is null || IsMissing(text)) continue;
                    if (Binning[i].IsNumeric)
                    {
                        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                            error = $"column \"{Binning[i].Column}\": \"{text}\" is not a number";
                        else if (double.IsFinite(v)) buckets[i] = Binning[i].Bucket(v);
                    }
                    else categories[i] = text.Trim();
                }
            }
            if (error is not null)
            {
                rejected++;
                if (errors.Count < ReportedErrors) errors.Add($"line {row.Line}: {error}");
                continue;
            }
            lock (_lock)
            {
                for (int i = 0; i < Binning.Count; i++)
                {
                    if (buckets[i] >= 0) _buckets[i][buckets[i]]++;
                    else if (categories[i] is { } c) CountCategory(i, c);
                }
            }
            accepted++;
        }
        lock (_lock)
        {
            AcceptedTotal += accepted;
            RejectedTotal += rejected;
        }
        return new ObservationResult(accepted, rejected, errors);
    }

    private void CountCategory(int column, string value)
    {
        var counts = _categories[column];
        if (counts.TryGetValue(value, out double n)) { counts[value] = n + 1; return; }
        if (_newCategories[column] < maxCategories) { _newCategories[column]++; counts[value] = 1; return; }
        counts[ObservationSeries.Other] = counts.GetValueOrDefault(ObservationSeries.Other) + 1;
    }

    private static bool IsMissing(string text) => text.Trim() is "" or "NA" or "N/A" or "NaN" or "nan" or "null" or "NULL" or "None";

    /// <summary>The counters as series (cumulative buckets per numeric column, a counter per value per categorical one).</summary>
    public List<(LabelSet Labels, double Value)> Series()
    {
        var series = new List<(LabelSet, double)>();
        lock (_lock)
        {
            for (int i = 0; i < Binning.Count; i++)
            {
                var b = Binning[i];
                if (b.IsNumeric)
                {
                    double cumulative = 0;
                    for (int k = 0; k < b.Bounds.Length; k++)
                    {
                        cumulative += _buckets[i][k];
                        series.Add((LabelSet.From(("__name__", ObservationSeries.Buckets), ("monitor", monitor), ("feature", b.Column), ("le", b.Bounds[k])), cumulative));
                    }
                }
                else
                {
                    foreach (var (value, count) in _categories[i])
                        series.Add((LabelSet.From(("__name__", ObservationSeries.Categories), ("monitor", monitor), ("feature", b.Column), (ObservationSeries.CategoryLabel, value)), count));
                }
            }
        }
        return series;
    }
}
