using Mlobs.Config;
using Mlobs.Config.Yaml;
using Serilog;

namespace Mlobs.Ingest.Scrape;

/// <summary>
/// file_sd_configs: reads target groups from JSON or YAML files (globs allowed in the file name), adds
/// <c>__meta_filepath</c>, and re-reads when a file changes, appears or disappears (checked every few seconds,
/// and at least every refresh_interval). A file that fails to parse keeps its previous targets.
/// </summary>
public sealed class FileSdDiscoverer(FileSdConfig config, string baseDirectory)
{
    private readonly Dictionary<string, (DateTime Mtime, List<(string, IReadOnlyDictionary<string, string>)> Groups)> _files = new();
    private DateTime _lastFull = DateTime.MinValue;

    public static TimeSpan PollInterval(FileSdConfig c) => c.RefreshInterval < TimeSpan.FromSeconds(5) ? c.RefreshInterval : TimeSpan.FromSeconds(5);

    /// <summary>Re-reads changed files; returns true if the discovered targets may have changed.</summary>
    public bool Refresh()
    {
        bool full = DateTime.UtcNow - _lastFull >= config.RefreshInterval;
        if (full) _lastFull = DateTime.UtcNow;
        var current = ListFiles();
        bool changed = false;
        foreach (var gone in _files.Keys.Except(current).ToList())
        {
            _files.Remove(gone);
            changed = true;
        }
        foreach (var file in current)
        {
            DateTime mtime;
            try { mtime = File.GetLastWriteTimeUtc(file); } catch (IOException) { continue; }
            if (!full && _files.TryGetValue(file, out var known) && known.Mtime == mtime) continue;
            try
            {
                var groups = Parse(file, File.ReadAllText(file));
                _files[file] = (mtime, groups);
                changed = true;
            }
            catch (Exception ex) when (ex is ConfigException or IOException)
            {
                Log.Error("file_sd: {Error}", ex.Message);
                if (_files.TryGetValue(file, out var old)) _files[file] = (mtime, old.Groups);
            }
        }
        return changed;
    }

    public IEnumerable<(string Address, IReadOnlyDictionary<string, string> Labels)> Targets =>
        _files.OrderBy(f => f.Key, StringComparer.Ordinal).SelectMany(f => f.Value.Groups);

    private List<string> ListFiles() => config.Files.SelectMany(p => FilePatterns.Expand(baseDirectory, p)).ToList();

    /// <summary>Parses a target-group file: a list of {targets: [...], labels: {...}} (JSON is read as YAML).</summary>
    public static List<(string, IReadOnlyDictionary<string, string>)> Parse(string file, string text)
    {
        var r = new YamlNodeReader(file);
        var result = new List<(string, IReadOnlyDictionary<string, string>)>();
        if (r.LoadDocument(text) is not { } doc) return result;
        foreach (var node in r.Sequence(doc, "target groups").Children)
        {
            var sc = ConfigLoader.ReadStaticConfig(r, node);
            var labels = new Dictionary<string, string>(sc.Labels) { ["__meta_filepath"] = file };
            foreach (var t in sc.Targets) result.Add((t, labels));
        }
        return result;
    }
}
