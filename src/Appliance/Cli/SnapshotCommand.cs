using System.CommandLine;
using Mlobs.Appliance.Dashboards;
using Mlobs.WebUi.Dashboards;

namespace Mlobs.Appliance.Cli;

/// <summary>
/// <c>mlobs snapshot DASHBOARD [--server URL | --data DIR] --from T --to T --out FILE.html</c>: a dashboard (a file,
/// or a uid the server or data dir knows) rendered over a fixed range into one self-contained HTML file.
/// </summary>
public static class SnapshotCommand
{
    public static Command Create()
    {
        var dashboard = new Argument<string>("DASHBOARD") { Description = "a Grafana dashboard JSON file, or the uid of a dashboard mlobs serves" };
        var server = new Option<string?>("--server") { Description = "query this mlobs (or Prometheus) URL (default http://127.0.0.1:9090)" };
        var data = new Option<string?>("--data") { Description = "query this data dir directly instead (no server may be running on it)" };
        var from = new Option<string?>("--from") { Description = "start: " + CommandLine.TimeForms + " (default: the dashboard's own range)" };
        var to = new Option<string?>("--to") { Description = "end: " + CommandLine.TimeForms + " (default: the dashboard's own range)" };
        var output = new Option<string>("--out") { Description = "the HTML file to write", Required = true };
        var cmd = new Command("snapshot", "Write a dashboard with its data as one self-contained HTML file (no network needed to view it)")
        {
            dashboard, server, data, from, to, output,
        };
        cmd.SetAction(async (parse, ct) => await RunAsync(parse.GetValue(dashboard)!, parse.GetValue(server), parse.GetValue(data),
            parse.GetValue(from), parse.GetValue(to), parse.GetValue(output)!, ct));
        return cmd;
    }

    private static async Task<int> RunAsync(string which, string? server, string? dataDir, string? fromText, string? toText, string output, CancellationToken ct)
    {
        if (server is not null && dataDir is not null)
        {
            Console.Error.WriteLine("use either --server or --data, not both");
            return ExitCodes.Usage;
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        LocalDashboardDataSource? local = null;
        try
        {
            DashboardLibrary? library = null;
            string baseUrl = (server ?? "http://127.0.0.1:9090").TrimEnd('/');
            if (dataDir is not null)
            {
                local = LocalDashboardDataSource.Open(dataDir);
                library = new DashboardLibrary(Path.GetFullPath(Path.Combine("config", "dashboards")), Path.Combine(Path.GetFullPath(dataDir), "dashboards"));
            }
            IDashboardDataSource source = local is not null ? local : new HttpDashboardDataSource(http, baseUrl);

            LoadedDashboard dashboard;
            if (File.Exists(which))
            {
                var (model, json) = DashboardParser.Load(await File.ReadAllTextAsync(which, ct), which);
                dashboard = new LoadedDashboard(model, json, "file", which);
            }
            else if (library is not null)
            {
                dashboard = library.Find(which) ?? throw new DashboardFormatException($"{which}: no such file, and no dashboard with that uid in {dataDir} or the built-in ones");
            }
            else
            {
                using var response = await http.GetAsync($"{baseUrl}/api/dashboards/uid/{Uri.EscapeDataString(which)}", ct);
                if (!response.IsSuccessStatusCode) throw new DashboardFormatException($"{which}: no such file, and {baseUrl} has no dashboard with that uid ({(int)response.StatusCode})");
                var (model, json) = DashboardParser.Load(await response.Content.ReadAsStringAsync(ct), which);
                dashboard = new LoadedDashboard(model, json, "server", null);
            }

            var now = DateTimeOffset.UtcNow;
            if (!GrafanaTime.TryParseTime(fromText ?? dashboard.Model.TimeFrom, now, out var from) || !GrafanaTime.TryParseTime(toText ?? dashboard.Model.TimeTo, now, out var to) || to <= from)
            {
                Console.Error.WriteLine($"invalid time range --from {fromText ?? dashboard.Model.TimeFrom} --to {toText ?? dashboard.Model.TimeTo}");
                return ExitCodes.Usage;
            }
            var html = await DashboardSnapshot.RenderAsync(dashboard, source, from, to, ct);
            var temp = output + ".tmp";
            await File.WriteAllTextAsync(temp, html, ct);
            File.Move(temp, output, overwrite: true);
            Console.WriteLine($"wrote {output}: \"{dashboard.Model.Title}\", {dashboard.Model.DrawnPanels.Count()} panels, {from:u} to {to:u} ({html.Length / 1024} KiB)");
            return ExitCodes.Ok;
        }
        catch (DashboardFormatException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException or TaskCanceledException or DataSourceException or InvalidDataException or Microsoft.Data.Sqlite.SqliteException)
        {
            Console.Error.WriteLine($"snapshot failed: {ex.Message}");
            return ExitCodes.Failure;
        }
        finally
        {
            local?.Dispose();
        }
    }
}
