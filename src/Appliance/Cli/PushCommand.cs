using System.CommandLine;
using System.Text;
using Mlobs.Ingest.Dbt;
using Mlobs.Ingest.Push;
using Mlobs.Model.Labels;

namespace Mlobs.Appliance.Cli;

/// <summary>
/// <c>mlobs push FILE --job JOB</c>: push an exposition file to a running mlobs (or any Pushgateway) from a CI step or
/// cron job, without curl or Python; <c>mlobs push dbt-freshness target/sources.json</c>: push what
/// <c>dbt source freshness</c> found. The file is checked first, so a mistake is reported with its line, not as the
/// server's 400.
/// </summary>
public static class PushCommand
{
    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "mlobs (or Pushgateway) base URL", DefaultValueFactory = _ => "http://127.0.0.1:9090" };
        var job = new Option<string>("--job") { Description = "the job label of the group", Required = true };
        var labels = new Option<string[]>("--label") { Description = "further grouping labels, name=value (repeatable)", AllowMultipleArgumentsPerToken = false };
        var method = new Option<string>("--method") { Description = "put (replace the group), post (replace the families sent) or delete", DefaultValueFactory = _ => "put" };
        method.AcceptOnlyFromAmong("put", "post", "delete");
        var file = new Argument<string?>("FILE") { Description = "text-format exposition file (- for standard input); not needed for --method delete", Arity = ArgumentArity.ZeroOrOne };
        var cmd = new Command("push", "Push metrics to mlobs's Pushgateway API (or any Pushgateway)") { file, job, labels, method, server };
        cmd.SetAction((parse, ct) => PushFileAsync(parse.GetValue(file), parse.GetValue(job)!, parse.GetValue(labels) ?? [],
            parse.GetValue(method)!, parse.GetValue(server)!, ct));

        var sources = new Argument<string>("SOURCES_JSON") { Description = "the sources.json that `dbt source freshness` wrote (target/sources.json)" };
        var dbtJob = new Option<string>("--job") { Description = "the job label of the group", DefaultValueFactory = _ => "dbt_freshness" };
        var dbt = new Command("dbt-freshness", "Push dbt source freshness results (dbt_source_* and data_source_last_success_timestamp_seconds)") { sources, dbtJob, server };
        dbt.SetAction((parse, ct) => PushDbtAsync(parse.GetValue(sources)!, parse.GetValue(dbtJob)!, parse.GetValue(server)!, ct));
        cmd.Subcommands.Add(dbt);
        return cmd;
    }

    private static async Task<int> PushFileAsync(string? file, string job, string[] labelArgs, string method, string server, CancellationToken ct)
    {
        if (Key(job, labelArgs) is not { } key) return ExitCodes.Usage;
        if (method == "delete") return await SendAsync(HttpMethod.Delete, server, key, null, ct);
        if (file is null)
        {
            Console.Error.WriteLine("a FILE to push is required (or --method delete)");
            return ExitCodes.Usage;
        }
        byte[] body;
        try { body = file == "-" ? await ReadStdinAsync(ct) : await File.ReadAllBytesAsync(file, ct); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"{file}: {ex.Message}");
            return ExitCodes.Failure;
        }
        // A last line without its newline is what an editor often leaves; the server (as the Pushgateway) would refuse it.
        if (body.Length > 0 && body[^1] != '\n') body = [.. body, (byte)'\n'];
        try { PushTextParser.Parse(body); }
        catch (PushRequestException ex)
        {
            Console.Error.WriteLine($"{(file == "-" ? "<stdin>" : file)}: {ex.Message}");
            return ExitCodes.Failure;
        }
        return await SendAsync(method == "post" ? HttpMethod.Post : HttpMethod.Put, server, key, body, ct);
    }

    private static async Task<int> PushDbtAsync(string file, string job, string server, CancellationToken ct)
    {
        if (Key(job, []) is not { } key) return ExitCodes.Usage;
        IReadOnlyList<PushedFamily> families;
        try { families = DbtFreshnessReader.Read(await File.ReadAllTextAsync(file, ct), file); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"{file}: {ex.Message}");
            return ExitCodes.Failure;
        }
        catch (DbtFreshnessException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return ExitCodes.Failure;
        }
        var body = Encoding.UTF8.GetBytes(PushTextWriter.Write(families.Where(f => f.Metrics.Count > 0)));
        // PUT: the group is replaced, so a source removed from the dbt project leaves it.
        return await SendAsync(HttpMethod.Put, server, key, body, ct);
    }

    internal static GroupingKey? Key(string job, string[] labelArgs)
    {
        var labels = new List<Label> { new("job", job) };
        foreach (var arg in labelArgs)
        {
            int eq = arg.IndexOf('=');
            if (eq <= 0 || !LegacyNames.IsLabelName(arg[..eq]) || arg[..eq] == "job")
            {
                Console.Error.WriteLine($"invalid --label \"{arg}\": expected name=value with a label name other than job");
                return null;
            }
            labels.Add(new Label(arg[..eq], arg[(eq + 1)..]));
        }
        if (job.Length == 0)
        {
            Console.Error.WriteLine("--job must not be empty");
            return null;
        }
        return GroupingKey.FromLabels(labels);
    }

    internal static async Task<int> SendAsync(HttpMethod method, string server, GroupingKey key, byte[]? body, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(method, server.TrimEnd('/') + key.ToPath());
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        }
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (response.IsSuccessStatusCode) return ExitCodes.Ok;
            var text = (await response.Content.ReadAsStringAsync(ct)).TrimEnd();
            Console.Error.WriteLine($"{server}: {(int)response.StatusCode} {response.ReasonPhrase}: {text}");
            return ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"{server}: {ex.Message}");
            return ExitCodes.Failure;
        }
    }

    internal static async Task<byte[]> ReadStdinAsync(CancellationToken ct)
    {
        using var stdin = Console.OpenStandardInput();
        using var ms = new MemoryStream();
        await stdin.CopyToAsync(ms, ct);
        return ms.ToArray();
    }
}
