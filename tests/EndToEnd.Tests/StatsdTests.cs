using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// The StatsD receiver through the published binary with the shipped Airflow mapping: Debian's python3-statsd (UDP,
/// TCP, pipelines) and npm's hot-shots (DogStatsD tags) send a known event stream; the stored series must be what
/// statsd_exporter's documented semantics give (the table below), and a bad line or a conflicting event is refused
/// alone and counted.
/// </summary>
public sealed class StatsdTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private static readonly string ClientDir = Path.Combine(Paths.RepoRoot, "tests", "EndToEnd.Tests", "statsd");

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    /// <summary>Query → value, as statsd_exporter would expose them after the stream (timers in seconds, counters summed).</summary>
    private static readonly (string Query, double Value)[] Expected =
    [
        ("airflow_ti_finish_total{dag_id=\"train_model\",task_id=\"fit\",state=\"success\"}", 3),
        ("airflow_ti_finish_total{dag_id=\"train_model\",task_id=\"fit\",state=\"failed\"}", 1),
        ("airflow_ti_finish_total{dag_id=\"score_batch\",task_id=\"predict\",state=\"success\"}", 2), // hot-shots, tagged form
        ("airflow_ti_start_total{dag_id=\"train_model\",task_id=\"fit\"}", 4),
        ("airflow_ti_failures_total", 2), // one from python, one from the raw packet with a bad line in it
        ("airflow_ti_successes_total", 2), // a pipeline: several lines in one packet
        ("airflow_operator_failures_total{operator=\"PythonOperator\"}", 1), // a regex mapping
        ("airflow_job_start_total{job_name=\"scheduler_job\"}", 1),
        ("airflow_scheduler_heartbeat_total", 5), // over TCP
        ("airflow_executor_queued_tasks", 10), // 7, then +3
        ("airflow_pool_open_slots{pool=\"default_pool\"}", 128),
        ("airflow_dagbag_size", 12),
        ("airflow_task_duration_seconds_count{dag_id=\"train_model\",task_id=\"fit\"}", 2),
        ("airflow_task_duration_seconds_sum{dag_id=\"train_model\",task_id=\"fit\"}", 46.5), // 1500 ms + 45000 ms
        ("airflow_task_duration_seconds_bucket{dag_id=\"train_model\",task_id=\"fit\",le=\"5\"}", 1),
        ("airflow_task_duration_seconds_bucket{dag_id=\"train_model\",task_id=\"fit\",le=\"60\"}", 2),
        ("airflow_task_duration_seconds_sum{dag_id=\"score_batch\",task_id=\"predict\"}", 2.5),
        ("airflow_dagrun_duration_seconds_sum{dag_id=\"train_model\",state=\"success\"}", 90),
        ("airflow_some_unmapped_metric", 2), // unmapped: escaped as statsd_exporter escapes
        ("predictions{model=\"fraud\",version=\"3\"}", 10),
        ("feature_store_lag_seconds{store=\"online\"}", 42.5),
        ("prediction_latency_count{model=\"fraud\"}", 2), // h and d are not converted: 120 + 80
        ("prediction_latency_sum{model=\"fraud\"}", 200),
        ("max_over_time(airflow_active_users[5m])", 2), // sets: distinct members per interval (statsd_exporter refuses them)
        ("max_over_time(active_models[5m])", 2),
        ("mlobs_statsd_events_rejected_total{reason=\"malformed_line\"}", 1),
        ("mlobs_statsd_events_rejected_total{reason=\"type_conflict\"}", 1),
    ];

    [Fact]
    public async Task RealClientsEventsAreStoredAsStatsdExporterWouldExposeThem()
    {
        int udpPort = FreeUdpPort(), tcpPort = FakeTarget.FreePort(), httpPort = FakeTarget.FreePort();
        var mapping = Path.Combine(Paths.RepoRoot, "config", "statsd", "airflow.yml");
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: mlobs
                static_configs: [{"{"}targets: ['127.0.0.1:{httpPort}']{"}"}]
            statsd:
              listen_udp: 127.0.0.1:{udpPort}
              listen_tcp: 127.0.0.1:{tcpPort}
              mapping_config: '{mapping}'
            """);
        var (exit, output) = await MlobsProcess.RunAsync("check", "config", config);
        Assert.True(exit == 0, output);
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"), httpPort);

        (exit, output) = await PeerProcess.RunAsync(PeerProcess.DebianPython, Path.Combine(ClientDir, "send_python.py"), "127.0.0.1",
            udpPort.ToString(CultureInfo.InvariantCulture), tcpPort.ToString(CultureInfo.InvariantCulture));
        Assert.True(exit == 0, output);
        (exit, output) = await PeerProcess.RunAsync("node", Path.Combine(ClientDir, "send_hotshots.js"), "127.0.0.1", udpPort.ToString(CultureInfo.InvariantCulture));
        Assert.True(exit == 0, output);
        using (var udp = new UdpClient())
        {
            // A bad line does not cost the packet its good one; an event that would make a gauge a counter is refused alone.
            var packet = Encoding.UTF8.GetBytes("bad line\nairflow.ti_failures:1|c\nairflow.executor.queued_tasks:1|c\n");
            await udp.SendAsync(packet, packet.Length, "127.0.0.1", udpPort);
        }

        var got = new List<string>();
        await Wait.UntilAsync("every expected series stored", async () =>
        {
            got.Clear();
            foreach (var (query, value) in Expected)
            {
                var actual = await ValueAsync(mlobs.BaseUrl, query);
                if (actual is null || Math.Abs(actual.Value - value) > 1e-9) got.Add($"{query}: expected {value}, got {actual?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}");
            }
            return got.Count == 0;
        }, 30);
        Assert.Empty(got);

        // The shipped "Airflow pipelines" dashboard is built on this mapping: every panel has data once rates have two
        // rounds to work with (a round each second here).
        await Wait.UntilAsync("every Airflow pipelines panel with data", async () =>
        {
            (exit, output) = await MlobsProcess.RunAsync("check", "dashboard", Path.Combine(Paths.RepoRoot, "config", "dashboards", "airflow-pipelines.json"),
                "--server", mlobs.BaseUrl, "--from", "now-5m");
            return exit == 0;
        }, 30);
        Assert.Contains("0 errors, 0 without data", output);

        // The metric types are known to the metadata API, as a scrape of statsd_exporter would report them.
        using var metadata = JsonDocument.Parse(await _http.GetStringAsync(mlobs.BaseUrl + "/api/v1/metadata?metric=airflow_task_duration_seconds"));
        Assert.Equal("histogram", metadata.RootElement.GetProperty("data").GetProperty("airflow_task_duration_seconds")[0].GetProperty("type").GetString());
    }

    private static int FreeUdpPort()
    {
        using var socket = new UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }

    private async Task<double?> ValueAsync(string baseUrl, string query)
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync(baseUrl + "/api/v1/query?query=" + Uri.EscapeDataString(query)));
        var result = doc.RootElement.GetProperty("data").GetProperty("result");
        return result.GetArrayLength() == 0 ? null : double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
    }
}
