using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Mlobs.Drift.Columns;
using Mlobs.Drift.Statistics;

namespace Mlobs.Appliance.Cli;

/// <summary>
/// <c>mlobs drift REFERENCE CURRENT</c>: Evidently's column-drift table for two CSV or JSON-lines files, for CI steps
/// and notebooks (exit 1 on dataset drift, so a step can gate a deployment; 2 when the files cannot be compared);
/// <c>mlobs drift list|pin|unpin</c>: a running server's drift monitors and their pinned baselines.
/// </summary>
public static class DriftCommand
{
    public static Command Create()
    {
        var reference = new Argument<string?>("REFERENCE") { Description = "the reference data: CSV with a header row, or JSON lines", Arity = ArgumentArity.ZeroOrOne };
        var current = new Argument<string?>("CURRENT") { Description = "the current data, same columns", Arity = ArgumentArity.ZeroOrOne };
        var method = new Option<string?>("--method") { Description = $"one test for every column instead of Evidently's choice per column ({string.Join(", ", DriftMethods.AllNames)})" };
        var threshold = new Option<double?>("--threshold") { Description = "the threshold for every column (default: the test's, 0.05 for p-values, 0.1 for distances)" };
        var columns = new Option<string?>("--columns") { Description = "only these columns (comma-separated)" };
        var format = new Option<string>("--format") { Description = "table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var driftShare = new Option<double>("--drift-share") { Description = "the share of drifted columns that makes dataset drift", DefaultValueFactory = _ => 0.5 };
        var push = new Option<string?>("--push") { Description = "also push the scores to this mlobs (or Pushgateway) base URL" };
        var job = new Option<string>("--job") { Description = "the job (and monitor) label of the pushed group", DefaultValueFactory = _ => "drift_check" };
        var cmd = new Command("drift", "Compare two datasets column by column as Evidently does (exit 1 on dataset drift); list and pin a server's drift monitors")
        {
            reference, current, method, threshold, columns, format, driftShare, push, job,
        };
        cmd.SetAction((parse, ct) => CompareAsync(parse.GetValue(reference), parse.GetValue(current), parse.GetValue(method), parse.GetValue(threshold),
            parse.GetValue(columns), parse.GetValue(format)!, parse.GetValue(driftShare), parse.GetValue(push), parse.GetValue(job)!, ct));

        var server = new Option<string>("--server") { Description = "mlobs base URL", DefaultValueFactory = _ => "http://127.0.0.1:9090" };
        var list = new Command("list", "Show the server's drift monitors, their baselines and latest scores") { server };
        list.SetAction((parse, ct) => ListAsync(parse.GetValue(server)!, ct));
        var monitor = new Argument<string>("MONITOR") { Description = "the drift monitor's name" };
        var from = new Option<string?>("--from") { Description = "start of the baseline (RFC 3339, Unix seconds or now-7d; default: the monitor's baseline window)" };
        var to = new Option<string?>("--to") { Description = "end of the baseline (default: the monitor's baseline window)" };
        var pin = new Command("pin", "Store the monitor's baseline distribution in the data dir, so it outlives retention") { monitor, from, to, server };
        pin.SetAction((parse, ct) => PinAsync(parse.GetValue(server)!, parse.GetValue(monitor)!, parse.GetValue(from), parse.GetValue(to), ct));
        var unpin = new Command("unpin", "Remove the monitor's pinned baseline") { monitor, server };
        unpin.SetAction((parse, ct) => UnpinAsync(parse.GetValue(server)!, parse.GetValue(monitor)!, ct));
        var file = new Argument<string>("FILE") { Description = "rows as CSV with a header row, or JSON lines (- for standard input)" };
        var asReference = new Option<bool>("--reference") { Description = "upload FILE as the monitor's reference (fits the bins, replaces the previous one)" };
        var observe = new Command("observe", "Post rows to an observations drift monitor (or, with --reference, its reference)") { monitor, file, asReference, server };
        observe.SetAction((parse, ct) => ObserveAsync(parse.GetValue(server)!, parse.GetValue(monitor)!, parse.GetValue(file)!, parse.GetValue(asReference), ct));
        cmd.Subcommands.Add(list);
        cmd.Subcommands.Add(observe);
        cmd.Subcommands.Add(pin);
        cmd.Subcommands.Add(unpin);
        return cmd;
    }

    private static async Task<int> CompareAsync(string? referencePath, string? currentPath, string? methodName, double? threshold, string? columnList,
        string format, double driftShare, string? push, string job, CancellationToken ct)
    {
        if (referencePath is null || currentPath is null)
        {
            Console.Error.WriteLine("mlobs drift needs REFERENCE and CURRENT files (or a subcommand: list, pin, unpin)");
            return ExitCodes.Usage;
        }
        DriftMethod? method = null;
        if (methodName is not null)
        {
            if (!DriftMethods.TryParse(methodName, out var m))
            {
                Console.Error.WriteLine($"unknown --method \"{methodName}\" (one of {string.Join(", ", DriftMethods.AllNames)})");
                return ExitCodes.Usage;
            }
            method = m;
        }
        if (driftShare is <= 0 or > 1)
        {
            Console.Error.WriteLine("--drift-share must be in (0, 1]");
            return ExitCodes.Usage;
        }
        var only = columnList?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

        TabularFile reference, current;
        try
        {
            // Both files at once: parsing is most of the work and there are two cores to do it.
            var r = Task.Run(() => TabularFile.Read(referencePath, ct), ct);
            var c = Task.Run(() => TabularFile.Read(currentPath, ct), ct);
            reference = await r;
            current = await c;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or TabularFileException)
        {
            Console.Error.WriteLine(ex is TabularFileException ? ex.Message : $"{ex.Message}");
            return ExitCodes.Usage;
        }
        foreach (var problem in reference.Problems.Concat(current.Problems)) Console.Error.WriteLine("skipped row: " + problem);
        foreach (var t in new[] { reference, current })
            if (t.BadRows > t.Problems.Count) Console.Error.WriteLine($"{t.Path}: {t.BadRows} rows skipped in all");

        var report = DatasetDriftReport.Compute(reference, current, only, method, threshold, driftShare);
        if (report.Columns.Count == 0)
        {
            Console.Error.WriteLine("no column could be compared:");
            foreach (var s in report.Skipped) Console.Error.WriteLine("  " + s);
            return ExitCodes.Usage;
        }
        if (format == "json")
        {
            using var stdout = Console.OpenStandardOutput();
            using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true })) report.WriteJson(w);
            Console.WriteLine();
        }
        else
        {
            Console.Write(report.ToTable());
        }
        if (push is not null)
        {
            if (PushCommand.Key(job, []) is not { } key) return ExitCodes.Usage;
            int pushed = await PushCommand.SendAsync(HttpMethod.Put, push, key, Encoding.UTF8.GetBytes(Exposition(report, job)), ct);
            if (pushed != ExitCodes.Ok) return ExitCodes.Usage;
        }
        return report.DatasetDrift ? ExitCodes.Failure : ExitCodes.Ok;
    }

    /// <summary>The scores as the monitors' series, labelled with the job as monitor and the column, for a PUT of the group.</summary>
    internal static string Exposition(DatasetDriftReport report, string monitor)
    {
        var sb = new StringBuilder();
        string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        string V(double v) => double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf" : v.ToString("R", CultureInfo.InvariantCulture);
        void Family(string name, string help, Func<ColumnDriftResult, double> value)
        {
            sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" gauge\n");
            foreach (var c in report.Columns)
                sb.Append(CultureInfo.InvariantCulture, $"{name}{{column=\"{Escape(c.Column)}\",method=\"{c.Method.Name()}\",monitor=\"{Escape(monitor)}\"}} {V(value(c))}\n");
        }
        Family("mlobs_drift_score", "Drift score per column (a p-value for the statistical tests).", c => c.Score);
        Family("mlobs_drift_detected", "1 when the column drifted against its threshold.", c => c.Drifted ? 1 : 0);
        sb.Append("# HELP mlobs_drift_share Share of drifted columns.\n# TYPE mlobs_drift_share gauge\n");
        sb.Append(CultureInfo.InvariantCulture, $"mlobs_drift_share{{monitor=\"{Escape(monitor)}\"}} {V(report.Share)}\n");
        sb.Append("# HELP mlobs_drift_dataset_drift 1 when the share of drifted columns reached drift_share.\n# TYPE mlobs_drift_dataset_drift gauge\n");
        sb.Append(CultureInfo.InvariantCulture, $"mlobs_drift_dataset_drift{{monitor=\"{Escape(monitor)}\"}} {(report.DatasetDrift ? 1 : 0)}\n");
        return sb.ToString();
    }

    private static async Task<(int Exit, JsonDocument? Body)> CallAsync(HttpMethod method, string url, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            using var response = await http.SendAsync(new HttpRequestMessage(method, url), ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            JsonDocument? doc = null;
            try { doc = JsonDocument.Parse(text); } catch (JsonException) { }
            if (response.IsSuccessStatusCode && doc is not null) return (ExitCodes.Ok, doc);
            var error = doc?.RootElement.TryGetProperty("error", out var e) == true ? e.GetString() : text.Trim();
            Console.Error.WriteLine($"{url}: {(int)response.StatusCode} {response.ReasonPhrase}: {error}");
            doc?.Dispose();
            return (ExitCodes.Failure, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"{url}: {ex.Message}");
            return (ExitCodes.Failure, null);
        }
    }

    private static async Task<int> ListAsync(string server, CancellationToken ct)
    {
        var (exit, doc) = await CallAsync(HttpMethod.Get, server.TrimEnd('/') + "/api/v1/drift", ct);
        if (doc is null) return exit;
        using (doc)
        {
            var monitors = doc.RootElement.GetProperty("data");
            if (monitors.GetArrayLength() == 0) Console.WriteLine("no drift monitors (add a drift_monitors section to the config)");
            foreach (var m in monitors.EnumerateArray())
            {
                var methods = string.Join(", ", m.GetProperty("methods").EnumerateArray().Select(x => $"{x.GetProperty("method").GetString()} {Num(x.GetProperty("threshold"))}"));
                Console.WriteLine($"{m.GetProperty("name").GetString()}  {m.GetProperty("kind").GetString()} {m.GetProperty("selector").GetString()}  current {m.GetProperty("current").GetString()}  methods {methods}");
                var pinned = m.GetProperty("pinned");
                if (pinned.ValueKind == JsonValueKind.Object)
                    Console.WriteLine($"  pinned baseline: {pinned.GetProperty("from").GetString()} to {pinned.GetProperty("to").GetString()} (pinned {pinned.GetProperty("pinnedAt").GetString()})");
                var e = m.GetProperty("lastEvaluation");
                if (e.ValueKind != JsonValueKind.Object) { Console.WriteLine("  not evaluated yet\n"); continue; }
                Console.WriteLine($"  baseline: {e.GetProperty("baseline").GetString()}  last evaluation {e.GetProperty("time").GetString()}");
                if (e.TryGetProperty("error", out var err)) { Console.WriteLine($"  error: {err.GetString()}\n"); continue; }
                var share = e.GetProperty("share");
                Console.WriteLine($"  drifted {e.GetProperty("groupsDrifted").GetInt32()} of {e.GetProperty("groupsScored").GetInt32()} scored"
                    + (share.ValueKind == JsonValueKind.Null ? "" : $" (share {Num(share)}){(e.GetProperty("datasetDrift").GetBoolean() ? ", DATASET DRIFT" : "")}"));
                foreach (var g in e.GetProperty("groups").EnumerateArray())
                {
                    var labels = string.Join(",", g.GetProperty("labels").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}"));
                    var what = g.TryGetProperty("skipped", out var s) ? "no score: " + s.GetString()
                        : string.Join("  ", g.GetProperty("scores").EnumerateArray().Select(x =>
                            $"{x.GetProperty("method").GetString()}={Num(x.GetProperty("score"))}{(x.GetProperty("drifted").GetBoolean() ? "*" : "")}"));
                    Console.WriteLine($"    {(labels.Length == 0 ? "{}" : "{" + labels + "}")}  baseline n={Num(g.GetProperty("baselineSamples"))} current n={Num(g.GetProperty("currentSamples"))}  {what}");
                }
                Console.WriteLine();
            }
        }
        return ExitCodes.Ok;
    }

    /// <summary>Scores with four decimals, tiny ones in exponent form, window counts (fractional: increase() extrapolates) whole.</summary>
    private static string Num(JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Number) return v.ToString();
        double d = v.GetDouble();
        if (Math.Abs(d) >= 100) return Math.Round(d).ToString(CultureInfo.InvariantCulture);
        if (d != 0 && Math.Abs(d) < 1e-3) return d.ToString("0.##e+0", CultureInfo.InvariantCulture);
        return d.ToString("0.####", CultureInfo.InvariantCulture);
    }

    private static async Task<int> PinAsync(string server, string monitor, string? from, string? to, CancellationToken ct)
    {
        var query = new List<string>();
        if (from is not null) query.Add("from=" + Uri.EscapeDataString(from));
        if (to is not null) query.Add("to=" + Uri.EscapeDataString(to));
        var url = $"{server.TrimEnd('/')}/api/v1/drift/{Uri.EscapeDataString(monitor)}/pin" + (query.Count > 0 ? "?" + string.Join("&", query) : "");
        var (exit, doc) = await CallAsync(HttpMethod.Post, url, ct);
        if (doc is null) return exit;
        using (doc)
        {
            var d = doc.RootElement.GetProperty("data");
            Console.WriteLine($"pinned {monitor}: {d.GetProperty("from").GetString()} to {d.GetProperty("to").GetString()}, {d.GetProperty("groups").GetInt32()} groups, {Num(d.GetProperty("samples"))} samples");
        }
        return ExitCodes.Ok;
    }

    private static async Task<int> ObserveAsync(string server, string monitor, string file, bool reference, CancellationToken ct)
    {
        byte[] body;
        try
        {
            body = file == "-" ? await PushCommand.ReadStdinAsync(ct) : await File.ReadAllBytesAsync(file, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"{file}: {ex.Message}");
            return ExitCodes.Failure;
        }
        bool json = file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)
                    || file.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || body.SkipWhile(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t').FirstOrDefault() == '{';
        var url = $"{server.TrimEnd('/')}/api/v1/drift/{Uri.EscapeDataString(monitor)}/{(reference ? "reference" : "observations")}";
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        using var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", json ? "application/x-ndjson" : "text/csv");
        try
        {
            using var response = await http.PostAsync(url, content, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            using var doc = JsonDocument.Parse(text);
            if (!response.IsSuccessStatusCode)
            {
                Console.Error.WriteLine($"{url}: {(int)response.StatusCode}: {(doc.RootElement.TryGetProperty("error", out var e) ? e.GetString() : text)}");
                return ExitCodes.Failure;
            }
            var d = doc.RootElement.GetProperty("data");
            if (reference)
            {
                Console.WriteLine($"reference for {monitor}: {d.GetProperty("rows").GetInt64()} rows; "
                    + string.Join(", ", d.GetProperty("columns").EnumerateArray().Select(c => $"{c.GetProperty("column").GetString()} ({c.GetProperty("kind").GetString()}, {c.GetProperty("bins").GetInt32()} bins)")));
                return ExitCodes.Ok;
            }
            long rejected = d.GetProperty("rejected").GetInt64();
            Console.WriteLine($"{d.GetProperty("accepted").GetInt64()} rows counted, {rejected} refused");
            foreach (var error in d.GetProperty("errors").EnumerateArray()) Console.Error.WriteLine($"{file}: {error.GetString()}");
            return rejected > 0 ? ExitCodes.Failure : ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            Console.Error.WriteLine($"{url}: {ex.Message}");
            return ExitCodes.Failure;
        }
    }

    private static async Task<int> UnpinAsync(string server, string monitor, CancellationToken ct)
    {
        var (exit, doc) = await CallAsync(HttpMethod.Delete, $"{server.TrimEnd('/')}/api/v1/drift/{Uri.EscapeDataString(monitor)}/pin", ct);
        if (doc is null) return exit;
        using (doc)
            Console.WriteLine(doc.RootElement.GetProperty("data").GetProperty("removed").GetBoolean() ? $"unpinned {monitor}" : $"{monitor} had no pinned baseline");
        return ExitCodes.Ok;
    }
}
