using System.CommandLine;
using Mlobs.Appliance.Dashboards;
using Mlobs.WebUi.Dashboards;

namespace Mlobs.Appliance.Cli;

/// <summary>
/// <c>mlobs check dashboard FILE... [--server URL | --data DIR]</c>: validates Grafana dashboards as CI would —
/// JSON, every panel expression after variable substitution, and with a store every query's result.
/// </summary>
public static class CheckDashboardCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE") { Description = "Grafana dashboard JSON files", Arity = ArgumentArity.OneOrMore };
        var server = new Option<string?>("--server") { Description = "also run every query against this mlobs (or Prometheus) URL" };
        var data = new Option<string?>("--data") { Description = "also run every query over this data dir (no server may be running on it)" };
        var from = new Option<string>("--from") { Description = "start of the checked range: " + CommandLine.TimeForms, DefaultValueFactory = _ => "now-1h" };
        var to = new Option<string>("--to") { Description = "end of the checked range: " + CommandLine.TimeForms, DefaultValueFactory = _ => "now" };
        var allowEmpty = new Option<bool>("--allow-empty") { Description = "report panels without data but do not fail on them" };
        var cmd = new Command("dashboard", "Check Grafana dashboards: JSON, every panel query, and (with a store) their results")
        {
            files, server, data, from, to, allowEmpty,
        };
        cmd.SetAction(async (parse, ct) => await RunAsync(parse.GetValue(files)!, parse.GetValue(server), parse.GetValue(data),
            parse.GetValue(from)!, parse.GetValue(to)!, parse.GetValue(allowEmpty), ct));
        return cmd;
    }

    private static async Task<int> RunAsync(string[] files, string? server, string? dataDir, string fromText, string toText, bool allowEmpty, CancellationToken ct)
    {
        if (server is not null && dataDir is not null)
        {
            Console.Error.WriteLine("use either --server or --data, not both");
            return ExitCodes.Usage;
        }
        var now = DateTimeOffset.UtcNow;
        if (!GrafanaTime.TryParseTime(fromText, now, out var from) || !GrafanaTime.TryParseTime(toText, now, out var to) || to < from)
        {
            Console.Error.WriteLine($"invalid time range --from {fromText} --to {toText}");
            return ExitCodes.Usage;
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        LocalDashboardDataSource? local = null;
        try
        {
            if (dataDir is not null) local = LocalDashboardDataSource.Open(dataDir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or Microsoft.Data.Sqlite.SqliteException)
        {
            Console.Error.WriteLine($"{dataDir}: {ex.Message}");
            return ExitCodes.Failure;
        }
        IDashboardDataSource? source = local is not null ? local : server is null ? null : new HttpDashboardDataSource(http, server);
        try
        {
            int exit = ExitCodes.Ok;
            foreach (var file in files)
            {
                Console.WriteLine($"Checking {file}");
                Dashboard dashboard;
                try
                {
                    dashboard = DashboardParser.Parse(await File.ReadAllTextAsync(file, ct), file);
                }
                catch (Exception ex) when (ex is DashboardFormatException or IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"  FAILED: {(ex is DashboardFormatException ? ex.Message : $"{file}: {ex.Message}")}");
                    exit = ExitCodes.Failure;
                    continue;
                }
                DashboardCheck check;
                try
                {
                    check = await DashboardChecker.CheckAsync(dashboard, source, from, to, ct);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or DataSourceException)
                {
                    Console.Error.WriteLine($"  FAILED: {server}: {ex.Message}");
                    exit = ExitCodes.Failure;
                    continue;
                }
                foreach (var p in check.Problems) Console.WriteLine($"  {p}");
                int errors = check.Problems.Count(p => p.Kind == ProblemKind.Error), empty = check.Problems.Count - errors;
                bool failed = errors > 0 || (empty > 0 && !allowEmpty);
                string ran = source is null ? "parsed" : "ran";
                Console.WriteLine($"  {(failed ? "FAILED" : "SUCCESS")}: \"{dashboard.Title}\" (uid {dashboard.Uid}): {check.Panels} panels, {check.Queries} queries {ran}, {errors} errors{(source is null ? "" : $", {empty} without data")}");
                if (failed) exit = ExitCodes.Failure;
            }
            return exit;
        }
        finally
        {
            local?.Dispose();
        }
    }
}
