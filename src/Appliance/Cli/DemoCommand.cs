using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Mlobs.Appliance.Demo;

namespace Mlobs.Appliance.Cli;

/// <summary>
/// <c>mlobs demo</c>: serves as <c>serve</c> does, on the starter kit <c>mlobs init</c> writes, and runs a synthetic
/// but realistic ML estate in process (<see cref="DemoTargets"/>, <see cref="DemoEstate"/>), so every shipped dashboard
/// shows data and shipped alerts fire (DataSourceStale) and fire and resolve (FeatureStoreDown) in the first three minutes.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "data directory (the demo's config is written into it too)", DefaultValueFactory = _ => "mlobs-demo-data" };
        var listen = new Option<string>("--listen") { Description = "HOST:PORT to serve HTTP on", DefaultValueFactory = _ => "127.0.0.1:9090" };
        var cmd = new Command("demo", "Serve a live synthetic ML estate (model servers, training DAG, dbt freshness, Airflow, logs) for demos and first contact") { data, listen };
        cmd.SetAction((parse, ct) => RunAsync(parse.GetValue(data)!, parse.GetValue(listen)!, ct));
        return cmd;
    }

    private static async Task<int> RunAsync(string data, string listen, CancellationToken ct)
    {
        var dataDir = Path.GetFullPath(data);
        var configDir = Path.Combine(dataDir, "demo-config");
        if (InitCommand.WriteStarter(configDir, force: true, Console.Error) is null) return ExitCodes.Failure;
        using var targets = new DemoTargets();
        int statsdPort;
        using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))) statsdPort = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        string template;
        using (var stream = typeof(DemoCommand).Assembly.GetManifestResourceStream("demo/mlobs.yml")!)
        using (var reader = new StreamReader(stream)) template = await reader.ReadToEndAsync(ct);
        var config = Path.Combine(configDir, "mlobs.yml");
        await File.WriteAllTextAsync(config, template.Replace("{TARGETS}", $"127.0.0.1:{targets.Port}").Replace("{STATSD}", statsdPort.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct);
        Console.WriteLine($"mlobs demo: a synthetic ML estate served on http://{listen} — model servers, a feature store (down from 15 s to 2 min 45 s),");
        Console.WriteLine($"a nightly training DAG and dbt freshness (pushed), Airflow (StatsD), service logs, and input drift (fraud's amount, from 1m30s). Config in {configDir}.");
        return await ServeCommand.RunAsync(config, dataDir, listen, ct, (runtime, baseUrl) => new DemoEstate(runtime, baseUrl));
    }
}
