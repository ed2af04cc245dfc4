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
