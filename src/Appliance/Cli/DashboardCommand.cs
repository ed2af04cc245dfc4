using System.CommandLine;
using System.Text;
using System.Text.Json;
using Mlobs.WebUi.Dashboards;

namespace Mlobs.Appliance.Cli;

/// <summary><c>mlobs dashboard import FILE...</c>: adds Grafana dashboards to a running mlobs through its Grafana-style API.</summary>
public static class DashboardCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE") { Description = "Grafana dashboard JSON files (bare or {\"dashboard\": ...})", Arity = ArgumentArity.OneOrMore };
        var server = new Option<string>("--server") { Description = "mlobs base URL", DefaultValueFactory = _ => "http://127.0.0.1:9090" };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace a dashboard with the same uid" };
        var import = new Command("import", "Import Grafana dashboards into a running mlobs (kept in its data dir)") { files, server, overwrite };
        import.SetAction(async (parse, ct) => await ImportAsync(parse.GetValue(files)!, parse.GetValue(server)!, parse.GetValue(overwrite), ct));
        return new Command("dashboard", "Manage the dashboards mlobs serves") { import };
    }

    private static async Task<int> ImportAsync(string[] files, string server, bool overwrite, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
        var baseUrl = server.TrimEnd('/');
        int exit = ExitCodes.Ok;
        foreach (var file in files)
        {
            try
            {
                var text = await File.ReadAllTextAsync(file, ct);
                // Validated here first, so errors name the file and position.
                DashboardParser.Parse(text, file);
                string dashboard;
                using (var doc = JsonDocument.Parse(text))
                    dashboard = DashboardParser.Unwrap(doc.RootElement, file).GetRawText();
                var body = $"{{\"dashboard\":{dashboard},\"overwrite\":{(overwrite ? "true" : "false")}}}";
                using var response = await http.PostAsync(baseUrl + "/api/dashboards/db", new StringContent(body, Encoding.UTF8, "application/json"), ct);
                var answer = await response.Content.ReadAsStringAsync(ct);
                using var result = JsonDocument.Parse(answer);
                if (!response.IsSuccessStatusCode)
                {
                    var message = result.RootElement.TryGetProperty("message", out var m) ? m.GetString() : answer;
                    Console.Error.WriteLine($"{file}: {message}");
                    exit = ExitCodes.Failure;
                    continue;
                }
                Console.WriteLine($"{file}: imported \"{result.RootElement.GetProperty("title").GetString()}\" as {baseUrl}{result.RootElement.GetProperty("url").GetString()}");
            }
            catch (DashboardFormatException ex)
            {
                Console.Error.WriteLine(ex.Message);
                exit = ExitCodes.Failure;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException or TaskCanceledException or JsonException)
            {
                Console.Error.WriteLine($"{file}: {ex.Message}");
                exit = ExitCodes.Failure;
            }
        }
        return exit;
    }
}
