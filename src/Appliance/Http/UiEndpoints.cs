using Mlobs.WebUi;

namespace Mlobs.Appliance.Http;

/// <summary>Serves the embedded UI files from <see cref="UiAssets"/>.</summary>
public static class UiEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Serve("/"));
        // Lowest route priority: every API route wins over this catch-all.
        app.MapGet("/{**path}", (string path) => Serve("/" + path));
    }

    private static IResult Serve(string path) =>
        UiAssets.Find(path) is { } asset ? Results.Bytes(asset.Content, asset.ContentType) : Results.NotFound();
}
