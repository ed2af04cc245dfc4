namespace Mlobs.Config;

/// <summary>
/// Expands a config file pattern as Prometheus does for rule_files and file_sd_configs: relative to the config
/// file's directory, with glob characters allowed in the last path element only.
/// </summary>
public static class FilePatterns
{
    public static IEnumerable<string> Expand(string baseDirectory, string pattern)
    {
        var full = Path.IsPathRooted(pattern) ? pattern : Path.Combine(baseDirectory, pattern);
        var dir = Path.GetDirectoryName(full) ?? ".";
        var name = Path.GetFileName(full);
        if (!Directory.Exists(dir)) return [];
        if (name.IndexOfAny(['*', '?', '[']) < 0) return File.Exists(full) ? [full] : [];
        return Directory.GetFiles(dir, name).Order(StringComparer.Ordinal);
    }
}
