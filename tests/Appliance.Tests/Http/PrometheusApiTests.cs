using System.Net;
using Mlobs.Appliance.Http;
using Mlobs.Ingest.Scrape;
using Mlobs.Model.Labels;

namespace Mlobs.Appliance.Tests.Http;

/// <summary>/api/v1/targets, series, labels, label values, buildinfo and status/config: success and error shapes.</summary>
public sealed class PrometheusApiTests
{
    private static readonly long T = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();

    private static async Task<ApiHost> HostWithSeriesAsync()
    {
        var host = await ApiHost.StartAsync();
        host.Append(
            (LabelSet.From(("__name__", "up"), ("job", "api"), ("instance", "a:1")), T, 1),
            (LabelSet.From(("__name__", "up"), ("job", "batch"), ("instance", "b:1")), T, 0),
            (LabelSet.From(("__name__", "model_accuracy"), ("job", "api"), ("model", "fraud")), T, 0.93));
        return host;
    }

    [Fact]
    public async Task TargetsAreListedPerPoolWithFilters()
    {
        await using var host = await ApiHost.StartAsync();
        var labels = LabelSet.From(("instance", "a:1"), ("job", "api"));
        var discovered = LabelSet.From(("__address__", "a:1"), ("job", "api"));
        host.Targets.Pools.Add(new TargetPool("api",
            [new ScrapeTarget("api", labels, discovered, new Uri("http://a:1/metrics"), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10))],
            [new DroppedTarget("api", LabelSet.From(("__address__", "c:1"), ("job", "api")))]));
        host.Targets.Pools.Add(new TargetPool("batch", [], []));

        var data = await host.DataAsync("/api/v1/targets");
        var target = Assert.Single(data.GetProperty("activeTargets").EnumerateArray());
        Assert.Equal("api", target.GetProperty("scrapePool").GetString());
        Assert.Equal("http://a:1/metrics", target.GetProperty("scrapeUrl").GetString());
        Assert.Equal("a:1", target.GetProperty("labels").GetProperty("instance").GetString());
        Assert.Equal("a:1", target.GetProperty("discoveredLabels").GetProperty("__address__").GetString());
        Assert.Equal("unknown", target.GetProperty("health").GetString());
        Assert.Equal("0001-01-01T00:00:00Z", target.GetProperty("lastScrape").GetString());
        Assert.Equal("15s", target.GetProperty("scrapeInterval").GetString());
        Assert.Equal("10s", target.GetProperty("scrapeTimeout").GetString());
        Assert.Equal("c:1", Assert.Single(data.GetProperty("droppedTargets").EnumerateArray()).GetProperty("discoveredLabels").GetProperty("__address__").GetString());
        Assert.Equal(1, data.GetProperty("droppedTargetCounts").GetProperty("api").GetInt32());
        Assert.Equal(0, data.GetProperty("droppedTargetCounts").GetProperty("batch").GetInt32());

        var active = await host.DataAsync("/api/v1/targets?state=active");
        Assert.Equal(0, active.GetProperty("droppedTargets").GetArrayLength());
        var dropped = await host.DataAsync("/api/v1/targets?state=dropped");
        Assert.Equal(0, dropped.GetProperty("activeTargets").GetArrayLength());
        var other = await host.DataAsync("/api/v1/targets?scrapePool=batch");
        Assert.Equal(0, other.GetProperty("activeTargets").GetArrayLength());
    }

    [Fact]
    public async Task SeriesLabelsAndValuesAnswerFromStorage()
    {
        await using var host = await HostWithSeriesAsync();
        var series = await host.DataAsync("/api/v1/series?match[]=up");
        Assert.Equal(["api", "batch"], series.EnumerateArray().Select(s => s.GetProperty("job").GetString()));
        var union = await host.DataAsync("/api/v1/series", new() { ["match[]"] = "model_accuracy" });
        Assert.Equal("fraud", Assert.Single(union.EnumerateArray()).GetProperty("model").GetString());

        Assert.Equal(["__name__", "instance", "job", "model"], (await host.DataAsync("/api/v1/labels")).EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["__name__", "instance", "job"],
            (await host.DataAsync("/api/v1/labels?match[]=up")).EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["api", "batch"], (await host.DataAsync("/api/v1/label/job/values")).EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["api"], (await host.DataAsync("/api/v1/label/job/values?match[]=model_accuracy")).EnumerateArray().Select(e => e.GetString()));

        var (_, limited) = await host.JsonAsync("/api/v1/label/job/values?limit=1");
        Assert.Equal(["api"], limited.GetProperty("data").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("results truncated due to limit", Assert.Single(limited.GetProperty("warnings").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task BadParametersAreBadData()
    {
        await using var host = await HostWithSeriesAsync();
        await host.AssertErrorAsync("/api/v1/series", HttpStatusCode.BadRequest, "bad_data", "no match[] parameter provided");
        await host.AssertErrorAsync("/api/v1/labels?limit=-1", HttpStatusCode.BadRequest, "bad_data", "limit must be a non-negative number");
        // As Prometheus's parseMatchersParam: the selector's parse error as it is, without a parameter name.
        await host.AssertErrorAsync("/api/v1/series?match[]=up{", HttpStatusCode.BadRequest, "bad_data",
            "1:4: parse error: unexpected end of input inside braces");
        await host.AssertErrorAsync("/api/v1/series?match[]=up&start=yesterday", HttpStatusCode.BadRequest, "bad_data",
            "invalid parameter \"start\": cannot parse \"yesterday\" to a valid timestamp");
    }

    [Fact]
    public async Task BuildInfoAndConfigStatus()
    {
        await using var host = await ApiHost.StartAsync();
        var build = await host.DataAsync("/api/v1/status/buildinfo");
        Assert.False(string.IsNullOrEmpty(build.GetProperty("version").GetString()));
        Assert.Equal("main", build.GetProperty("branch").GetString());
        var config = await host.DataAsync("/api/v1/status/config");
        Assert.Equal("global:\n  scrape_interval: 15s\n", config.GetProperty("yaml").GetString());
    }
}
