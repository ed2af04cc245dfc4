using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Mlobs.Appliance.Http;
using Mlobs.Model;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Storage.Tsdb;

namespace Mlobs.Appliance.Cli;

/// <summary>
/// <c>mlobs query EXPR</c> and <c>mlobs query-range EXPR</c>: ask a running server's HTTP API (default
/// http://127.0.0.1:9090) or evaluate directly over a data dir that no server holds, and print a table or the
/// API's JSON. Both paths go through the same JSON, so the table shows exactly what the API returns.
/// </summary>
public static class QueryCommand
{
    public static Command CreateInstant()
    {
        var expr = new Argument<string>("EXPR") { Description = "PromQL expression" };
        var time = new Option<string>("--time") { Description = "evaluation time: " + CommandLine.TimeForms, DefaultValueFactory = _ => "now" };
        var (server, data, format) = CommonOptions();
        var cmd = new Command("query", "Run an instant PromQL query") { expr, time, server, data, format };
        cmd.SetAction(async parse =>
        {
            if (!TryTime(parse.GetValue(time)!, out long t)) return BadTime("--time", parse.GetValue(time)!);
            var args = new Dictionary<string, string> { ["query"] = parse.GetValue(expr)!, ["time"] = Seconds(t) };
            return await RunAsync("query", args, parse.GetValue(server), parse.GetValue(data), parse.GetValue(format)!,
                engine => engine.Instant(args["query"], t)).ConfigureAwait(false);
        });
        return cmd;
    }

    public static Command CreateRange()
    {
        var expr = new Argument<string>("EXPR") { Description = "PromQL expression" };
        var start = new Option<string>("--start") { Description = "range start: " + CommandLine.TimeForms, DefaultValueFactory = _ => "now-1h" };
        var end = new Option<string>("--end") { Description = "range end: " + CommandLine.TimeForms, DefaultValueFactory = _ => "now" };
        var step = new Option<string?>("--step") { Description = "resolution: a duration (15s, 1m) or seconds; default (end-start)/250, at least 1s" };
        var (server, data, format) = CommonOptions();
        var cmd = new Command("query-range", "Run a PromQL range query") { expr, start, end, step, server, data, format };
        cmd.SetAction(async parse =>
        {
            if (!TryTime(parse.GetValue(start)!, out long s)) return BadTime("--start", parse.GetValue(start)!);
            if (!TryTime(parse.GetValue(end)!, out long e)) return BadTime("--end", parse.GetValue(end)!);
            long stepMs = Math.Max(1000, (e - s) / 250 / 1000 * 1000);
            if (parse.GetValue(step) is { } stepText && !ApiParameters.TryParseDuration(stepText, out stepMs))
            {
                Console.Error.WriteLine($"invalid --step \"{stepText}\"");
                return ExitCodes.Usage;
            }
            var args = new Dictionary<string, string>
            {
                ["query"] = parse.GetValue(expr)!, ["start"] = Seconds(s), ["end"] = Seconds(e), ["step"] = Seconds(stepMs),
            };
            return await RunAsync("query_range", args, parse.GetValue(server), parse.GetValue(data), parse.GetValue(format)!,
                engine => engine.Range(args["query"], s, e, stepMs)).ConfigureAwait(false);
        });
        return cmd;
    }

    private static (Option<string?> Server, Option<string?> Data, Option<string> Format) CommonOptions() => (
        new Option<string?>("--server") { Description = "mlobs (or Prometheus) base URL to query (default http://127.0.0.1:9090)" },
        new Option<string?>("--data") { Description = "evaluate over this data dir directly instead (no server may be running on it)" },
        new Option<string>("--format") { Description = "table or json", DefaultValueFactory = _ => "table" });

    private static int BadTime(string option, string value)
    {
        Console.Error.WriteLine($"invalid {option} \"{value}\": use RFC 3339, Unix seconds, now or now-DURATION");
        return ExitCodes.Usage;
    }

    private static string Seconds(long ms) => (ms / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    internal static bool TryTime(string text, out long ms) => TimeExpression.TryParseMs(text, DateTimeOffset.UtcNow, out ms);

    private static async Task<int> RunAsync(string endpoint, Dictionary<string, string> args, string? server, string? dataDir,
        string format, Func<QueryEngine, QueryResult> local)
    {
        if (format is not ("table" or "json"))
        {
            Console.Error.WriteLine($"invalid --format \"{format}\": use table or json");
            return ExitCodes.Usage;
        }
        if (server is not null && dataDir is not null)
        {
            Console.Error.WriteLine("use either --server or --data, not both");
            return ExitCodes.Usage;
        }
        string json;
        if (dataDir is not null)
        {
            try
            {
                using var db = TsdbDatabase.Open(new TsdbOptions { Directory = Path.GetFullPath(dataDir), RetentionTime = TimeSpan.FromDays(365 * 100), CreateIfMissing = false });
                var result = local(new QueryEngine(db));
                using var ms = new MemoryStream();
                using (var w = new Utf8JsonWriter(ms, Mlobs.Model.Strconv.GoJsonEncoder.WriterOptions)) QueryResultJson.Write(w, result);
                json = Encoding.UTF8.GetString(ms.ToArray());
            }
            catch (QueryException ex)
            {
                Console.Error.WriteLine($"Error executing query: {ex.Message}");
                return ExitCodes.Failure;
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or Microsoft.Data.Sqlite.SqliteException)
            {
                Console.Error.WriteLine($"{dataDir}: {ex.Message}");
                return ExitCodes.Failure;
            }
        }
        else
        {
            var baseUrl = (server ?? "http://127.0.0.1:9090").TrimEnd('/');
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
            try
            {
                using var resp = await http.PostAsync($"{baseUrl}/api/v1/{endpoint}", new FormUrlEncodedContent(args)).ConfigureAwait(false);
                json = await resp.Content.ReadAsStringAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
            {
                Console.Error.WriteLine($"querying {baseUrl}: {ex.Message}");
                return ExitCodes.Failure;
            }
        }
        return Print(json, format);
    }

    private static int Print(string json, string format)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException)
        {
            Console.Error.WriteLine("the server did not answer with Prometheus API JSON: " + json[..Math.Min(200, json.Length)]);
            return ExitCodes.Failure;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.GetProperty("status").GetString() != "success")
            {
                Console.Error.WriteLine($"Error executing query: {root.GetProperty("error").GetString()} ({root.GetProperty("errorType").GetString()})");
                return ExitCodes.Failure;
            }
            if (format == "json")
            {
                Console.WriteLine(json);
                return ExitCodes.Ok;
            }
            Console.Write(ResultTable.Render(root.GetProperty("data")));
            if (root.TryGetProperty("warnings", out var warnings))
                foreach (var w in warnings.EnumerateArray()) Console.Error.WriteLine("warning: " + w.GetString());
            return ExitCodes.Ok;
        }
    }
}
