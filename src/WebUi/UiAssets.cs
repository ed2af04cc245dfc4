using System.Collections.Frozen;
using System.Reflection;

namespace Mlobs.WebUi;

/// <summary>
/// The web UI's static files, compiled into the binary as embedded resources so the appliance ships as one
/// file. Looked up by URL path; content types come from the extension.
/// </summary>
public static partial class UiAssets
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
        Bundle(result);
        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// The body's scripts (index.html lists them, one file per idea) served as one file, /js/bundle.js, in their
    /// order, and index.html served with one script tag for them: one request instead of two dozen on every page
    /// load (bench/ui measured it). The head's scripts (the theme, applied before anything is drawn) stay apart.
    /// </summary>
    private static void Bundle(Dictionary<string, UiAsset> assets)
    {
        if (!assets.TryGetValue("/index.html", out var page)) return;
        var html = System.Text.Encoding.UTF8.GetString(page.Content);
        int body = html.IndexOf("<body>", StringComparison.Ordinal);
        if (body < 0) return;
        var tags = ScriptTag().Matches(html, body).Where(m => assets.ContainsKey(m.Groups[1].Value)).ToList();
        if (tags.Count == 0) return;
        var bundle = new System.Text.StringBuilder("\"use strict\";\n");
        foreach (var m in tags)
            bundle.Append("// ").Append(m.Groups[1].Value).Append('\n').Append(System.Text.Encoding.UTF8.GetString(assets[m.Groups[1].Value].Content)).Append("\n;\n");
        assets["/js/bundle.js"] = new UiAsset(System.Text.Encoding.UTF8.GetBytes(bundle.ToString()), ContentType("/js/bundle.js"));
        var served = new System.Text.StringBuilder(html[..tags[0].Index]).Append("<script src=\"/js/bundle.js\"></script>");
        for (int i = 0; i < tags.Count; i++)
        {
            int from = tags[i].Index + tags[i].Length, to = i + 1 < tags.Count ? tags[i + 1].Index : html.Length;
            // What lies between two script tags is whitespace; after the last one, the rest of the page.
            served.Append(i + 1 < tags.Count ? html[from..to].Trim() : html[from..to]);
        }
        assets["/index.html"] = new UiAsset(System.Text.Encoding.UTF8.GetBytes(served.ToString()), page.ContentType);
    }

    [System.Text.RegularExpressions.GeneratedRegex("<script src=\"([^\"]+)\"></script>")]
    private static partial System.Text.RegularExpressions.Regex ScriptTag();

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
