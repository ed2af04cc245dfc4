using System.Text;
using Mlobs.WebUi;

namespace Mlobs.Appliance.Http;

/// <summary>Serves the embedded UI files from <see cref="UiAssets"/>.</summary>
public static partial class UiEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Serve("/"));
        // Lowest route priority: every API route wins over this catch-all.
        app.MapGet("/{**path}", (string path) => Serve("/" + path));
    }

    private static IResult Serve(string path)
    {
        if (UiAssets.Find(path) is not { } asset) return Results.NotFound();
        return DashboardPreloads(path) is { } links
            ? Results.Bytes(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(asset.Content).Replace("</head>", links + "</head>", StringComparison.Ordinal)), asset.ContentType)
            : Results.Bytes(asset.Content, asset.ContentType);
    }

    /// <summary>
    /// A dashboard's page asks for the dashboard's JSON and the datasource settings before it can query anything;
    /// preload links let the browser fetch both while it is still loading the page's scripts (bench/ui measured the
    /// wait). Only uids that need no escaping, so the URL is the one the page's fetch asks for.
    /// </summary>
    private static string? DashboardPreloads(string path)
    {
        var m = DashboardPath().Match(path);
        if (!m.Success) return null;
        return $"<link rel=\"preload\" href=\"/api/dashboards/uid/{m.Groups[1].Value}\" as=\"fetch\" crossorigin=\"anonymous\">" +
               "<link rel=\"preload\" href=\"/api/datasources\" as=\"fetch\" crossorigin=\"anonymous\">\n";
    }

    [System.Text.RegularExpressions.GeneratedRegex("^/d/([A-Za-z0-9._~-]+)(?:/[^/]*)?$")]
    private static partial System.Text.RegularExpressions.Regex DashboardPath();
}
