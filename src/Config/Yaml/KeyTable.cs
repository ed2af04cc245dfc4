using System.Collections;
using YamlDotNet.RepresentationModel;

namespace Mlobs.Config.Yaml;

/// <summary>
/// The keys of one config record, each with how it is read into the record: the allowed keys and the binder are
/// the same table, so a key cannot be allowed without being read, nor read without being allowed. Keys Prometheus
/// accepts that mlobs does not act on are added without a binder and reported as warnings with their place.
/// </summary>
/// <param name="warningPrefix">How a warning names an unused key: its path prefix, such as "global." or "tls_config.".</param>
public sealed class KeyTable<T>(string warningPrefix = "") : IEnumerable<string>
{
    private readonly Dictionary<string, Func<YamlNodeReader, YamlNode, YamlNode, T, T>> _read = new(StringComparer.Ordinal);
    private readonly List<string> _unused = [];
    private string[] _allowed = [];

    /// <summary>A key and how its value is read into the record.</summary>
    public void Add(string key, Func<YamlNodeReader, YamlNode, T, T> read) => _read.Add(key, (r, _, value, record) => read(r, value, record));

    /// <summary>A key read with its own node too, for errors that point at the key (a feature mlobs refuses).</summary>
    public void Add(string key, Func<YamlNodeReader, YamlNode, YamlNode, T, T> readWithKey) => _read.Add(key, readWithKey);

    /// <summary>Keys accepted and warned about ("accepted but not used by mlobs").</summary>
    public void Add(params string[] unused) => _unused.AddRange(unused);

    /// <summary>Reads a mapping into <paramref name="record"/>: each key by its binder, unknown and repeated keys are errors.</summary>
    public T Read(YamlNodeReader r, YamlNode node, string what, T record)
    {
        if (_allowed.Length == 0) _allowed = [.. _read.Keys, .. _unused];
        foreach (var (key, keyNode, value) in r.Entries(r.Mapping(node, what), what, _allowed))
        {
            if (_read.TryGetValue(key, out var read)) record = read(r, keyNode, value, record);
            else r.Unused(keyNode, warningPrefix + key);
        }
        return record;
    }

    public IEnumerator<string> GetEnumerator() => _read.Keys.Concat(_unused).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
