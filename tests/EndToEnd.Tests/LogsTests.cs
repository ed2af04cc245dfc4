using System.IO.Compression;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>The log store's first slice through the binary: Loki pushes in, Loki queries and `mlobs logs` out, kept across restarts.</summary>
public class LogsTests
{
    private static string Push(long baseNs, string service, string level, params string[] lines) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["streams"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["stream"] = new Dictionary<string, string> { ["service"] = service, ["level"] = level },
                    ["values"] = lines.Select((l, i) => new[] { (baseNs + i * 1_000_000L).ToString(), l }).ToArray(),
                },
            },
        });

    [Fact]
    public async Task PushedLinesAreQueriedWithLokisApiAndTheCliAndKept()
    {
        using var dir = new TempDir();
        var config = Path.Combine(dir.Path, "mlobs.yml");
        File.WriteAllText(config, "global:\n  scrape_interval: 15s\n");
        var data = Path.Combine(dir.Path, "data");
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        using (var mlobs = await MlobsProcess.ServeAsync(config, data))
        {
            using var http = new HttpClient();
            var plain = await http.PostAsync(mlobs.BaseUrl + "/loki/api/v1/push",
                new StringContent(Push(now - 60_000_000_000, "api", "error", "GET /predict timeout after 30s", "GET /predict ok", "POST /train timeout"), Encoding.UTF8, "application/json"));
            Assert.Equal(204, (int)plain.StatusCode);
            // Loki clients may gzip their pushes.
            var zipped = new MemoryStream();
            using (var gz = new GZipStream(zipped, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(Encoding.UTF8.GetBytes(Push(now - 30_000_000_000, "worker", "info", "batch done")));
            var gzContent = new ByteArrayContent(zipped.ToArray());
            gzContent.Headers.ContentType = new("application/json");
            gzContent.Headers.ContentEncoding.Add("gzip");
            Assert.Equal(204, (int)(await http.PostAsync(mlobs.BaseUrl + "/loki/api/v1/push", gzContent)).StatusCode);
            var bad = await http.PostAsync(mlobs.BaseUrl + "/loki/api/v1/push", new StringContent("{\"streams\": [{\"stream\": {}, \"values\": []}]}", Encoding.UTF8, "application/json"));
            Assert.Equal(400, (int)bad.StatusCode);

            var result = await http.GetFromJsonAsync<JsonElement>(mlobs.BaseUrl + "/loki/api/v1/query_range?query=" +
                Uri.EscapeDataString("{service=\"api\"} |= \"timeout\"") + $"&start={now - 3_600_000_000_000}&end={now}&limit=10");
            Assert.Equal("streams", result.GetProperty("data").GetProperty("resultType").GetString());
            var stream = Assert.Single(result.GetProperty("data").GetProperty("result").EnumerateArray());
            Assert.Equal("api", stream.GetProperty("stream").GetProperty("service").GetString());
            Assert.Equal(["POST /train timeout", "GET /predict timeout after 30s"], stream.GetProperty("values").EnumerateArray().Select(v => v[1].GetString()!).ToArray());
            // A metric query answers a matrix in Loki's shape; an instant one a vector.
            var metric = await http.GetFromJsonAsync<JsonElement>(mlobs.BaseUrl + "/loki/api/v1/query_range?query=" +
                Uri.EscapeDataString("sum by (service) (count_over_time({level=~\"error|info\"} |= \"timeout\" [5m]))") + $"&start={now - 120_000_000_000}&end={now}&step=60");
            Assert.Equal("matrix", metric.GetProperty("data").GetProperty("resultType").GetString());
            var series = Assert.Single(metric.GetProperty("data").GetProperty("result").EnumerateArray());
            Assert.Equal("api", series.GetProperty("metric").GetProperty("service").GetString());
            var values = series.GetProperty("values");
            Assert.Equal("2", values[values.GetArrayLength() - 1][1].GetString());
            var instant = await http.GetFromJsonAsync<JsonElement>(mlobs.BaseUrl + "/loki/api/v1/query?query=" +
                Uri.EscapeDataString("count_over_time({service=\"worker\"}[5m]) > 0") + $"&time={now}");
            Assert.Equal("vector", instant.GetProperty("data").GetProperty("resultType").GetString());
            Assert.Equal("1", Assert.Single(instant.GetProperty("data").GetProperty("result").EnumerateArray()).GetProperty("value")[1].GetString());
            var labels = await http.GetFromJsonAsync<JsonElement>(mlobs.BaseUrl + "/loki/api/v1/label/service/values");
            Assert.Equal(["api", "worker"], labels.GetProperty("data").EnumerateArray().Select(v => v.GetString()!).ToArray());

            var (exit, output) = await MlobsProcess.RunAsync("logs", "{level=~\"error|info\"} !~ \"ok$\"", "--since", "1h", "--server", mlobs.BaseUrl);
            Assert.True(exit == 0, output);
            var lines = output.Trim().Split('\n');
            Assert.Equal(3, lines.Length);
            Assert.EndsWith("{level=\"info\", service=\"worker\"} batch done", lines[0]);
            Assert.EndsWith("{level=\"error\", service=\"api\"} GET /predict timeout after 30s", lines[2]);
            var (badExit, badOutput) = await MlobsProcess.RunAsync("logs", "{service=\"api\"} | latency_ms", "--server", mlobs.BaseUrl);
            Assert.Equal(2, badExit);
            Assert.Contains("parse error at line 1, col 29: syntax error: unexpected end of input, expecting a label filter operator", badOutput);
            await mlobs.StopAsync();
        }
        using (var mlobs = await MlobsProcess.ServeAsync(config, data))
        {
            var (exit, output) = await MlobsProcess.RunAsync("logs", "{service=\"worker\"}", "--server", mlobs.BaseUrl, "--limit", "5");
            Assert.True(exit == 0, output);
            Assert.EndsWith("batch done", output.Trim());
        }
    }

    [Fact]
    public async Task LogSourcesAreTailedAndSearchable()
    {
        using var dir = new TempDir();
        var logs = Path.Combine(dir.Path, "model-server");
        Directory.CreateDirectory(logs);
        var file = Path.Combine(logs, "app.log");
        File.WriteAllText(file, "{\"timestamp\": \"" + DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O") + "\", \"level\": \"ERROR\", \"msg\": \"model timed out\", \"model\": \"fraud\"}\n");
        var config = Path.Combine(dir.Path, "mlobs.yml");
        File.WriteAllText(config, """
            global:
              scrape_interval: 15s
            log_sources:
              - name: model-server
                paths: ["model-server/*.log"]
                labels: {service: model-server}
                parser: json
                label_fields: [level, model]
                timestamp: {field: timestamp, format: rfc3339}
            """);
        var (checkExit, checkOutput) = await MlobsProcess.RunAsync("check", "config", config);
        Assert.True(checkExit == 0, checkOutput);
        Assert.Contains("1 log sources (model-server)", checkOutput);
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(dir.Path, "data"));
        File.AppendAllText(file, "{\"level\": \"info\", \"msg\": \"served\", \"model\": \"churn\"}\n");
        string output = "";
        await Wait.UntilAsync("tailed lines", async () =>
        {
            (_, output) = await MlobsProcess.RunAsync("logs", "{service=\"model-server\"}", "--server", mlobs.BaseUrl);
            return output.Contains("served", StringComparison.Ordinal);
        });
        Assert.Contains("level=\"error\", model=\"fraud\", service=\"model-server\"} {\"timestamp\"", output);
        var (_, errors) = await MlobsProcess.RunAsync("logs", "{service=\"model-server\", level=\"error\"} |= \"timed out\"", "--server", mlobs.BaseUrl);
        Assert.Single(errors.Trim().Split('\n'));
        // A pipeline: parse the JSON, filter on an extracted field, rewrite the line.
        var (_, formatted) = await MlobsProcess.RunAsync("logs", "{service=\"model-server\"} | json | model=\"churn\" | line_format \"{{.msg}} by {{.model}}\"", "--server", mlobs.BaseUrl);
        Assert.EndsWith("served by churn", formatted.Trim());

        // A broken log source is refused with its position.
        File.WriteAllText(config, "log_sources:\n  - name: x\n    paths: [\"a.log\"]\n    parser: yaml\n");
        var (bad, badOutput) = await MlobsProcess.RunAsync("check", "config", config);
        Assert.Equal(1, bad);
        Assert.Contains(":4:13: unknown parser \"yaml\"", badOutput);
    }
}

/// <summary>The log store's durability through the binary: kill -9 while tailing, restart, every line exactly once.</summary>
public class LogDurabilityTests
{
    [Fact]
    public async Task KillNineWhileTailingNeitherLosesNorRepeatsALine()
    {
        using var dir = new TempDir();
        var logs = Path.Combine(dir.Path, "logs");
        Directory.CreateDirectory(logs);
        var file = Path.Combine(logs, "app.log");
        var config = Path.Combine(dir.Path, "mlobs.yml");
        File.WriteAllText(config, """
            global:
              scrape_interval: 15s
            log_sources:
              - name: app
                paths: ["logs/*.log"]
                labels: {service: app}
                parser: json
                label_fields: [level]
            """);
        var data = Path.Combine(dir.Path, "data");
        int written = 0;
        void Append(int n)
        {
            var sb = new StringBuilder();
            for (int i = 0; i < n; i++, written++)
                sb.Append("{\"level\": \"").Append(written % 7 == 0 ? "error" : "info").Append("\", \"seq\": ").Append(written).Append(", \"msg\": \"").Append(new string('x', 200)).Append("\"}\n");
            File.AppendAllText(file, sb.ToString());
        }
        async Task<double> Metric(string baseUrl, string name)
        {
            using var http = new HttpClient();
            var text = await http.GetStringAsync(baseUrl + "/metrics");
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }

        Append(30_000); // ~7 MB: more than one 4 MiB poll, so the kill lands mid-file
        using (var mlobs = await MlobsProcess.ServeAsync(config, data))
        {
            await Wait.UntilAsync("some lines tailed", async () => await Metric(mlobs.BaseUrl, "mlobs_log_lines_read_total") > 0, 30);
            mlobs.KillHard();
        }
        Append(5_000);
        using (var mlobs = await MlobsProcess.ServeAsync(config, data))
        {
            Append(5_000);
            using var http = new HttpClient();
            long now = 0;
            string count = "";
            await Wait.UntilAsync("every line stored", async () =>
            {
                now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
                var counted = await http.GetFromJsonAsync<JsonElement>(mlobs.BaseUrl + "/loki/api/v1/query?query=" +
                    Uri.EscapeDataString("sum(count_over_time({service=\"app\"}[1h]))") + $"&time={now}");
                var result = counted.GetProperty("data").GetProperty("result");
                count = result.GetArrayLength() == 1 ? result[0].GetProperty("value")[1].GetString()! : "0";
                return long.Parse(count) >= written;
            }, 60);
            Assert.Equal(written.ToString(), count);
            // Exactly once: every sequence number appears, none twice.
            var lines = await http.GetFromJsonAsync<JsonElement>(mlobs.BaseUrl + "/loki/api/v1/query_range?query=" +
                Uri.EscapeDataString("{service=\"app\"} | json | line_format \"{{.seq}}\"") + $"&start={now - 3_600_000_000_000}&end={now}&limit={written + 10}");
            var seqs = lines.GetProperty("data").GetProperty("result").EnumerateArray()
                .SelectMany(s => s.GetProperty("values").EnumerateArray()).Select(v => int.Parse(v[1].GetString()!)).Order().ToList();
            Assert.Equal(Enumerable.Range(0, written), seqs);
        }
    }
}

/// <summary>Loki's live tail, series and label endpoints through the binary, and `mlobs logs --follow`.</summary>
public class LogTailTests
{
    private static StringContent Push(string service, string level, long ns, params string[] lines) => new(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["streams"] = new[]
        {
            new Dictionary<string, object>
            {
                ["stream"] = new Dictionary<string, string> { ["service"] = service, ["level"] = level },
                ["values"] = lines.Select((l, i) => new[] { (ns + i).ToString(), l }).ToArray(),
            },
        },
    }), Encoding.UTF8, "application/json");

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;

    /// <summary>mlobs with no targets or log sources: lines come in through the push API.</summary>
    private static Task<MlobsProcess> ServeAsync(TempDir dir)
    {
        var config = Path.Combine(dir.Path, "mlobs.yml");
        File.WriteAllText(config, "global:\n  scrape_interval: 15s\n");
        return MlobsProcess.ServeAsync(config, Path.Combine(dir.Path, "data"));
    }

    [Fact]
    public async Task FollowPrintsNewMatchingLinesAndTheTailSocketSpeaksLokisShape()
    {
        using var dir = new TempDir();
        using var mlobs = await ServeAsync(dir);
        using var http = new HttpClient();
        Assert.Equal(204, (int)(await http.PostAsync(mlobs.BaseUrl + "/loki/api/v1/push", Push("api", "error", Now - 10_000_000_000, "old timeout"))).StatusCode);
        Assert.Equal(204, (int)(await http.PostAsync(mlobs.BaseUrl + "/loki/api/v1/push", Push("worker", "info", Now - 10_000_000_000, "worker started"))).StatusCode);

        using var follow = MlobsProcess.Start("logs", "{service=\"api\"} |= \"timeout\"", "--follow", "--since", "5m", "--server", mlobs.BaseUrl);
        await Wait.UntilAsync("the history", () => Task.FromResult(follow.Output.Contains("old timeout", StringComparison.Ordinal)));
        await http.PostAsync(mlobs.BaseUrl + "/loki/api/v1/push", Push("api", "error", Now, "new ok"));
        await http.PostAsync(mlobs.BaseUrl + "/loki/api/v1/push", Push("worker", "info", Now, "worker timeout"));
        await http.PostAsync(mlobs.BaseUrl + "/loki/api/v1/push", Push("api", "error", Now, "new timeout"));
        await Wait.UntilAsync("the live line", () => Task.FromResult(follow.Output.Contains("new timeout", StringComparison.Ordinal)));
        Assert.DoesNotContain("new ok", follow.Output);
        Assert.DoesNotContain("worker timeout", follow.Output);
        Assert.Contains("{level=\"error\", service=\"api\"} new timeout", follow.Output);
        Assert.Equal(1, follow.Output.Split("old timeout").Length - 1); // printed once
        Assert.Equal(0, await follow.StopAsync());

        // The websocket itself: history first, then live lines, each message {"streams": [...]}.
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{mlobs.Port}/loki/api/v1/tail?query=" + Uri.EscapeDataString("{service=\"worker\"}") + "&limit=10"), CancellationToken.None);
        async Task<JsonElement> Receive()
        {
            var buffer = new byte[1 << 16];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var r = await socket.ReceiveAsync(buffer, cts.Token);
            Assert.True(r.EndOfMessage);
            return JsonDocument.Parse(buffer.AsMemory(0, r.Count)).RootElement.Clone();
        }
        var history = await Receive();
        var values = Assert.Single(history.GetProperty("streams").EnumerateArray()).GetProperty("values");
        Assert.Equal(["worker started", "worker timeout"], values.EnumerateArray().Select(v => v[1].GetString()!).ToArray());
        await http.PostAsync(mlobs.BaseUrl + "/loki/api/v1/push", Push("worker", "info", Now, "worker done"));
        var live = await Receive();
        var stream = Assert.Single(live.GetProperty("streams").EnumerateArray());
        Assert.Equal("worker", stream.GetProperty("stream").GetProperty("service").GetString());
        Assert.Equal("worker done", stream.GetProperty("values")[0][1].GetString());
        await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        // A plain GET is told to upgrade; a bad query is a plain-text 400 as Loki answers.
        var plain = await http.GetAsync(mlobs.BaseUrl + "/loki/api/v1/tail?query=" + Uri.EscapeDataString("{service=\"api\"}"));
        Assert.Equal(400, (int)plain.StatusCode);
        var bad = await http.GetAsync(mlobs.BaseUrl + "/loki/api/v1/query_range?query=" + Uri.EscapeDataString("{service=\"api\"} |"));
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.StartsWith("text/plain", bad.Content.Headers.ContentType!.ToString());
        Assert.StartsWith("parse error at line 1", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SeriesAndLabelsAnswerForStreamsWithLinesInRange()
    {
        using var dir = new TempDir();
        using var mlobs = await ServeAsync(dir);
        using var http = new HttpClient();
        long old = Now - 48 * 3_600_000_000_000; // two days ago: outside the default 6 hours
        await http.PostAsync(mlobs.BaseUrl + "/loki/api/v1/push", Push("api", "error", Now - 1_000_000_000, "x"));
        await http.PostAsync(mlobs.BaseUrl + "/loki/api/v1/push", Push("worker", "info", Now - 1_000_000_000, "y"));
        await http.PostAsync(mlobs.BaseUrl + "/loki/api/v1/push", Push("batch", "debug", old, "z"));
        var series = await http.GetFromJsonAsync<JsonElement>(mlobs.BaseUrl + "/loki/api/v1/series?match[]=" + Uri.EscapeDataString("{service=~\".+\"}"));
        Assert.Equal("success", series.GetProperty("status").GetString());
        Assert.Equal(["api", "worker"], series.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("service").GetString()!).Order().ToArray());
        var both = await http.GetFromJsonAsync<JsonElement>(mlobs.BaseUrl + "/loki/api/v1/series?match[]=" + Uri.EscapeDataString("{service=\"api\"}")
            + "&match[]=" + Uri.EscapeDataString("{level=\"debug\"}") + $"&start={old - 1000}");
        Assert.Equal(["api", "batch"], both.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("service").GetString()!).Order().ToArray());
        var labels = await http.GetFromJsonAsync<JsonElement>(mlobs.BaseUrl + "/loki/api/v1/labels");
        Assert.Equal(["level", "service"], labels.GetProperty("data").EnumerateArray().Select(v => v.GetString()!).ToArray());
        var values = await http.GetFromJsonAsync<JsonElement>(mlobs.BaseUrl + "/loki/api/v1/label/service/values?query=" + Uri.EscapeDataString("{level=\"error\"}"));
        Assert.Equal(["api"], values.GetProperty("data").EnumerateArray().Select(v => v.GetString()!).ToArray());
        var allTime = await http.GetFromJsonAsync<JsonElement>(mlobs.BaseUrl + $"/loki/api/v1/label/service/values?start={old - 1000}");
        Assert.Equal(["api", "batch", "worker"], allTime.GetProperty("data").EnumerateArray().Select(v => v.GetString()!).ToArray());
        Assert.Equal(400, (int)(await http.GetAsync(mlobs.BaseUrl + "/loki/api/v1/series")).StatusCode);
        // Grafana's Loki data source tests its connection with vector(1)+vector(1): a vector of one sample, 2.
        var health = await http.GetFromJsonAsync<JsonElement>(mlobs.BaseUrl + "/loki/api/v1/query?query=" + Uri.EscapeDataString("vector(1)+vector(1)"));
        Assert.Equal("vector", health.GetProperty("data").GetProperty("resultType").GetString());
        Assert.Equal("2", Assert.Single(health.GetProperty("data").GetProperty("result").EnumerateArray()).GetProperty("value")[1].GetString());
        // A bare metric name is not LogQL: a Loki parse error, not a PromQL query of the TSDB.
        Assert.Equal(400, (int)(await http.GetAsync(mlobs.BaseUrl + "/loki/api/v1/query?query=up")).StatusCode);
    }
}
