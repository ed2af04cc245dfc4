using Prometheus;

namespace Mlobs.Appliance.Http;

/// <summary>/-/healthy, /-/ready, /-/reload and the binary's own /metrics.</summary>
public static class LifecycleEndpoints
{
    private static IResult Ready(ReadinessGate gate) =>
        gate.IsReady ? Results.Text("mlobs is Ready.\n") : Results.Text("Service Unavailable", statusCode: 503);

    private static async Task<IResult> ReloadAsync(ReadinessGate gate)
    {
        if (!gate.IsReady) return Results.Text("Service Unavailable", statusCode: 503);
        var error = await gate.Runtime.ReloadAsync().ConfigureAwait(false);
        return error is null ? Results.Ok() : Results.Text("failed to reload config: " + error + "\n", statusCode: 500);
    }

    public static void Map(IEndpointRouteBuilder app, ReadinessGate gate)
    {
        app.MapMethods("/-/healthy", ["GET", "HEAD"], () => Results.Text("mlobs is Healthy.\n"));
        app.MapMethods("/-/ready", ["GET", "HEAD"], () => Ready(gate));
        app.MapMethods("/-/reload", ["POST", "PUT"], () => ReloadAsync(gate));
        app.MapGet("/metrics", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(ctx.Response.Body, ctx.RequestAborted).ConfigureAwait(false);
        });
    }
}
