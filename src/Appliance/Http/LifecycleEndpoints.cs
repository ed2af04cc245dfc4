using Prometheus;

namespace Mlobs.Appliance.Http;

/// <summary>/-/healthy, /-/ready, /-/reload and the binary's own /metrics.</summary>
public static class LifecycleEndpoints
{
    private static IResult Ready(ILifecycle lifecycle) =>
        lifecycle.IsReady ? Results.Text("mlobs is Ready.\n") : Results.Text("Service Unavailable", statusCode: 503);

    private static async Task<IResult> ReloadAsync(ILifecycle lifecycle)
    {
        if (!lifecycle.IsReady) return Results.Text("Service Unavailable", statusCode: 503);
        var error = await lifecycle.ReloadAsync().ConfigureAwait(false);
        return error is null ? Results.Ok() : Results.Text("failed to reload config: " + error + "\n", statusCode: 500);
    }

    public static void Map(IEndpointRouteBuilder app, ILifecycle lifecycle)
    {
        app.MapMethods("/-/healthy", ["GET", "HEAD"], () => Results.Text("mlobs is Healthy.\n"));
        app.MapMethods("/-/ready", ["GET", "HEAD"], () => Ready(lifecycle));
        app.MapMethods("/-/reload", ["POST", "PUT"], () => ReloadAsync(lifecycle));
        // As Prometheus (web.go): a GET is told which methods reload, rather than falling through to the UI.
        app.MapGet("/-/reload", () => Results.Text("Only POST or PUT requests allowed", statusCode: 405));
        app.MapGet("/metrics", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(ctx.Response.Body, ctx.RequestAborted).ConfigureAwait(false);
        });
    }
}
