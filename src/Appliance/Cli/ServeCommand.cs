using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using Mlobs.Appliance.Config;
using Mlobs.Appliance.Http;
using Mlobs.Config;
using Mlobs.Config.Yaml;
using Serilog;

namespace Mlobs.Appliance.Cli;

/// <summary><c>mlobs serve</c>: open the store, start scraping, serve the API and UI until SIGINT/SIGTERM.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "prometheus.yml-style config file (default: the embedded config)" };
        var data = new Option<string?>("--data") { Description = "data directory (default: mlobs.data_dir from the config, else ./mlobs-data)" };
        var listen = new Option<string>("--listen") { Description = "HOST:PORT to serve HTTP on", DefaultValueFactory = _ => "127.0.0.1:9090" };
        var cmd = new Command("serve", "Scrape targets into the local store and serve the Prometheus API and UI") { config, data, listen };
        cmd.SetAction((parse, ct) => RunAsync(parse.GetValue(config), parse.GetValue(data), parse.GetValue(listen)!, ct));
        return cmd;
    }

    /// <summary>A process that runs beside the server once it is ready (the demo's synthetic estate), stopped before it.</summary>
    public delegate IAsyncDisposable Companion(ApplianceRuntime runtime, string baseUrl);

    internal static async Task<int> RunAsync(string? configPath, string? dataArg, string listenText, CancellationToken ct, Companion? companion = null)
    {
        var started = Stopwatch.StartNew();
        if (!WebServer.TryParseListen(listenText, out var endpoint))
        {
            Console.Error.WriteLine($"invalid --listen address \"{listenText}\": expected HOST:PORT");
            return ExitCodes.Usage;
        }
        Environment.SetEnvironmentVariable(DefaultConfig.ListenAddressVariable, FormatAddress(endpoint));
        PrometheusConfig config;
        try
        {
            config = configPath is null ? ConfigLoader.Parse(DefaultConfig.Text(), DefaultConfig.SourceName) : ConfigLoader.LoadFile(configPath);
        }
        catch (ConfigException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return ExitCodes.Failure;
        }
        IPEndPoint? pushEndpoint = null;
        if (config.Push.Listen is { } pushListen)
        {
            if (!WebServer.TryParseListen(pushListen, out var parsed))
            {
                Console.Error.WriteLine($"invalid push.listen address \"{pushListen}\": expected HOST:PORT");
                return ExitCodes.Failure;
            }
            pushEndpoint = parsed;
        }
        var dataDir = Path.GetFullPath(dataArg ?? config.Mlobs.DataDir ?? "mlobs-data");
        Directory.CreateDirectory(dataDir);
        Logging.Configure(dataDir);
        foreach (var warning in config.Warnings) Log.Warning("Config: {Warning}", warning.ToString());
        try
        {
            // The store opens (recovering its head) while Kestrel starts; /-/ready answers 503 until both are done.
            var externalUrl = $"http://{Environment.MachineName}:{endpoint.Port}"; // Prometheus's default --web.external-url
            var opening = Task.Run(() => ApplianceRuntime.Open(config, configPath, dataDir, externalUrl));
            var gate = new ReadinessGate();
            var app = WebServer.Build(new RuntimeApiSources(gate).All, endpoint, pushEndpoint);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
            ApplianceRuntime opened;
            try
            {
                await app.StartAsync(stop.Token).ConfigureAwait(false);
                opened = await opening.ConfigureAwait(false);
            }
            catch
            {
                // Either half failed (port in use, data dir locked or unreadable): undo the other half, then report.
                await app.DisposeAsync().ConfigureAwait(false);
                if (opening.IsCompletedSuccessfully) await opening.Result.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            await using var runtime = opened;
            gate.Open(runtime);
            using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => { c.Cancel = true; _ = runtime.ReloadAsync(); });
            Log.Information("mlobs {Version} listening on http://{Listen}, data in {DataDir}, ready in {Ms} ms",
                BuildInfo.Version, FormatAddress(endpoint), dataDir, started.ElapsedMilliseconds);
            if (pushEndpoint is not null) Log.Information("Pushgateway API also on http://{PushListen}", FormatAddress(pushEndpoint));
            runtime.IsDemo = companion is not null;
            await runtime.StartAsync().ConfigureAwait(false);
            var beside = companion?.Invoke(runtime, "http://" + FormatAddress(endpoint));
            try { await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
            if (beside is not null) await beside.DisposeAsync().ConfigureAwait(false);
            Log.Information("Shutting down: stopping scrapes, flushing the store");
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
        // A port in use surfaces as IOException from Kestrel; a locked or foreign data dir as IOException/InvalidDataException.
        catch (Exception ex) when (ex is IOException or InvalidDataException or Microsoft.Data.Sqlite.SqliteException or Mlobs.Rules.Evaluation.RuleLoadException
                                       or System.Security.Cryptography.CryptographicException)
        {
            Log.Fatal("{Error}", ex.Message);
            return ExitCodes.Failure;
        }
        finally
        {
            Log.Information("Stopped");
            await Log.CloseAndFlushAsync().ConfigureAwait(false);
        }
        return ExitCodes.Ok;
    }

    internal static string FormatAddress(IPEndPoint ep)
    {
        var host = ep.Address.Equals(IPAddress.Any) ? "127.0.0.1" : ep.Address.ToString();
        return ep.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]:{ep.Port}" : $"{host}:{ep.Port}";
    }
}
