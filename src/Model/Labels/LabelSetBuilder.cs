namespace Mlobs.Model.Labels;

/// <summary>A reusable scratch builder for label sets (relabeling, target labels) that avoids re-sorting when possible.</summary>
public sealed class LabelSetBuilder
{
    private readonly List<Label> _labels = new(16);

    public LabelSetBuilder Reset(LabelSet? from = null)
    {
        _labels.Clear();
        if (from is not null) foreach (var l in from.AsSpan()) _labels.Add(l);
        return this;
    }

    public string? Get(string name)
    {
        foreach (var l in _labels) if (l.Name == name) return l.Value;
        return null;
    }

    /// <summary>Sets a label; an empty value deletes it (Prometheus semantics).</summary>
    public LabelSetBuilder Set(string name, string value)
    {
        for (int i = 0; i < _labels.Count; i++)
        {
            if (_labels[i].Name != name) continue;
            if (value.Length == 0) _labels.RemoveAt(i); else _labels[i] = new Label(name, value);
            return this;
        }
        if (value.Length > 0) _labels.Add(new Label(name, value));
        return this;
    }

    public LabelSetBuilder Delete(string name)
    {
        _labels.RemoveAll(l => l.Name == name);
        return this;
    }

    public void RemoveWhere(Predicate<Label> predicate) => _labels.RemoveAll(predicate);

    public IReadOnlyList<Label> Current => _labels;

    public LabelSet Build()
    {
        var arr = _labels.ToArray();
        // Labels copied from a set in order stay in order: sort only when something was added out of place.
        for (int i = 1; i < arr.Length; i++)
        {
            if (string.CompareOrdinal(arr[i - 1].Name, arr[i].Name) < 0) continue;
            Array.Sort(arr, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            break;
        }
        return LabelSet.FromSorted(arr);
    }
}
