using System.Globalization;

namespace Mlobs.Drift.Columns;

/// <summary>
/// One column of one file, as it streams in: numbers kept as doubles (the exact tests need every value), categories
/// as counts per value, missing values counted. A column is numeric while every present value is a number (as
/// pandas infers a float dtype); the first text turns it into categories, its numbers becoming their text.
/// </summary>
public sealed class ColumnValues(string name)
{
    /// <summary>pandas's default NA strings (read_csv's na_values), plus infinities, which Evidently drops with NaN.</summary>
    private static readonly HashSet<string> MissingTexts = new(StringComparer.Ordinal)
    {
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL",
        "NaN", "None", "n/a", "nan", "null", "inf", "-inf", "+inf", "Inf", "-Inf", "+Inf", "Infinity", "-Infinity", "+Infinity",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Missing = MissingTexts.GetAlternateLookup<ReadOnlySpan<char>>();

    private double[] _numbers = new double[1024];
    private Dictionary<string, long>? _categories;

    public string Name { get; } = name;
    public bool IsNumeric => _categories is null;
    public int NumberCount { get; private set; }
    public long MissingCount { get; private set; }

    /// <summary>The numbers read (only while <see cref="IsNumeric"/>).</summary>
    public Span<double> Numbers => _numbers.AsSpan(0, NumberCount);

    public IReadOnlyDictionary<string, long> Categories => _categories ?? [];

    public long Count => IsNumeric ? NumberCount : _categories!.Values.Sum();

    public void Add(ReadOnlySpan<char> text)
    {
        // Numbers first: most values are, and the parse settles them without the NA lookup (NaN and infinities
        // parse too, and count as missing).
        if (_categories is null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            if (!double.IsFinite(v)) { MissingCount++; return; }
            AddNumber(v);
            return;
        }
        text = text.Trim();
        if (Missing.Contains(text)) { MissingCount++; return; }
        if (_categories is null) ToCategories();
        AddCategory(text);
    }

    public void AddNumber(double v)
    {
        if (!double.IsFinite(v)) { MissingCount++; return; }
        if (_categories is not null) { AddCategory(v.ToString("R", CultureInfo.InvariantCulture)); return; }
        if (NumberCount == _numbers.Length) Array.Resize(ref _numbers, _numbers.Length * 2);
        _numbers[NumberCount++] = v;
    }

    public void AddMissing() => MissingCount++;

    public void AddCategory(ReadOnlySpan<char> text)
    {
        if (_categories is null) ToCategories();
        var lookup = _categories!.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(text, out long n)) lookup[text] = n + 1;
        else _categories[text.ToString()] = 1;
    }

    /// <summary>Text met in a numeric column: from now on values are categories, the numbers so far included.</summary>
    public void ToCategories()
    {
        if (_categories is not null) return;
        _categories = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < NumberCount; i++)
        {
            var key = _numbers[i].ToString("R", CultureInfo.InvariantCulture);
            _categories[key] = _categories.GetValueOrDefault(key) + 1;
        }
        _numbers = [];
        NumberCount = 0;
    }
}
