using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>Loki's push and query_range semantics clients rely on, through the published binary.</summary>
public sealed class LokiSemanticsTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

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

    private static StringContent Body(long firstNs, int count, string prefix = "entry") => new(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["streams"] = new[]
        {
            new Dictionary<string, object>
            {
                ["stream"] = new Dictionary<string, string> { ["job"] = "retry" },
                ["values"] = Enumerable.Range(0, count).Select(i => new[] { (firstNs + i * 1_000_000_000L).ToString(), $"{prefix} {i}" }).ToArray(),
            },
        },
    }), Encoding.UTF8, "application/json");

    [Fact]
    public async Task ARetriedPushIsStoredOnce()
    {
        using var p = await Serve();
        long first = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000) * 1_000_000;
        for (int attempt = 0; attempt < 2; attempt++)
        {
            using var r = await _http.PostAsync(p.BaseUrl + "/loki/api/v1/push", Body(first, 5));
            Assert.Equal(204, (int)r.StatusCode);
        }
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var counted = await _http.GetFromJsonAsync<JsonElement>(p.BaseUrl + "/loki/api/v1/query?query=" +
            Uri.EscapeDataString("sum(count_over_time({job=\"retry\"}[10m]))") + $"&time={now}");
        Assert.Equal("5", counted.GetProperty("data").GetProperty("result")[0].GetProperty("value")[1].GetString());
        var metrics = await _http.GetStringAsync(p.BaseUrl + "/metrics");
        Assert.Contains("mlobs_log_push_duplicates_total 5", metrics);
    }

    [Fact]
    public async Task QueryRangeReadsStartInclusiveEndExclusiveSoPagingByTimeSeesEachLineOnce()
    {
        using var p = await Serve();
        long first = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000) * 1_000_000;
        using (var r = await _http.PostAsync(p.BaseUrl + "/loki/api/v1/push", Body(first, 6, "line")))
            Assert.Equal(204, (int)r.StatusCode);
        async Task<List<(long Ns, string Line)>> Page(long start, long end, string direction)
        {
            var body = await _http.GetFromJsonAsync<JsonElement>(p.BaseUrl + "/loki/api/v1/query_range?query=" + Uri.EscapeDataString("{job=\"retry\"}")
                + $"&start={start}&end={end}&direction={direction}&limit=2");
            return body.GetProperty("data").GetProperty("result").EnumerateArray().SelectMany(s => s.GetProperty("values").EnumerateArray())
                .Select(v => (long.Parse(v[0].GetString()!), v[1].GetString()!)).ToList();
        }
        // [first + 3 s, first + 4 s): line 3 only, not line 4 on the end
        Assert.Equal(["line 3"], (await Page(first + 3_000_000_000, first + 4_000_000_000, "forward")).Select(x => x.Line));
        // logcli pages backward from the end: each next page ends at the oldest line it has seen
        var paged = new List<string>();
        long end = first + 6_000_000_000;
        for (int i = 0; i < 10; i++)
        {
            var page = await Page(first, end, "backward");
            if (page.Count == 0) break;
            paged.AddRange(page.Select(x => x.Line));
            end = page.Min(x => x.Ns);
        }
        Assert.Equal(Enumerable.Range(0, 6).Reverse().Select(i => $"line {i}"), paged);
    }
}
