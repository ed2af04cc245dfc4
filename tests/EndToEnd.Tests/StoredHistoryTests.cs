using System.Globalization;
using System.Text;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// History imported long after the fact, through the published binary: every read path answers it (CLI queries
/// over the data dir, dashboards checked over it, the HTTP API, rule evaluation), before and after its series leave
/// the head and after restarts. Plus what an import must refuse or merge.
/// </summary>
public sealed class StoredHistoryTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    private static string Sec(double s) => s.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>One gauge over an hour `age` ago, another over the last hour, both every 15 s.</summary>
    private static string History(long oldStart, long now)
    {
        var sb = new StringBuilder("# TYPE old_metric gauge\n");
        for (long t = oldStart; t <= oldStart + 3600; t += 15) sb.Append(CultureInfo.InvariantCulture, $"old_metric{{job=\"batch\",model=\"churn\"}} {(t - oldStart) / 15 * 0.5} {t}\n");
        sb.Append("# TYPE recent_metric gauge\n");
        for (long t = now - 3600; t <= now - 60; t += 15) sb.Append(CultureInfo.InvariantCulture, $"recent_metric{{job=\"serving\"}} 1 {t}\n");
        return sb.Append("# EOF\n").ToString();
    }

    private async Task<JsonElement> Api(string baseUrl, string pathAndQuery)
    {
        var body = await _http.GetStringAsync(baseUrl + pathAndQuery);
        var doc = JsonDocument.Parse(body).RootElement;
        Assert.True(doc.GetProperty("status").GetString() == "success", body);
        return doc.GetProperty("data").Clone();
    }

    [Theory]
    [InlineData(10 * 3600)]
    [InlineData(3 * 86400)]
    [InlineData(14 * 86400)]
    public async Task ImportedHistoryIsAnsweredByEveryReadPathAcrossRestartsAndHeadGc(long age)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 15 * 15;
        long oldStart = now - age;
        var file = Path.Combine(_dir.Path, "a.om");
        File.WriteAllText(file, History(oldStart, now));
        var data = Path.Combine(_dir.Path, "d");
        var (code, output) = await MlobsProcess.RunAsync("import", file, "--data", data);
        Assert.True(code == 0, output);
        Assert.Contains("imported 478 samples of 2 series", output);

        // The CLI over the data dir, twice (the second open is a restart of the store).
        for (int round = 0; round < 2; round++)
        {
            (code, output) = await MlobsProcess.RunAsync("query", "old_metric", "--data", data, "--time", Sec(oldStart + 1800 + 7));
            Assert.True(code == 0, output);
            Assert.Contains("old_metric{job=\"batch\", model=\"churn\"}", output);
            Assert.Contains(" 60", output); // (1800 / 15) * 0.5
            (code, output) = await MlobsProcess.RunAsync("query", "count_over_time(old_metric[2h])", "--data", data, "--time", Sec(oldStart + 3600 + 600), "--format", "json");
            Assert.True(code == 0, output);
            Assert.Contains("\"241\"", output);
            (code, output) = await MlobsProcess.RunAsync("query-range", "old_metric", "--data", data, "--start", Sec(oldStart - 600), "--end", Sec(oldStart + 4200), "--step", "60s", "--format", "json");
            Assert.True(code == 0, output);
            Assert.Equal(65, JsonDocument.Parse(output).RootElement.GetProperty("data").GetProperty("result")[0].GetProperty("values").GetArrayLength());
        }

        // Dashboards over the data dir.
        var dashboard = Path.Combine(_dir.Path, "history.json");
        File.WriteAllText(dashboard, """
            {"title": "History", "uid": "history", "panels": [
              {"id": 1, "type": "timeseries", "title": "old", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
               "targets": [{"refId": "A", "expr": "avg_over_time(old_metric{job=\"$job\"}[5m])"}]}],
             "templating": {"list": [{"name": "job", "type": "query", "query": "label_values(old_metric, job)"}]}}
            """);
        (code, output) = await MlobsProcess.RunAsync("check", "dashboard", dashboard, "--data", data, "--from", Sec(oldStart), "--to", Sec(oldStart + 3600));
        Assert.True(code == 0, output);

        // The server: query API, series, labels, values; a rule over the whole retention window.
        var rules = Path.Combine(_dir.Path, "rules.yml");
        File.WriteAllText(rules, "groups:\n  - name: history\n    interval: 1s\n    rules:\n      - record: old_metric:samples_15d\n        expr: count_over_time(old_metric[15d])\n");
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, "rule_files: [rules.yml]\nmlobs:\n  head_series_idle: 1s\n  head_stale_series_idle: 1s\n");
        for (int round = 0; round < 2; round++)
        {
            using var p = await MlobsProcess.ServeAsync(config, data);
            if (round == 0)
            {
                await AssertServerAnswers(p.BaseUrl, oldStart);
                // The head lets the imported series go (idle for a second, at the next checkpoint): from disk now.
                await Wait.UntilAsync("imported series leave the head", async () =>
                    (await _http.GetStringAsync(p.BaseUrl + "/metrics")).Split('\n').Any(l => l.StartsWith("mlobs_tsdb_head_series_removed_total ") && double.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture) >= 2), 40);
            }
            await AssertServerAnswers(p.BaseUrl, oldStart);
            Assert.Equal(0, await p.StopAsync());
        }
    }

    private async Task AssertServerAnswers(string baseUrl, long oldStart)
    {
        var instant = await Api(baseUrl, $"/api/v1/query?query=old_metric&time={Sec(oldStart + 1800 + 7)}");
        Assert.Equal("60", instant.GetProperty("result")[0].GetProperty("value")[1].GetString());
        var range = await Api(baseUrl, $"/api/v1/query_range?query=old_metric&start={Sec(oldStart - 600)}&end={Sec(oldStart + 4200)}&step=60");
        Assert.Equal(65, range.GetProperty("result")[0].GetProperty("values").GetArrayLength());
        var window = $"start={Sec(oldStart - 60)}&end={Sec(oldStart + 3660)}";
        var series = await Api(baseUrl, $"/api/v1/series?match[]=old_metric&{window}");
        Assert.Equal("churn", Assert.Single(series.EnumerateArray()).GetProperty("model").GetString());
        var labels = (await Api(baseUrl, $"/api/v1/labels?{window}")).EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("model", labels);
        Assert.Contains("batch", (await Api(baseUrl, $"/api/v1/label/job/values?{window}")).EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain("serving", (await Api(baseUrl, $"/api/v1/label/job/values?{window}")).EnumerateArray().Select(e => e.GetString()));
        // an hour later nothing of it is in range
        var later = $"start={Sec(oldStart + 7200)}&end={Sec(oldStart + 7300)}";
        Assert.Empty((await Api(baseUrl, $"/api/v1/series?match[]=old_metric&{later}")).EnumerateArray());
        await Wait.UntilAsync("the rule counts the imported samples", async () =>
        {
            var r = (await Api(baseUrl, "/api/v1/query?query=old_metric:samples_15d")).GetProperty("result");
            return r.GetArrayLength() == 1 && r[0].GetProperty("value")[1].GetString() == "241";
        });
    }

    [Fact]
    public async Task ASecondOverlappingImportIsMergedAsPrometheusMergesOverlappingBlocks()
    {
        // f1: a series from now-3h to now-2h; f2: the same series from now-3h to now-1h plus the last five minutes.
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 15 * 15 - 60;
        static string Samples(IEnumerable<long> times) =>
            "# TYPE m gauge\n" + string.Concat(times.Select(t => $"m{{job=\"j\"}} {t % 1000} {t}\n")) + "# EOF\n";
        IEnumerable<long> Every(long from, long to) { for (long t = from; t <= to; t += 15) yield return t; }
        var f1 = Path.Combine(_dir.Path, "f1.om");
        var f2 = Path.Combine(_dir.Path, "f2.om");
        File.WriteAllText(f1, Samples(Every(now - 3 * 3600, now - 2 * 3600)));
        File.WriteAllText(f2, Samples(Every(now - 3 * 3600, now - 3600).Concat(Every(now - 300, now))));
        var data = Path.Combine(_dir.Path, "data");
        var (code, output) = await MlobsProcess.RunAsync("import", f1, "--data", data);
        Assert.True(code == 0, output);
        (code, output) = await MlobsProcess.RunAsync("import", f2, "--data", data);
        Assert.True(code == 0, output);
        Assert.Contains("imported 261 samples of 1 series", output);
        Assert.Contains("241 samples were already stored", output);

        var promData = Path.Combine(_dir.Path, "prometheus");
        foreach (var f in new[] { f1, f2 })
        {
            (code, output) = await PeerProcess.RunAsync("/usr/bin/promtool", "tsdb", "create-blocks-from", "openmetrics", f, promData);
            Assert.True(code == 0, output);
        }
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, "global:\n  scrape_interval: 15s\n");
        using var mlobs = await MlobsProcess.ServeAsync(config, data);
        using var prometheus = await PrometheusPeer.StartAsync(config, promData);
        // Evaluation times sit between sample timestamps: Prometheus 2.42's range windows are closed on the left,
        // Prometheus 3's (and mlobs's) open, which differ only for a sample exactly on a window's start.
        foreach (var path in new[]
                 {
                     $"/api/v1/query?query=count_over_time(m[4h])&time={now + 1}",
                     $"/api/v1/query_range?query=m&start={now - 3 * 3600 - 7}&end={now + 1}&step=15",
                     $"/api/v1/query_range?query=count_over_time(m[30m])&start={now - 3 * 3600 + 7}&end={now + 7}&step=600",
                 })
        {
            var theirs = await Api(prometheus.BaseUrl, path);
            var ours = await Api(mlobs.BaseUrl, path);
            Assert.Equal(theirs.GetProperty("result").GetRawText(), ours.GetProperty("result").GetRawText());
        }
        Assert.Equal("502", (await Api(mlobs.BaseUrl, $"/api/v1/query?query=count_over_time(m[4h])&time={now + 1}")).GetProperty("result")[0].GetProperty("value")[1].GetString());
    }

    [Fact]
    public async Task ImportRejectsAnInvalidUtf8LabelValueWithItsPositionAsPromtoolDoes()
    {
        long t = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600;
        var file = Path.Combine(_dir.Path, "bad.om");
        File.WriteAllBytes(file, [.. Encoding.UTF8.GetBytes($"# TYPE a gauge\na{{x=\"ok\"}} 1 {t}\na{{x=\"b"), 0xff, .. Encoding.UTF8.GetBytes($"d\"}} 2 {t}\n# EOF\n")]);
        var data = Path.Combine(_dir.Path, "data");
        var (code, output) = await MlobsProcess.RunAsync("import", file, "--data", data);
        Assert.Equal(1, code);
        Assert.Contains($"{file}:3:5: invalid UTF-8 label value: \"\\\"b\\xffd\\\"\"", output);
        Assert.Contains("nothing was imported", output);
        var (promCode, promOutput) = await PeerProcess.RunAsync("/usr/bin/promtool", "tsdb", "create-blocks-from", "openmetrics", file, Path.Combine(_dir.Path, "prom"));
        Assert.NotEqual(0, promCode);
        Assert.Contains("invalid UTF-8 label value", promOutput);
    }

    [Theory]
    [InlineData("query", "up")]
    [InlineData("query-range", "up")]
    public async Task ReadOnlyVerbsRefuseADataDirThatDoesNotExist(string verb, string expr)
    {
        var typo = Path.Combine(_dir.Path, "mlobs-dta");
        var (code, output) = await MlobsProcess.RunAsync(verb, expr, "--data", typo);
        Assert.Equal(1, code);
        Assert.Contains($"{typo}: data directory does not exist", output);
        Assert.False(Directory.Exists(typo));

        var empty = Directory.CreateDirectory(Path.Combine(_dir.Path, "empty")).FullName;
        (code, output) = await MlobsProcess.RunAsync(verb, expr, "--data", empty);
        Assert.Equal(1, code);
        Assert.Contains("not an mlobs data directory", output);
        Assert.Empty(Directory.GetFileSystemEntries(empty));
    }

    [Fact]
    public async Task DashboardVerbsRefuseADataDirThatDoesNotExist()
    {
        var typo = Path.Combine(_dir.Path, "mlobs-dta");
        var dashboard = Path.Combine(_dir.Path, "d.json");
        File.WriteAllText(dashboard, """{"title": "d", "uid": "d", "panels": [{"id": 1, "type": "stat", "title": "up", "targets": [{"refId": "A", "expr": "up"}]}]}""");
        var (code, output) = await MlobsProcess.RunAsync("check", "dashboard", dashboard, "--data", typo);
        Assert.Equal(1, code);
        Assert.Contains("data directory does not exist", output);
        (code, output) = await MlobsProcess.RunAsync("snapshot", dashboard, "--data", typo, "--out", Path.Combine(_dir.Path, "s.html"));
        Assert.Equal(1, code);
        Assert.Contains("data directory does not exist", output);
        Assert.False(Directory.Exists(typo));
    }
}
