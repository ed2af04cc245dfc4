using System.CommandLine;
using System.Text;
using System.Text.Json;
using Mlobs.Appliance.Http;
using Mlobs.Config.Alertmanager;
using Mlobs.Model;

namespace Mlobs.Appliance.Cli;

/// <summary>
/// <c>mlobs silence add|list|expire</c>: manage the built-in router's silences through a running server's
/// Alertmanager API (as amtool does), default http://127.0.0.1:9090.
/// </summary>
public static class SilenceCommand
{
    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "mlobs base URL", DefaultValueFactory = _ => "http://127.0.0.1:9090" };

        var matchers = new Argument<string[]>("MATCHER") { Description = "label matchers: name=value, name!=value, name=~regex, name!~regex", Arity = ArgumentArity.OneOrMore };
        var duration = new Option<string>("--duration", "-d") { Description = "how long the silence lasts (e.g. 2h)", DefaultValueFactory = _ => "1h" };
        var comment = new Option<string>("--comment", "-c") { Description = "why (required)" };
        var author = new Option<string>("--author", "-a") { Description = "who (default: the user name)", DefaultValueFactory = _ => Environment.UserName };
        var add = new Command("add", "Add a silence") { matchers, duration, comment, author, server };
        add.SetAction((parse, ct) => AddAsync(parse.GetValue(server)!, parse.GetValue(matchers)!, parse.GetValue(duration)!,
            parse.GetValue(comment), parse.GetValue(author)!, ct));

        var list = new Command("list", "List silences (active and pending; --expired for the ended ones too)") { server };
        var expired = new Option<bool>("--expired") { Description = "also list expired silences" };
        list.Options.Add(expired);
        list.SetAction((parse, ct) => ListAsync(parse.GetValue(server)!, parse.GetValue(expired), ct));

        var ids = new Argument<string[]>("ID") { Description = "silence ids", Arity = ArgumentArity.OneOrMore };
        var expire = new Command("expire", "Expire silences now") { ids, server };
        expire.SetAction((parse, ct) => ExpireAsync(parse.GetValue(server)!, parse.GetValue(ids)!, ct));

        return new Command("silence", "Manage silences of the built-in router") { add, list, expire };
    }

    private static HttpClient Client() => new() { Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<int> AddAsync(string server, string[] matcherTexts, string durationText, string? comment, string author, CancellationToken ct)
    {
        if (!PromDuration.TryParse(durationText, out TimeSpan duration) || duration <= TimeSpan.Zero)
        {
            Console.Error.WriteLine($"invalid --duration \"{durationText}\"");
            return ExitCodes.Usage;
        }
        if (string.IsNullOrWhiteSpace(comment))
        {
            Console.Error.WriteLine("a comment is required: --comment \"why\"");
            return ExitCodes.Usage;
        }
        var matchers = new List<ApiMatcherJson>();
        foreach (var text in matcherTexts)
        {
            try
            {
                matchers.AddRange(AlertmanagerMatchers.Parse(text).Select(AlertmanagerApi.ToJson));
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine(e.Message);
                return ExitCodes.Usage;
            }
        }
        var now = DateTimeOffset.UtcNow;
        var body = JsonSerializer.Serialize(new PostableSilenceJson(null, matchers, now, now + duration, author, comment),
            AlertmanagerJsonContext.Default.PostableSilenceJson);
        return await Call(async http =>
        {
            using var response = await http.PostAsync(server.TrimEnd('/') + "/api/v2/silences", new StringContent(body, Encoding.UTF8, "application/json"), ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode) return Fail(response, text);
            var created = JsonSerializer.Deserialize(text, AlertmanagerJsonContext.Default.SilenceCreatedJson);
            Console.WriteLine(created?.SilenceId);
            return ExitCodes.Ok;
        });
    }

    private static async Task<int> ListAsync(string server, bool includeExpired, CancellationToken ct) =>
        await Call(async http =>
        {
            using var response = await http.GetAsync(server.TrimEnd('/') + "/api/v2/silences", ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode) return Fail(response, text);
            var silences = JsonSerializer.Deserialize(text, AlertmanagerJsonContext.Default.ListGettableSilenceJson) ?? [];
            var rows = silences.Where(s => includeExpired || s.Status.State != "expired")
                .Select(s => new[]
                {
                    s.Id, string.Join(" ", s.Matchers.Select(m => AlertmanagerMatchers.Format(AlertmanagerMatchers.FromApi(m.Name, m.Value, m.IsRegex, m.IsEqual ?? true)))),
                    s.Status.State, s.EndsAt, s.CreatedBy, s.Comment,
                }).ToList();
            string[] header = ["ID", "Matchers", "State", "Ends At", "Created By", "Comment"];
            var widths = header.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
            foreach (var r in rows.Prepend(header))
                Console.WriteLine(string.Join("  ", r.Select((c, i) => i == r.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd());
            return ExitCodes.Ok;
        });

    private static async Task<int> ExpireAsync(string server, string[] ids, CancellationToken ct) =>
        await Call(async http =>
        {
            int exit = ExitCodes.Ok;
            foreach (var id in ids)
            {
                using var response = await http.DeleteAsync(server.TrimEnd('/') + "/api/v2/silence/" + Uri.EscapeDataString(id), ct);
                if (response.IsSuccessStatusCode) continue;
                exit = Fail(response, await response.Content.ReadAsStringAsync(ct));
            }
            return exit;
        });

    private static int Fail(HttpResponseMessage response, string body)
    {
        string message = body;
        try { message = JsonSerializer.Deserialize(body, AlertmanagerJsonContext.Default.String) ?? body; }
        catch (JsonException) { }
        Console.Error.WriteLine($"{(int)response.StatusCode} {response.ReasonPhrase}: {message}");
        return ExitCodes.Failure;
    }

    private static async Task<int> Call(Func<HttpClient, Task<int>> action)
    {
        using var http = Client();
        try { return await action(http); }
        catch (HttpRequestException e)
        {
            Console.Error.WriteLine(e.Message);
            return ExitCodes.Failure;
        }
        catch (TaskCanceledException)
        {
            Console.Error.WriteLine("request timed out");
            return ExitCodes.Failure;
        }
    }
}
