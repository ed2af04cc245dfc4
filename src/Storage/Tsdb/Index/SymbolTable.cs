namespace Mlobs.Storage.Tsdb.Index;

/// <summary>
/// Interns label names and values as small integers (as Prometheus's index symbol table), so a series row
/// stores a few varints instead of repeating "__name__", "job" and "instance" strings. Guarded by the head lock.
/// </summary>
internal sealed class SymbolTable
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _values = [];
    private readonly List<(int Id, string Value)> _unpersisted = [];

    public int Count => _values.Count;

    public void Load(int id, string value)
    {
        while (_values.Count <= id) _values.Add("");
        _values[id] = value;
        _ids[value] = id;
    }

    public int GetOrAdd(string value)
    {
        if (_ids.TryGetValue(value, out int id)) return id;
        id = _values.Count;
        _values.Add(value);
        _ids[value] = id;
        _unpersisted.Add((id, value));
        return id;
    }

    public bool TryGetId(string value, out int id) => _ids.TryGetValue(value, out id);

    public string this[int id] => _values[id];

    /// <summary>Puts back symbols whose write failed, so the next batch writes them.</summary>
    public void Requeue(int id, string value) => _unpersisted.Add((id, value));

    /// <summary>Symbols added since the last call, to be written with the batch that first used them.</summary>
    public List<(int Id, string Value)> TakeUnpersisted()
    {
        var result = new List<(int, string)>(_unpersisted);
        _unpersisted.Clear();
        return result;
    }
}
