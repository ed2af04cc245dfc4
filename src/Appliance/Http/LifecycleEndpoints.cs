using Prometheus;

namespace Mlobs.Appliance.Http;

/// <summary>/-/healthy, /-/ready, /-/reload and the binary's own /metrics.</summary>
public static class LifecycleEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ApplianceRuntime runtime)
    {
        app.MapMethods("/-/healthy", ["GET", "HEAD"], () => Results.Text("mlobs is Healthy.\n"));
        app.MapMethods("/-/ready", ["GET", "HEAD"], () => Results.Text("mlobs is Ready.\n"));
        app.MapMethods("/-/reload", ["POST", "PUT"], async () =>
        {
            var error = await runtime.ReloadAsync().ConfigureAwait(false);
            return error is null ? Results.Ok() : Results.Text("failed to reload config: " + error + "\n", statusCode: 500);
        });
        app.MapGet("/metrics", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(ctx.Response.Body, ctx.RequestAborted).ConfigureAwait(false);
        });
    }
}
