using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Mlobs.Ingest.Dbt;
using Mlobs.Ingest.Push;
using Mlobs.Model.Labels;
using Mlobs.Storage.Logs;

namespace Mlobs.Appliance.Demo;

/// <summary>
/// The demo's batch and event sources, sending the way real ones do: a nightly training DAG's results and dbt source
/// freshness pushed through the Pushgateway API, Airflow's StatsD events to the StatsD receiver over UDP, and JSON
/// service logs (levels, trace ids, an error burst with the model server's) into the log store. Every 5 seconds;
/// the pushes every minute.
/// </summary>
public sealed class DemoEstate : IAsyncDisposable
{
    private readonly ApplianceRuntime _runtime;
    private readonly string _baseUrl;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly UdpClient _udp = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Random _rng = new(11);
    private int _round;
    private double _trainingRuns;

    public DemoEstate(ApplianceRuntime runtime, string baseUrl)
    {
        _runtime = runtime;
        _baseUrl = baseUrl;
        _loop = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try { await RoundAsync(DateTimeOffset.UtcNow).ConfigureAwait(false); }
            catch (Exception ex) when (ex is HttpRequestException or SocketException or IOException or TaskCanceledException)
            {
                Serilog.Log.Warning("Demo estate: {Error}", ex.Message);
            }
            try { await Task.Delay(TimeSpan.FromSeconds(5), _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task RoundAsync(DateTimeOffset now)
    {
        if (_round++ % 12 == 0)
        {
            await PushAsync("/metrics/job/nightly_training/pipeline/daily-training", Training(now)).ConfigureAwait(false);
            await PushAsync("/metrics/job/nightly_training/pipeline/feature-refresh", Pipeline("feature-refresh", success: false)).ConfigureAwait(false);
            await PushAsync("/metrics/job/dbt_freshness", PushTextWriter.Write(DbtFreshnessReader.Read(DbtSources(now), "demo sources.json"))).ConfigureAwait(false);
        }
        if (_runtime.StatsdReceiver?.UdpEndpoint is { } statsd)
        {
            var packet = Encoding.UTF8.GetBytes(AirflowEvents(now));
            await _udp.SendAsync(packet, packet.Length, statsd).ConfigureAwait(false);
        }
        _runtime.Logs.Append(ServiceLogs(now), dropDuplicates: true);
    }

    private async Task PushAsync(string path, string body)
    {
        using var response = await _http.PutAsync(_baseUrl + path, new StringContent(body, Encoding.UTF8, "text/plain"), _stop.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            Serilog.Log.Warning("Demo push to {Path}: {Status} {Body}", path, (int)response.StatusCode, await response.Content.ReadAsStringAsync().ConfigureAwait(false));
    }

    private string Training(DateTimeOffset now)
    {
        _trainingRuns++;
        return Pipeline("daily-training", success: true) + "# TYPE ml_training_runs_total counter\n" +
               $"ml_training_runs_total{{pipeline=\"daily-training\",status=\"succeeded\"}} {_trainingRuns.ToString(CultureInfo.InvariantCulture)}\n" +
               $"ml_training_runs_total{{pipeline=\"daily-training\",status=\"failed\"}} {Math.Floor(_trainingRuns / 4).ToString(CultureInfo.InvariantCulture)}\n" +
               "# TYPE ml_training_duration_seconds gauge\n" +
               $"ml_training_duration_seconds{{pipeline=\"daily-training\"}} {(2400 + 300 * _rng.NextDouble()).ToString("F0", CultureInfo.InvariantCulture)}\n" +
               "# TYPE ml_training_last_success_timestamp_seconds gauge\n" +
               $"ml_training_last_success_timestamp_seconds{{pipeline=\"daily-training\"}} {now.AddHours(-3).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}\n";
    }

    private static string Pipeline(string name, bool success) =>
        $"# TYPE ml_pipeline_last_run_success gauge\nml_pipeline_last_run_success{{pipeline=\"{name}\"}} {(success ? 1 : 0)}\n";

    /// <summary>What `dbt source freshness` would write: transactions fresh, labels 60 h old (warn), features 130 h (error).</summary>
    private static string DbtSources(DateTimeOffset now)
    {
        string Result(string source, string table, double hours, string status) =>
            $"{{\"unique_id\": \"source.ml_platform.{source}.{table}\", \"max_loaded_at\": \"{now.AddHours(-hours):yyyy-MM-ddTHH:mm:ss}+00:00\", " +
            $"\"snapshotted_at\": \"{now:yyyy-MM-ddTHH:mm:ss}+00:00\", \"max_loaded_at_time_ago_in_s\": {(hours * 3600).ToString(CultureInfo.InvariantCulture)}, " +
            $"\"status\": \"{status}\", \"criteria\": {{\"warn_after\": {{\"count\": 2, \"period\": \"day\"}}, \"error_after\": {{\"count\": 5, \"period\": \"day\"}}}}}}";
        return "{\"metadata\": {\"dbt_schema_version\": \"https://schemas.getdbt.com/dbt/sources/v3.json\"}, \"results\": [" +
               string.Join(", ", Result("raw", "transactions", 1, "pass"), Result("labelling", "labels", 60, "warn"), Result("raw", "features", 130, "error")) + "]}";
    }

    private string AirflowEvents(DateTimeOffset now)
    {
        var sb = new StringBuilder();
        foreach (var (dag, tasks) in new[] { ("train_model", new[] { "extract", "fit", "evaluate" }), ("score_batch", new[] { "load", "predict" }) })
        {
            foreach (var task in tasks)
            {
                bool failed = _rng.NextDouble() < (task == "fit" ? 0.15 : 0.03);
                sb.Append($"airflow.ti.start.{dag}.{task}:1|c\n");
                sb.Append($"airflow.ti.finish.{dag}.{task}.{(failed ? "failed" : "success")}:1|c\n");
                sb.Append($"airflow.dag.{dag}.{task}.duration:{(task == "fit" ? 90_000 : 4_000) * (0.7 + 0.6 * _rng.NextDouble()):F0}|ms\n");
                if (failed) sb.Append("airflow.ti_failures:1|c\nairflow.operator_failures_PythonOperator:1|c\n");
                else sb.Append("airflow.ti_successes:1|c\nairflow.operator_successes_PythonOperator:1|c\n");
            }
            sb.Append($"airflow.dagrun.duration.success.{dag}:{(dag == "train_model" ? 300_000 : 20_000) * (0.8 + 0.4 * _rng.NextDouble()):F0}|ms\n");
            sb.Append($"airflow.dagrun.schedule_delay.{dag}:{1500 + 3000 * _rng.NextDouble():F0}|ms\n");
        }
        int queued = (int)(6 + 5 * Math.Sin(now.ToUnixTimeSeconds() / 120.0));
        sb.Append($"airflow.executor.queued_tasks:{queued}|g\nairflow.executor.running_tasks:{4 + _rng.Next(0, 4)}|g\nairflow.executor.open_slots:{24 - queued}|g\n");
        sb.Append($"airflow.pool.open_slots.default_pool:{100 - queued}|g\nairflow.pool.queued_slots.default_pool:{queued}|g\n");
        sb.Append("airflow.scheduler_heartbeat:1|c\nairflow.dagbag_size:2|g\nairflow.dag_processing.import_errors:0|g\n");
        return sb.ToString();
    }

    private List<LogEntry> ServiceLogs(DateTimeOffset now)
    {
        var entries = new List<LogEntry>();
        bool burst = now.UtcDateTime.Minute % 10 is 2 or 3;
        long ns = now.ToUnixTimeMilliseconds() * 1_000_000;
        foreach (var service in new[] { "model-server", "feature-store" })
        {
            for (int i = 0; i < 6; i++)
            {
                double roll = _rng.NextDouble();
                // A few errors always (one line in six every fourth round), many during the model server's error burst.
                bool error = roll < (burst && service == "model-server" ? 0.3 : 0.03) || (i == 0 && _round % 4 == 1);
                string level = error ? "error" : roll < 0.12 ? "warn" : "info";
                var trace = _rng.NextInt64().ToString("x16", CultureInfo.InvariantCulture);
                var msg = level switch
                {
                    "error" => service == "model-server" ? "prediction timed out waiting for features" : "materialization job failed: upstream table missing",
                    "warn" => service == "model-server" ? "slow feature lookup" : "cache miss ratio above 20%",
                    _ => service == "model-server" ? "prediction served" : "features served",
                };
                int latency = (int)(level == "error" ? 1000 + 500 * _rng.NextDouble() : 20 + 80 * _rng.NextDouble());
                var line = $"{{\"ts\":\"{now.AddMilliseconds(-i * 700):O}\",\"level\":\"{level}\",\"msg\":\"{msg}\",\"model\":\"{(i % 2 == 0 ? "fraud" : "churn")}\",\"latency_ms\":{latency},\"trace_id\":\"{trace}\"}}";
                entries.Add(new LogEntry(LabelSet.From(("service", service), ("level", level), ("source", "demo")), ns - i * 700_000_000L, line));
            }
        }
        return entries;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        _udp.Dispose();
        _http.Dispose();
        _stop.Dispose();
    }
}
