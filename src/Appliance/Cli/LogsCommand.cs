using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Mlobs.Query.LogQl;
using Mlobs.WebUi.Dashboards;

namespace Mlobs.Appliance.Cli;

/// <summary>
/// <c>mlobs logs QUERY [--since 1h] [--limit N] [--server URL]</c>: a LogQL log query against a running mlobs,
/// printed newest first as logcli prints it: time, stream labels, line.
/// </summary>
public static class LogsCommand
{
    public static Command Create()
    {
        var query = new Argument<string>("QUERY") { Description = "a LogQL query, e.g. {service=\"api\"} |= \"timeout\"" };
        var since = new Option<string>("--since") { Description = "how far back to look (e.g. 15m, 1h, 2d)", DefaultValueFactory = _ => "1h" };
        var limit = new Option<int>("--limit") { Description = "at most this many lines", DefaultValueFactory = _ => 100 };
        var server = new Option<string>("--server") { Description = "mlobs base URL", DefaultValueFactory = _ => "http://127.0.0.1:9090" };
        var cmd = new Command("logs", "Search logs with a LogQL log query (selector, line filters, parsers, label filters)") { query, since, limit, server };
        cmd.SetAction(async (parse, ct) => await RunAsync(parse.GetValue(query)!, parse.GetValue(since)!, parse.GetValue(limit), parse.GetValue(server)!, ct));
        return cmd;
    }

    private static async Task<int> RunAsync(string query, string since, int limit, string server, CancellationToken ct)
    {
        try
        {
            LogQlParser.Parse(query);
        }
        catch (LogQlParseException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return ExitCodes.Usage;
        }
        if (!GrafanaTime.TryParseDuration(since, out var back) || back <= TimeSpan.Zero)
        {
            Console.Error.WriteLine($"invalid --since {since}: use a duration such as 15m, 1h or 2d");
            return ExitCodes.Usage;
        }
        var end = DateTimeOffset.UtcNow;
        var start = end - back;
        string Ns(DateTimeOffset t) => (t.ToUnixTimeMilliseconds() * 1_000_000).ToString(CultureInfo.InvariantCulture);
        var url = $"{server.TrimEnd('/')}/loki/api/v1/query_range?query={Uri.EscapeDataString(query)}&start={Ns(start)}&end={Ns(end)}&limit={limit}&direction=backward";
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
        try
        {
            var body = await http.GetStringAsync(url, ct);
            using var doc = JsonDocument.Parse(body);
            var lines = new List<(long Ns, string Labels, string Line)>();
            foreach (var stream in doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
            {
                var labels = "{" + string.Join(", ", stream.GetProperty("stream").EnumerateObject().Select(p => $"{p.Name}=\"{p.Value.GetString()}\"")) + "}";
                foreach (var v in stream.GetProperty("values").EnumerateArray())
                    lines.Add((long.Parse(v[0].GetString()!, CultureInfo.InvariantCulture), labels, v[1].GetString() ?? ""));
            }
            foreach (var (ns, labels, line) in lines.OrderByDescending(l => l.Ns))
                Console.WriteLine($"{DateTimeOffset.FromUnixTimeMilliseconds(ns / 1_000_000).UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ} {labels} {line}");
            return ExitCodes.Ok;
        }
        catch (HttpRequestException ex) when (ex.StatusCode is not null)
        {
            Console.Error.WriteLine($"{server}: {(int)ex.StatusCode} {ex.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"{server}: {ex.Message}");
            return ExitCodes.Failure;
        }
    }
}
