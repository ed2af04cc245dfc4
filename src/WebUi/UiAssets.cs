using System.Collections.Frozen;
using System.Reflection;

namespace Mlobs.WebUi;

/// <summary>
/// The web UI's static files, compiled into the binary as embedded resources so the appliance ships as one
/// file. Looked up by URL path; content types come from the extension.
/// </summary>
public static class UiAssets
{
    private static readonly FrozenDictionary<string, UiAsset> Assets = Load();

    private static FrozenDictionary<string, UiAsset> Load()
    {
        var asm = typeof(UiAssets).Assembly;
        var result = new Dictionary<string, UiAsset>(StringComparer.Ordinal);
        foreach (var name in asm.GetManifestResourceNames())
        {
            if (!name.StartsWith("wwwroot/", StringComparison.Ordinal)) continue;
            using var s = asm.GetManifestResourceStream(name)!;
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            var path = "/" + name["wwwroot/".Length..].Replace('\\', '/');
            result[path] = new UiAsset(ms.ToArray(), ContentType(path));
        }
        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The asset for a URL path; "/" and unknown page routes of the single-page app map to index.html.</summary>
    public static UiAsset? Find(string path)
    {
        if (path is "" or "/") path = "/index.html";
        if (Assets.TryGetValue(path, out var asset)) return asset;
        // Page routes (/graph, /d/<uid>/<slug>) are the single-page app's; missing files stay 404s.
        bool isPage = !Path.HasExtension(path) && !path.StartsWith("/api/", StringComparison.Ordinal);
        return isPage ? Assets.GetValueOrDefault("/index.html") : null;
    }

    public static IEnumerable<string> Paths => Assets.Keys;

    private static string ContentType(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".json" => "application/json",
        ".png" => "image/png",
        ".txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
}

public sealed record UiAsset(byte[] Content, string ContentType);
