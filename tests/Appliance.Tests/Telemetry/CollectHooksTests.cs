using Mlobs.Appliance.Telemetry;
using Mlobs.Config;
using Mlobs.Tests.Support;
using Prometheus;

namespace Mlobs.Appliance.Tests.Telemetry;

/// <summary>Two runtimes in one process, opened and disposed: nothing stays registered, and /metrics still collects.</summary>
public sealed class CollectHooksTests
{
    [Fact]
    public async Task RuntimesRemoveTheirHooksWhenDisposed()
    {
        using var first = new TempDir();
        using var second = new TempDir();
        var config = ConfigLoader.Parse("global:\n  scrape_interval: 15s\n", "prometheus.yml");
        int before = CollectHooks.Count;
        var a = ApplianceRuntime.Open(config, null, first.Path);
        int perRuntime = CollectHooks.Count - before;
        Assert.True(perRuntime > 0);
        var b = ApplianceRuntime.Open(config, null, second.Path);
        Assert.Equal(before + 2 * perRuntime, CollectHooks.Count);
        await CollectAsync();
        await a.DisposeAsync();
        Assert.Equal(before + perRuntime, CollectHooks.Count);
        // The disposed runtime's stores are closed: collecting must not reach them.
        Assert.Contains("mlobs_tsdb_head_series", await CollectAsync());
        await b.DisposeAsync();
        Assert.Equal(before, CollectHooks.Count);
        await CollectAsync();
    }

    private static async Task<string> CollectAsync()
    {
        using var stream = new MemoryStream();
        await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
