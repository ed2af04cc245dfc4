namespace Mlobs.WebUi.Dashboards;

/// <summary>
/// A dashboard the library serves: the model, its JSON (the dashboard object itself), where it came from, and its
/// folder (the sub-folder of the dashboards dir it was found in, "a/b" for nested ones; null at the top: General).
/// </summary>
public sealed record LoadedDashboard(Dashboard Model, string Json, string Source, string? Path, string? Folder = null);

/// <summary>Import refused because a dashboard with the uid exists and overwrite was not asked for (Grafana's 412).</summary>
public sealed class DashboardExistsException(string message) : Exception(message);

/// <summary>
/// The dashboards mlobs serves, by uid: those shipped inside the binary, then a folder of Grafana JSON files
/// (config/dashboards by default), then imports (kept in the data dir) — a later source replaces an earlier one
/// with the same uid. Files are re-read when they change, so editing a dashboard needs no restart; a file that
/// does not load is skipped and reported in <see cref="Problems"/>.
/// </summary>
public sealed class DashboardLibrary(string? folder, string importDir)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (DateTime Modified, long Size, LoadedDashboard? Loaded, string? Error)> _files = new(StringComparer.Ordinal);
    private static readonly Lazy<IReadOnlyList<LoadedDashboard>> Embedded = new(LoadEmbedded);

    public string? Folder => folder;
    public string ImportDir => importDir;

    /// <summary>Every dashboard, sorted by title.</summary>
    public IReadOnlyList<LoadedDashboard> All()
    {
        var byUid = new Dictionary<string, LoadedDashboard>(StringComparer.Ordinal);
        foreach (var d in Embedded.Value) byUid[d.Model.Uid] = d;
        foreach (var d in Scan(folder, "file", recursive: true)) byUid[d.Model.Uid] = d;
        foreach (var d in Scan(importDir, "imported", recursive: false)) byUid[d.Model.Uid] = d;
        return byUid.Values.OrderBy(d => d.Model.Title, StringComparer.OrdinalIgnoreCase).ToList();
    }

    public LoadedDashboard? Find(string uid) => All().FirstOrDefault(d => d.Model.Uid == uid);

    /// <summary>Files that did not load, with why.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_lock) return _files.Values.Where(f => f.Error is not null).Select(f => f.Error!).ToList();
        }
    }

    /// <summary>Adds (or with <paramref name="overwrite"/> replaces) a dashboard from JSON, bare or wrapped; kept in the import dir.</summary>
    public LoadedDashboard Import(string json, bool overwrite)
    {
        var (model, inner) = DashboardParser.Load(json, "import", fallbackUid: null);
        // The uid goes into the kept JSON, so the dashboard keeps it however it was derived.
        var node = System.Text.Json.Nodes.JsonNode.Parse(inner)!.AsObject();
        node["uid"] = model.Uid;
        using (var buffer = new MemoryStream())
        {
            using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, Mlobs.Model.Strconv.GoJsonEncoder.WriterOptions)) node.WriteTo(writer);
            inner = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }
        if (!overwrite && Find(model.Uid) is { } existing)
            throw new DashboardExistsException($"A dashboard with the same uid already exists ({existing.Model.Title}, {existing.Source})");
        Directory.CreateDirectory(importDir);
        var path = System.IO.Path.Combine(importDir, model.Uid + ".json");
        var temp = path + ".tmp";
        File.WriteAllText(temp, inner);
        File.Move(temp, path, overwrite: true);
        return new LoadedDashboard(model, inner, "imported", path);
    }

    /// <summary>The folders dashboards were found in (sub-folders of the dashboards dir), sorted.</summary>
    public IReadOnlyList<string> Folders() =>
        All().Select(d => d.Folder).Where(f => f is not null).Select(f => f!).Distinct(StringComparer.Ordinal).Order(StringComparer.OrdinalIgnoreCase).ToList();

    private IEnumerable<LoadedDashboard> Scan(string? dir, string source, bool recursive)
    {
        if (dir is null || !Directory.Exists(dir)) return [];
        var result = new List<LoadedDashboard>();
        // Sub-folders are Grafana's folders (as a provisioning provider with foldersFromFilesStructure); hidden ones are skipped.
        var files = recursive
            ? Directory.EnumerateFiles(dir, "*.json", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden, IgnoreInaccessible = true })
            : Directory.EnumerateFiles(dir, "*.json");
        foreach (var path in files.Order(StringComparer.Ordinal))
        {
            FileInfo info;
            try { info = new FileInfo(path); } catch (IOException) { continue; }
            lock (_lock)
            {
                if (!_files.TryGetValue(path, out var cached) || cached.Modified != info.LastWriteTimeUtc || cached.Size != info.Length)
                {
                    cached = Load(path, info, source);
                    _files[path] = cached;
                }
                if (cached.Loaded is not null)
                {
                    var relative = System.IO.Path.GetDirectoryName(System.IO.Path.GetRelativePath(dir, path));
                    result.Add(string.IsNullOrEmpty(relative) ? cached.Loaded : cached.Loaded with { Folder = relative.Replace('\\', '/') });
                }
            }
        }
        return result;
    }

    private static (DateTime, long, LoadedDashboard?, string?) Load(string path, FileInfo info, string source)
    {
        try
        {
            var (model, inner) = DashboardParser.Load(File.ReadAllText(path), path);
            return (info.LastWriteTimeUtc, info.Length, new LoadedDashboard(model, inner, source, path), null);
        }
        catch (Exception ex) when (ex is DashboardFormatException or IOException or UnauthorizedAccessException)
        {
            return (info.LastWriteTimeUtc, info.Length, null, ex is DashboardFormatException ? ex.Message : $"{path}: {ex.Message}");
        }
    }

    /// <summary>The dashboards shipped in the binary (config/dashboards at build time).</summary>
    private static IReadOnlyList<LoadedDashboard> LoadEmbedded()
    {
        var asm = typeof(DashboardLibrary).Assembly;
        var result = new List<LoadedDashboard>();
        foreach (var name in asm.GetManifestResourceNames().Where(n => n.StartsWith("dashboards/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = asm.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var (model, inner) = DashboardParser.Load(reader.ReadToEnd(), name);
            result.Add(new LoadedDashboard(model, inner, "embedded", null));
        }
        return result;
    }
}
