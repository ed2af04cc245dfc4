using Prometheus;

namespace Mlobs.Appliance.Telemetry;

/// <summary>The binary's own metrics, exposed on /metrics through prometheus-net.</summary>
public static class ApplianceMetrics
{
    public static readonly Counter LogLinesRead = Metrics.CreateCounter(
        "mlobs_log_lines_read_total", "Lines read from log_sources files.");

    public static readonly Counter LogParseErrors = Metrics.CreateCounter(
        "mlobs_log_parse_errors_total", "Log lines their source's parser could not read (kept as written).");

    public static readonly Counter LogLinesTruncated = Metrics.CreateCounter(
        "mlobs_log_lines_truncated_total", "Log lines cut at the line size limit.");

    public static readonly Counter LogPushDuplicates = Metrics.CreateCounter(
        "mlobs_log_push_duplicates_total", "Pushed log lines ignored because their stream already held them (same timestamp and text), as Loki ignores them.");

    public static readonly Gauge LogStoreBytes = Metrics.CreateGauge(
        "mlobs_log_store_bytes", "Bytes used by the log store's files in the data directory.");

    public static readonly Gauge StorageBytes = Metrics.CreateGauge(
        "mlobs_tsdb_storage_bytes", "Bytes used by the TSDB files in the data directory.");

    public static readonly Gauge DataDirFreeBytes = Metrics.CreateGauge(
        "mlobs_data_dir_free_bytes", "Bytes free for mlobs on the filesystem holding the data directory (node_filesystem_avail_bytes of that mount).");

    public static readonly Gauge DataDirCapacityBytes = Metrics.CreateGauge(
        "mlobs_data_dir_capacity_bytes", "Size of the filesystem holding the data directory (node_filesystem_size_bytes of that mount).");

    /// <summary>The data directory's filesystem: what retention and a filling disk are measured against (Overview).</summary>
    public static void UpdateDataDir(string dataDir)
    {
        try
        {
            var drive = new DriveInfo(Path.GetFullPath(dataDir));
            DataDirFreeBytes.Set(drive.AvailableFreeSpace);
            DataDirCapacityBytes.Set(drive.TotalSize);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // A filesystem that cannot be asked: the gauges keep their last value.
        }
    }

    public static readonly Gauge HeadSeries = Metrics.CreateGauge(
        "mlobs_tsdb_head_series", "Series in the TSDB's head (in memory); series without recent samples are answered from disk.");

    public static readonly Counter SeriesToCold = Metrics.CreateCounter(
        "mlobs_tsdb_head_series_removed_total", "Series that left the head after head_series_idle without samples (their data stays on disk).");

    public static readonly Counter SeriesRestored = Metrics.CreateCounter(
        "mlobs_tsdb_head_series_restored_total", "Series brought back into the head from disk because they got samples again.");

    public static readonly Counter GroupMerges = Metrics.CreateCounter(
        "mlobs_tsdb_chunk_group_merges_total", "Chunk groups that overlapped stored ones and were merged with them.");

    public static readonly Gauge GcHeapBytes = Metrics.CreateGauge(
        "mlobs_gc_heap_bytes", "Managed heap after the last collection, by generation (gen0, gen1, gen2, loh, poh) and kind (size, fragmentation).",
        new GaugeConfiguration { LabelNames = ["generation", "kind"] });

    public static readonly Gauge GcCommittedBytes = Metrics.CreateGauge(
        "mlobs_gc_committed_bytes", "Memory the garbage collector has committed.");

    /// <summary>Per-generation sizes from the last collection, so memory growth can be told apart from garbage.</summary>
    public static void UpdateGcStats()
    {
        var info = GC.GetGCMemoryInfo();
        string[] names = ["gen0", "gen1", "gen2", "loh", "poh"];
        var gens = info.GenerationInfo;
        for (int i = 0; i < gens.Length && i < names.Length; i++)
        {
            GcHeapBytes.WithLabels(names[i], "size").Set(gens[i].SizeAfterBytes);
            GcHeapBytes.WithLabels(names[i], "fragmentation").Set(gens[i].FragmentationAfterBytes);
        }
        GcCommittedBytes.Set(info.TotalCommittedBytes);
    }

    public static readonly Counter HttpRequests = Metrics.CreateCounter(
        "mlobs_http_requests_total", "HTTP requests served, by handler and status code.", new CounterConfiguration { LabelNames = ["handler", "code"] });

    public static readonly Counter ConfigReloads = Metrics.CreateCounter(
        "mlobs_config_reloads_total", "Configuration loads, by result.", new CounterConfiguration { LabelNames = ["result"] });

    public static readonly Gauge LastReloadSuccessful = Metrics.CreateGauge(
        "mlobs_config_last_reload_successful", "Whether the last configuration reload attempt was successful (1) or kept the running config (0).");

    public static readonly Gauge LastReloadSuccessTimestamp = Metrics.CreateGauge(
        "mlobs_config_last_reload_success_timestamp_seconds", "Timestamp of the last successful configuration reload.");
}
