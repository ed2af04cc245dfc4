using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Mlobs.Query.LogQl;
using Mlobs.WebUi.Dashboards;

namespace Mlobs.Appliance.Cli;

/// <summary>
/// <c>mlobs logs QUERY [--since 1h] [--limit N] [--follow] [--server URL]</c>: a LogQL log query against a running
/// mlobs, printed newest first as logcli prints it: time, stream labels, line. With <c>--follow</c> the last lines
/// are printed oldest first and new ones as they are stored, through Loki's tail websocket, until Ctrl-C.
/// </summary>
public static class LogsCommand
{
    public static Command Create()
    {
        var query = new Argument<string>("QUERY") { Description = "a LogQL query, e.g. {service=\"api\"} |= \"timeout\"" };
        var since = new Option<string>("--since") { Description = "how far back to look (e.g. 15m, 1h, 2d)", DefaultValueFactory = _ => "1h" };
        var limit = new Option<int>("--limit") { Description = "at most this many lines", DefaultValueFactory = _ => 100 };
        var server = new Option<string>("--server") { Description = "mlobs base URL", DefaultValueFactory = _ => "http://127.0.0.1:9090" };
        var follow = new Option<bool>("--follow", "-f") { Description = "keep printing new lines as they arrive (Loki's live tail)" };
        var cmd = new Command("logs", "Search logs with a LogQL log query (selector, line filters, parsers, label filters)") { query, since, limit, follow, server };
        cmd.SetAction(async (parse, ct) => await RunAsync(parse.GetValue(query)!, parse.GetValue(since)!, parse.GetValue(limit), parse.GetValue(follow),
            parse.GetValue(server)!, ct));
        return cmd;
    }

    private static async Task<int> RunAsync(string query, string since, int limit, bool follow, string server, CancellationToken ct)
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
        if (follow) return await FollowAsync(query, Ns(start), limit, server, ct);
        var url = $"{server.TrimEnd('/')}/loki/api/v1/query_range?query={Uri.EscapeDataString(query)}&start={Ns(start)}&end={Ns(end)}&limit={limit}&direction=backward";
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
        try
        {
            using var response = await http.GetAsync(url, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                // Loki's errors are plain text: say what the server said.
                Console.Error.WriteLine($"{server}: {(int)response.StatusCode} {body.Trim()}");
                return ExitCodes.Failure;
            }
            using var doc = JsonDocument.Parse(body);
            foreach (var (ns, labels, line) in Lines(doc.RootElement.GetProperty("data").GetProperty("result")).OrderByDescending(l => l.Ns)) Print(ns, labels, line);
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"{server}: {ex.Message}");
            return ExitCodes.Failure;
        }
    }

    private static void Print(long ns, string labels, string line) =>
        Console.WriteLine($"{DateTimeOffset.FromUnixTimeMilliseconds(ns / 1_000_000).UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ} {labels} {line}");

    /// <summary>The lines of Loki's <c>[{"stream": {...}, "values": [["ns", "line"], ...]}]</c>, with labels as logcli prints them.</summary>
    private static List<(long Ns, string Labels, string Line)> Lines(JsonElement streams)
    {
        var lines = new List<(long Ns, string Labels, string Line)>();
        foreach (var stream in streams.EnumerateArray())
        {
            var labels = "{" + string.Join(", ", stream.GetProperty("stream").EnumerateObject().Select(p => $"{p.Name}=\"{p.Value.GetString()}\"")) + "}";
            foreach (var v in stream.GetProperty("values").EnumerateArray())
                lines.Add((long.Parse(v[0].GetString()!, CultureInfo.InvariantCulture), labels, v[1].GetString() ?? ""));
        }
        return lines;
    }

    /// <summary>Prints what <c>/loki/api/v1/tail</c> sends, message by message, until the server closes or Ctrl-C.</summary>
    private static async Task<int> FollowAsync(string query, string startNs, int limit, string server, CancellationToken ct)
    {
        var baseUri = new Uri(server.TrimEnd('/') + "/");
        var ws = new UriBuilder(new Uri(baseUri, $"loki/api/v1/tail?query={Uri.EscapeDataString(query)}&start={startNs}&limit={limit}"))
        {
            Scheme = baseUri.Scheme == "https" ? "wss" : "ws",
        }.Uri;
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        // Ctrl-C or SIGTERM ends the follow as a normal exit.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        void Stop(System.Runtime.InteropServices.PosixSignalContext c) { c.Cancel = true; stop.Cancel(); }
        using var onInt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
        using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);
        ct = stop.Token;
        try
        {
            await socket.ConnectAsync(ws, ct);
            var buffer = new byte[64 * 1024];
            var message = new MemoryStream();
            while (!ct.IsCancellationRequested)
            {
                var r = await socket.ReceiveAsync(buffer, ct);
                if (r.MessageType == System.Net.WebSockets.WebSocketMessageType.Close) break;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                using var doc = JsonDocument.Parse(message.ToArray());
                message.SetLength(0);
                var lines = Lines(doc.RootElement.GetProperty("streams"));
                foreach (var (ns, labels, line) in lines.OrderBy(l => l.Ns)) Print(ns, labels, line);
                if (doc.RootElement.TryGetProperty("dropped_entries", out var dropped) && dropped.ValueKind == JsonValueKind.Array)
                    Console.Error.WriteLine($"({dropped.GetArrayLength()} lines dropped: the tail fell behind)");
            }
            return ExitCodes.Ok;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Ok; // Ctrl-C
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or HttpRequestException or JsonException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"{server}: {ex.Message}");
            return ExitCodes.Failure;
        }
    }
}
