using System.Net;
using Mlobs.Appliance.Telemetry;
using Serilog;

namespace Mlobs.Appliance.Http;

/// <summary>Builds the Kestrel app (slim builder): API, lifecycle endpoints, the embedded UI, request metrics.</summary>
public static class WebServer
{
    /// <param name="sources">What each API reads, as narrow interfaces.</param>
    /// <param name="pushListen">A second address serving only the Pushgateway's API (<c>push.listen</c>).</param>
    public static WebApplication Build(ApiSources sources, IPEndPoint listen, IPEndPoint? pushListen = null)
    {
        // The empty builder skips configuration files, environment providers and default logging, which the
        // slim builder spends most of its ~50 ms start-up on; we configure exactly what we use.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.AddSerilog(Log.Logger);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o =>
        {
            o.Listen(listen);
            if (pushListen is not null) o.Listen(pushListen);
            o.AddServerHeader = false;
        });
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));
        var app = builder.Build();
        app.Use(async (ctx, next) =>
        {
            try { await next(ctx).ConfigureAwait(false); }
            finally
            {
                var handler = (ctx.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "other";
                ApplianceMetrics.HttpRequests.WithLabels(handler, ctx.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
            }
        });
        if (pushListen is not null) app.Use(PushgatewayApi.OnlyPushApi(pushListen, sources.Push));
        app.UseWebSockets(); // Loki's /tail
        LifecycleEndpoints.Map(app, sources.Lifecycle);
        PrometheusApi.Map(app, sources.Targets, sources.Storage, sources.Status);
        RulesApi.Map(app, sources.Rules);
        AlertmanagerApi.Map(app, sources.Alertmanager, sources.Lifecycle, sources.Status);
        QueryApi.Map(app, sources.Engine, sources.Metadata, sources.Status);
        DataSourceQueryApi.Map(app, sources.Engine, sources.Status);
        FederateEndpoint.Map(app, sources.Storage, sources.Engine, sources.Status);
        DashboardsApi.Map(app, sources.Dashboards, sources.Status);
        LokiApi.Map(app, sources.Logs);
        PushgatewayApi.Map(app, sources.Push);
        DriftApi.Map(app, sources.Drift);
        UiEndpoints.Map(app);
        return app;
    }

    /// <summary>Parses HOST:PORT (IPv6 as [addr]:port; "localhost" means 127.0.0.1).</summary>
    public static bool TryParseListen(string text, out IPEndPoint endpoint)
    {
        endpoint = new IPEndPoint(IPAddress.Loopback, 9090);
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out int port) || port is < 0 or > 65535) return false;
        var host = text[..colon].Trim('[', ']');
        IPAddress? addr = host switch
        {
            "localhost" => IPAddress.Loopback,
            "" or "0.0.0.0" => IPAddress.Any,
            _ => IPAddress.TryParse(host, out var a) ? a : null,
        };
        if (addr is null) return false;
        endpoint = new IPEndPoint(addr, port);
        return true;
    }
}
