using Mlobs.Appliance.Config;
using Mlobs.Appliance.Scrape;
using Mlobs.Appliance.Telemetry;
using Mlobs.Rules.Yaml;
using Mlobs.Storage;
using Mlobs.Storage.Tsdb;
using Serilog;

namespace Mlobs.Appliance;

/// <summary>
/// The running appliance: the current config, the TSDB and the scrape manager, plus reload. The HTTP layer
/// and CLI verbs reach the subsystems through this one object.
/// </summary>
public sealed class ApplianceRuntime : IAsyncDisposable
{
    private readonly SemaphoreSlim _reloadLock = new(1, 1);
    private volatile PrometheusConfig _config;

    private ApplianceRuntime(PrometheusConfig config, string? configPath, TsdbDatabase tsdb, ScrapeManager scrape)
    {
        _config = config;
        ConfigPath = configPath;
        Tsdb = tsdb;
        Scrape = scrape;
    }

    public PrometheusConfig Config => _config;
    public string? ConfigPath { get; }
    public TsdbDatabase Tsdb { get; }
    public IStorage Storage => Tsdb;
    public ScrapeManager Scrape { get; }
    public DateTimeOffset StartTime { get; } = DateTimeOffset.UtcNow;

    public static ApplianceRuntime Open(PrometheusConfig config, string? configPath, string dataDir)
    {
        var tsdb = TsdbDatabase.Open(new TsdbOptions
        {
            Directory = dataDir,
            RetentionTime = config.Mlobs.RetentionTime,
            RetentionBytes = config.Mlobs.RetentionBytes,
        });
        tsdb.MaintenanceError += ex => Log.Error(ex, "TSDB maintenance failed");
        tsdb.StartMaintenance();
        Prometheus.Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            ApplianceMetrics.StorageBytes.Set(tsdb.DiskBytes());
            ApplianceMetrics.HeadSeries.Set(tsdb.SeriesCount);
        });
        // A per-process seed keeps target offsets stable for a given data dir across restarts.
        ulong seed = (ulong)Path.GetFullPath(dataDir).GetHashCode() & 0xFFFFFFFF;
        return new ApplianceRuntime(config, configPath, tsdb, new ScrapeManager(tsdb, seed));
    }

    public Task StartAsync() => Scrape.ApplyConfigAsync(_config);

    /// <summary>Re-reads the config file; on error keeps the running config and returns the error.</summary>
    public async Task<string?> ReloadAsync()
    {
        if (ConfigPath is null) return null; // the embedded default never changes
        await _reloadLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var next = ConfigLoader.LoadFile(ConfigPath);
            await Scrape.ApplyConfigAsync(next).ConfigureAwait(false);
            _config = next;
            ApplianceMetrics.ConfigReloads.WithLabels("success").Inc();
            Log.Information("Configuration reloaded from {Path}", ConfigPath);
            return null;
        }
        catch (ConfigException ex)
        {
            ApplianceMetrics.ConfigReloads.WithLabels("failure").Inc();
            Log.Error("Reloading configuration failed, keeping the previous one: {Error}", ex.Message);
            return ex.Message;
        }
        finally
        {
            _reloadLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Scrape.DisposeAsync().ConfigureAwait(false);
        Tsdb.Dispose();
    }
}
