using System.Text;

namespace Mlobs.Model.Labels;

/// <summary>
/// An immutable label set sorted by name: the identity of a series (Prometheus's labels.Labels).
/// Equality and hashing are by content so a set can key dictionaries.
/// </summary>
public sealed class LabelSet : IEquatable<LabelSet>, IComparable<LabelSet>
{
    public const string MetricName = "__name__";
    public static readonly LabelSet Empty = new([]);

    private readonly Label[] _labels;
    private readonly int _hash;

    private LabelSet(Label[] sortedLabels)
    {
        _labels = sortedLabels;
        var h = new HashCode();
        foreach (var l in sortedLabels)
        {
            h.Add(l.Name, StringComparer.Ordinal);
            h.Add(l.Value, StringComparer.Ordinal);
        }
        _hash = h.ToHashCode();
    }

    /// <summary>Builds a set from pairs in any order; empty values are dropped as in Prometheus; the last duplicate name wins.</summary>
    public static LabelSet From(IEnumerable<Label> labels)
    {
        var list = new List<Label>();
        foreach (var l in labels)
        {
            if (l.Value.Length == 0) continue;
            var idx = list.FindIndex(x => x.Name == l.Name);
            if (idx >= 0) list[idx] = l; else list.Add(l);
        }
        var arr = list.ToArray();
        Array.Sort(arr, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new LabelSet(arr);
    }

    public static LabelSet From(params (string Name, string Value)[] pairs) =>
        From(pairs.Select(p => new Label(p.Name, p.Value)));

    /// <summary>Wraps an array the caller guarantees is sorted by name, unique and without empty values.</summary>
    internal static LabelSet FromSorted(Label[] sorted) => new(sorted);

    public int Count => _labels.Length;
    public ReadOnlySpan<Label> AsSpan() => _labels;
    public Label this[int index] => _labels[index];

    public string? Get(string name)
    {
        foreach (var l in _labels)
        {
            if (string.Equals(l.Name, name, StringComparison.Ordinal)) return l.Value;
        }
        return null;
    }

    public string MetricNameOrEmpty => Get(MetricName) ?? "";

    /// <summary>The labels as a name → value map that enumerates in name order (JSON objects, template data).</summary>
    public Dictionary<string, string> ToDictionary()
    {
        var map = new Dictionary<string, string>(_labels.Length, StringComparer.Ordinal);
        foreach (var l in _labels) map[l.Name] = l.Value;
        return map;
    }

    public bool Equals(LabelSet? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other._hash != _hash || other._labels.Length != _labels.Length) return false;
        for (int i = 0; i < _labels.Length; i++)
        {
            if (!string.Equals(_labels[i].Name, other._labels[i].Name, StringComparison.Ordinal) ||
                !string.Equals(_labels[i].Value, other._labels[i].Value, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as LabelSet);
    public override int GetHashCode() => _hash;

    /// <summary>Orders like Prometheus's labels.Compare: pairwise by name then value, shorter first.</summary>
    public int CompareTo(LabelSet? other)
    {
        if (other is null) return 1;
        int n = Math.Min(_labels.Length, other._labels.Length);
        for (int i = 0; i < n; i++)
        {
            int c = string.CompareOrdinal(_labels[i].Name, other._labels[i].Name);
            if (c != 0) return c;
            c = string.CompareOrdinal(_labels[i].Value, other._labels[i].Value);
            if (c != 0) return c;
        }
        return _labels.Length.CompareTo(other._labels.Length);
    }

    /// <summary>Prometheus text form: <c>name{a="b", c="d"}</c> without the name label inside braces.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        var name = Get(MetricName);
        if (name is not null) sb.Append(name);
        sb.Append('{');
        bool first = true;
        foreach (var l in _labels)
        {
            if (l.Name == MetricName) continue;
            if (!first) sb.Append(", ");
            first = false;
            sb.Append(l.Name).Append("=\"");
            AppendEscaped(sb, l.Value);
            sb.Append('"');
        }
        sb.Append('}');
        if (name is not null && first) sb.Length -= 2; // bare metric name
        return sb.ToString();
    }

    internal static void AppendEscaped(StringBuilder sb, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append("\\n"); break;
                default: sb.Append(c); break;
            }
        }
    }

    /// <summary>A copy without the given names (e.g. dropping <c>__name__</c>).</summary>
    public LabelSet Without(params string[] names)
    {
        int keep = 0;
        foreach (var l in _labels) if (Array.IndexOf(names, l.Name) < 0) keep++;
        if (keep == _labels.Length) return this;
        var kept = new Label[keep];
        int k = 0;
        foreach (var l in _labels) if (Array.IndexOf(names, l.Name) < 0) kept[k++] = l;
        return new LabelSet(kept);
    }
}
