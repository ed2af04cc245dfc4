using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// Input meant to break the server, through the published binary: nesting 10⁵ deep in every language mlobs parses
/// (PromQL, LogQL, Go templates, YAML, dashboard JSON) gets a clear error with its position, and a push body that
/// inflates far past the limit is refused while being read. The server keeps answering afterwards.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private const int Depth = 100_000;
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    private async Task<MlobsProcess> Serve()
    {
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, "global:\n  scrape_interval: 15s\n");
        return await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));
    }

    private static string Nested(string open, string inner, string close) =>
        string.Concat(Enumerable.Repeat(open, Depth)) + inner + string.Concat(Enumerable.Repeat(close, Depth));

    [Fact]
    public async Task APromQlQueryNestedAHundredThousandDeepIsABadRequestNotACrash()
    {
        using var p = await Serve();
        foreach (var (query, column) in new[]
                 {
                     (Nested("(", "1", ")"), 4097),
                     (Nested("abs(", "up", ")"), 4 * 4096 + 1),
                     (Nested("-", "", "") + "1", 4097),
                     (string.Join(" + ", Enumerable.Repeat("up", Depth)), -1), // a left-deep chain: the position is where it gets too deep
                 })
        {
            using var r = await _http.PostAsync(p.BaseUrl + "/api/v1/query", new FormUrlEncodedContent([new("query", query)]));
            var body = await r.Content.ReadAsStringAsync();
            Assert.Equal(400, (int)r.StatusCode);
            using var doc = JsonDocument.Parse(body);
            Assert.Equal("bad_data", doc.RootElement.GetProperty("errorType").GetString());
            var error = doc.RootElement.GetProperty("error").GetString()!;
            Assert.Contains("parse error: expression nested too deeply (more than 4096 levels)", error);
            if (column > 0) Assert.Contains($"1:{column}:", error);
        }
        // Deep but legitimate nesting still evaluates, and the server is alive.
        using var ok = await _http.PostAsync(p.BaseUrl + "/api/v1/query",
            new FormUrlEncodedContent([new("query", string.Join(" + ", Enumerable.Repeat("vector(1)", 4000)))]));
        Assert.Contains("\"4000\"", await ok.Content.ReadAsStringAsync());
        Assert.Equal("mlobs is Ready.", (await _http.GetStringAsync(p.BaseUrl + "/-/ready")).Trim());
    }

    [Fact]
    public async Task RuleFilesConfigsAndDashboardsNestedAHundredThousandDeepGetPositionedErrors()
    {
        void Write(string name, string text) => File.WriteAllText(Path.Combine(_dir.Path, name), text);
        Write("logql.yml", "groups:\n- name: g\n  query_language: logql\n  rules:\n  - alert: A\n    expr: '" +
                           Nested("sum(", "count_over_time({a=\"b\"}[1m])", ")") + " > 0'\n");
        Write("template.yml", "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up > 0\n    annotations:\n      summary: '{{ " +
                              Nested("(", "1", ")") + " }}'\n");
        Write("blocks.yml", "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up > 0\n    annotations:\n      summary: '" +
                            Nested("{{if 1}}", "x", "{{end}}") + "'\n");
        Write("yaml.yml", "groups: " + Nested("[", "", "]") + "\n");
        Write("config.yml", "global:\n  external_labels: " + Nested("{a: ", "1", "}") + "\n");
        Write("dashboard.json", "{\"title\": \"deep\", \"panels\": " + Nested("[", "", "]") + "}");

        async Task Refused(string expected, params string[] args)
        {
            var (exit, output) = await MlobsProcess.RunAsync(args);
            Assert.True(exit == 1, $"exit {exit}: {output[..Math.Min(500, output.Length)]}");
            Assert.Contains(expected, output);
        }
        await Refused("logql.yml:6:11: group \"g\", rule 1, \"A\": could not parse expression: parse error at line 1, col 16385: syntax error: expression nested too deeply (more than 4096 levels)",
            "check", "rules", Path.Combine(_dir.Path, "logql.yml"));
        await Refused("annotation \"summary\": template: __alert_A:1: max expression depth exceeded", "check", "rules", Path.Combine(_dir.Path, "template.yml"));
        await Refused("annotation \"summary\": template: __alert_A:1: max expression depth exceeded", "check", "rules", Path.Combine(_dir.Path, "blocks.yml"));
        // The root mapping is level 1, so the 1,000th bracket (column 8 + 1000) is one too many.
        await Refused("yaml.yml:1:1008: yaml: exceeded max depth of 1000", "check", "rules", Path.Combine(_dir.Path, "yaml.yml"));
        await Refused("config.yml:2:", "check", "config", Path.Combine(_dir.Path, "config.yml"));
        await Refused("yaml: exceeded max depth of 1000", "check", "config", Path.Combine(_dir.Path, "config.yml"));
        await Refused("dashboard.json:1:", "check", "dashboard", Path.Combine(_dir.Path, "dashboard.json"));
        await Refused("maximum configured depth of 64 has been exceeded", "check", "dashboard", Path.Combine(_dir.Path, "dashboard.json"));

        using var p = await Serve();
        using var r = await _http.PostAsync(p.BaseUrl + "/api/dashboards/db",
            new StringContent("{\"dashboard\": " + File.ReadAllText(Path.Combine(_dir.Path, "dashboard.json")) + "}", Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)r.StatusCode);
        Assert.Equal("mlobs is Ready.", (await _http.GetStringAsync(p.BaseUrl + "/-/ready")).Trim());
    }

    /// <summary>Ten concatenated gzip members, each a gibibyte of zeros: about 10 MB on the wire, 10 GiB inflated.</summary>
    private static byte[] GzipBomb()
    {
        var member = new MemoryStream();
        using (var gzip = new GZipStream(member, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 1024; i++) gzip.Write(zeros);
        }
        var bomb = new MemoryStream();
        for (int i = 0; i < 10; i++) bomb.Write(member.GetBuffer(), 0, (int)member.Length);
        return bomb.ToArray();
    }

    private static long RssBytes(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;

    [Fact]
    public async Task ALokiPushThatInflatesToTenGibibytesIsRefusedWhileReadAndMemoryBarelyMoves()
    {
        var bomb = GzipBomb();
        Assert.InRange(bomb.Length, 5_000_000, 20_000_000);
        using var p = await Serve();
        long before = RssBytes(p.Pid);
        var content = new ByteArrayContent(bomb);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        var started = DateTime.UtcNow;
        using var r = await _http.PostAsync(p.BaseUrl + "/loki/api/v1/push", content);
        Assert.Equal(413, (int)r.StatusCode);
        Assert.Contains("request too large", await r.Content.ReadAsStringAsync());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), "refused only after " + (DateTime.UtcNow - started));
        long grew = RssBytes(p.Pid) - before;
        Assert.True(grew < 200L << 20, $"RSS grew by {grew >> 20} MiB");
        // A valid gzip push still works.
        var line = new MemoryStream();
        using (var gzip = new GZipStream(line, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(Encoding.UTF8.GetBytes($"{{\"streams\":[{{\"stream\":{{\"job\":\"g\"}},\"values\":[[\"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000}\",\"hello\"]]}}]}}"));
        var ok = new ByteArrayContent(line.ToArray());
        ok.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        ok.Headers.ContentEncoding.Add("gzip");
        using var accepted = await _http.PostAsync(p.BaseUrl + "/loki/api/v1/push", ok);
        Assert.Equal(204, (int)accepted.StatusCode);
    }

    [Fact]
    public async Task RuntimeInfoReportsOnlyWhatMlobsCanMeasure()
    {
        using var p = await Serve();
        using var doc = JsonDocument.Parse(await _http.GetStringAsync(p.BaseUrl + "/api/v1/status/runtimeinfo"));
        var data = doc.RootElement.GetProperty("data");
        Assert.False(data.TryGetProperty("goroutineCount", out _));
        Assert.False(data.TryGetProperty("GOGC", out _));
        Assert.Equal(Environment.ProcessorCount, data.GetProperty("GOMAXPROCS").GetInt32());
        Assert.True(data.GetProperty("reloadConfigSuccess").GetBoolean());
    }
}
