using System.CommandLine;

namespace Mlobs.Appliance.Cli;

/// <summary>The verb tree. Parse errors exit with 2 (usage); see ExitCodes.</summary>
public static class CommandLine
{
    /// <summary>What every time flag accepts (Model's TimeExpression, the same parser the APIs use).</summary>
    public const string TimeForms = "RFC 3339, Unix seconds, now, now-5m, now-1h30m or now-1d/d";

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("mlobs: one binary for ML observability — a Prometheus-compatible scraper, time-series store, PromQL, rules and alerting (Alertmanager-style routing), log tailing and LogQL, a built-in Pushgateway and StatsD receiver, HTTP APIs and a UI with Grafana dashboards")
        {
            ServeCommand.Create(),
            CheckCommand.Create(),
            TestCommand.Create(),
            SilenceCommand.Create(),
            PushCommand.Create(),
            DriftCommand.Create(),
            InitCommand.Create(),
            DemoCommand.Create(),
            ImportCommand.Create(),
            DashboardCommand.Create(),
            SnapshotCommand.Create(),
            LogsCommand.Create(),
            QueryCommand.CreateInstant(),
            QueryCommand.CreateRange(),
            VersionCommand.Create(),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine("Run 'mlobs --help' for usage.");
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync().ConfigureAwait(false);
    }
}
