using System.Globalization;
using System.Net;
using System.Text;

namespace Mlobs.Appliance.Demo;

/// <summary>
/// The demo's scrape targets on a loopback port: two model servers (fraud and churn: predictions with a daily shape,
/// latency histograms, an error burst every ten minutes, accuracy and feature drift) and a feature store that is down
/// from 15 s to 2 min 45 s after the start, so the shipped FeatureStoreDown alert (for: 2m) fires and then resolves.
/// </summary>
public sealed class DemoTargets : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, double> _counters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastServed = new(StringComparer.Ordinal);
    private readonly Random _rng = new(42);

    private static readonly double[] Bounds = [0.05, 0.1, 0.25, 0.5, 1, 2.5];

    public DemoTargets()
    {
        for (int attempt = 0; ; attempt++)
        {
            var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            try
            {
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5) { }
        }
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>The feature store answers 503 between these minutes after the start.</summary>
    public static readonly (TimeSpan From, TimeSpan To) FeatureStoreOutage = (TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(165));

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync().ConfigureAwait(false); }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            try
            {
                var (status, body) = Answer(ctx.Request.Url?.AbsolutePath ?? "", DateTimeOffset.UtcNow);
                var bytes = Encoding.UTF8.GetBytes(body);
                ctx.Response.StatusCode = status;
                ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                ctx.Response.ContentLength64 = bytes.Length;
                await ctx.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
                ctx.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException) { }
        }
    }

    internal (int Status, string Body) Answer(string path, DateTimeOffset now)
    {
        lock (_lock)
        {
            switch (path)
            {
                case "/model-server/fraud/metrics": return (200, ModelServer("fraud", "v3", 40, 0.93, now));
                case "/model-server/churn/metrics": return (200, ModelServer("churn", "v2", 15, 0.84, now));
                case "/feature-store/metrics":
                    var age = now - _started;
                    if (age >= FeatureStoreOutage.From && age < FeatureStoreOutage.To) return (503, "feature store unavailable (demo outage)\n");
                    return (200, FeatureStore(now));
                default: return (404, "not found\n");
            }
        }
    }

    /// <summary>Requests per second at this time of day: a trough at night, a peak in the afternoon.</summary>
    private static double DailyShape(DateTimeOffset now) => 1 + 0.6 * Math.Sin(2 * Math.PI * (now.UtcDateTime.TimeOfDay.TotalHours - 9) / 24);

    /// <summary>Minutes 2–3 of every ten: the fraud model times out on a slice of its traffic.</summary>
    private static bool ErrorBurst(DateTimeOffset now) => now.UtcDateTime.Minute % 10 is 2 or 3;

    private double Add(string key, double delta) => _counters[key] = _counters.GetValueOrDefault(key) + delta;

    private double Elapsed(string target, DateTimeOffset now)
    {
        double dt = _lastServed.TryGetValue(target, out var last) ? Math.Clamp((now - last).TotalSeconds, 0, 60) : 5;
        _lastServed[target] = now;
        return dt;
    }

    private string ModelServer(string model, string version, double baseRate, double accuracy, DateTimeOffset now)
    {
        double dt = Elapsed(model, now), rate = baseRate * DailyShape(now);
        bool burst = model == "fraud" && ErrorBurst(now);
        var sb = new StringBuilder();
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        string l = $"model=\"{model}\",version=\"{version}\"";
        sb.Append("# HELP model_predictions_total Predictions served, by predicted class.\n# TYPE model_predictions_total counter\n");
        string[] classes = ["0", "1"];
        double[] share = [0.93, 0.07];
        for (int c = 0; c < classes.Length; c++)
            sb.Append($"model_predictions_total{{{l},class=\"{classes[c]}\"}} {F(Math.Round(Add($"{model}/pred/{c}", rate * dt * share[c])))}\n");
        sb.Append("# HELP model_prediction_errors_total Predictions that failed.\n# TYPE model_prediction_errors_total counter\n");
        sb.Append($"model_prediction_errors_total{{{l},error_type=\"timeout\"}} {F(Math.Round(Add($"{model}/err", rate * dt * (burst ? 0.12 : 0.004))))}\n");
        sb.Append("# HELP model_prediction_latency_seconds Time to serve a prediction.\n# TYPE model_prediction_latency_seconds histogram\n");
        double served = rate * dt, cumulative = 0, typical = (model == "fraud" ? 0.08 : 0.18) * (burst ? 4 : 1);
        double sum = Add($"{model}/lat/sum", served * typical * 1.1);
        for (int b = 0; b < Bounds.Length; b++)
        {
            // A log-normal-ish share below each bound around the typical latency.
            double below = 1 / (1 + Math.Exp(-3 * Math.Log(Bounds[b] / typical)));
            cumulative = Add($"{model}/lat/{b}", served * (below - (b == 0 ? 0 : 1 / (1 + Math.Exp(-3 * Math.Log(Bounds[b - 1] / typical))))));
            double total = 0;
            for (int k = 0; k <= b; k++) total += _counters[$"{model}/lat/{k}"];
            sb.Append($"model_prediction_latency_seconds_bucket{{{l},le=\"{F(Bounds[b])}\"}} {F(Math.Round(total))}\n");
        }
        double count = Add($"{model}/lat/count", served);
        sb.Append($"model_prediction_latency_seconds_bucket{{{l},le=\"+Inf\"}} {F(Math.Round(count))}\n");
        sb.Append($"model_prediction_latency_seconds_sum{{{l}}} {F(sum)}\nmodel_prediction_latency_seconds_count{{{l}}} {F(Math.Round(count))}\n");
        sb.Append("# HELP model_accuracy_score Accuracy on the latest labelled window.\n# TYPE model_accuracy_score gauge\n");
        sb.Append($"model_accuracy_score{{{l}}} {F(accuracy + 0.01 * Math.Sin(now.ToUnixTimeSeconds() / 600.0))}\n");
        sb.Append("# HELP model_feature_drift_score Population stability of each input feature against training.\n# TYPE model_feature_drift_score gauge\n");
        foreach (var (feature, level) in new[] { ("amount", 0.08), ("merchant_category", 0.12), ("account_age_days", 0.05) })
            sb.Append($"model_feature_drift_score{{model=\"{model}\",feature=\"{feature}\"}} {F(level + 0.02 * _rng.NextDouble())}\n");
        AppendDistributions(sb, model, served, now);
        sb.Append("# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\n");
        sb.Append($"process_resident_memory_bytes {F(Math.Round((model == "fraud" ? 412e6 : 285e6) + 4e6 * _rng.NextDouble()))}\n");
        return sb.ToString();
    }

    private static readonly double[] AmountBounds = [10, 25, 50, 100, 250, 500, 1000, 2500];
    private static readonly double[] AmountShares = [0.08, 0.17, 0.25, 0.24, 0.15, 0.07, 0.03, 0.008, 0.002];
    private static readonly double[] AmountSharesDrifted = [0.02, 0.05, 0.09, 0.16, 0.24, 0.22, 0.14, 0.06, 0.02];
    private static readonly double[] AgeBounds = [7, 30, 90, 180, 365, 730];
    private static readonly double[] AgeShares = [0.05, 0.1, 0.2, 0.2, 0.2, 0.15, 0.1];
    private static readonly double[] ScoreBounds = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
    private static readonly double[] ScoreShares = [0.46, 0.2, 0.11, 0.07, 0.05, 0.04, 0.03, 0.02, 0.015, 0.005, 0];

    /// <summary>
    /// The fraud model's "amount" feature drifts towards larger amounts from 1 min 30 s to 4 min 30 s of every six
    /// minutes after the start, so the demo's drift monitor (current 1m against the 5m before it) flags it, the shipped
    /// drift alerts fire, and then it settles again.
    /// </summary>
    public static readonly (TimeSpan From, TimeSpan To, TimeSpan Period) AmountDrift = (TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(270), TimeSpan.FromMinutes(6));

    private bool AmountDrifting(string model, DateTimeOffset now)
    {
        if (model != "fraud") return false;
        var phase = TimeSpan.FromTicks((now - _started).Ticks % AmountDrift.Period.Ticks);
        return phase >= AmountDrift.From && phase < AmountDrift.To;
    }

    /// <summary>What a model server exporting its input and score distributions as classic histograms writes.</summary>
    private void AppendDistributions(StringBuilder sb, string model, double served, DateTimeOffset now)
    {
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        void Histogram(string key, string labels, double[] bounds, double[] shares)
        {
            double total = 0;
            for (int b = 0; b <= bounds.Length; b++)
            {
                total += Add($"{model}/{key}/{labels}/{b}", served * shares[b]);
                string le = b < bounds.Length ? F(bounds[b]) : "+Inf";
                sb.Append($"{key}_bucket{{{labels},le=\"{le}\"}} {F(Math.Round(total))}\n");
            }
            // The sum as if each observation sat at its bucket's middle (the +Inf bucket at its lower bound).
            double mean = 0;
            for (int b = 0; b <= bounds.Length; b++)
                mean += shares[b] * (b == bounds.Length ? bounds[^1] : (bounds[b] + (b == 0 ? 0 : bounds[b - 1])) / 2);
            sb.Append($"{key}_sum{{{labels}}} {F(Add($"{model}/{key}/{labels}/sum", served * mean))}\n");
            sb.Append($"{key}_count{{{labels}}} {F(Math.Round(total))}\n");
        }
        sb.Append("# HELP feature_input_distribution Values of each input feature the model saw.\n# TYPE feature_input_distribution histogram\n");
        Histogram("feature_input_distribution", $"model=\"{model}\",feature=\"amount\"", AmountBounds, AmountDrifting(model, now) ? AmountSharesDrifted : AmountShares);
        Histogram("feature_input_distribution", $"model=\"{model}\",feature=\"account_age_days\"", AgeBounds, AgeShares);
        sb.Append("# HELP prediction_score_distribution Scores the model predicted.\n# TYPE prediction_score_distribution histogram\n");
        Histogram("prediction_score_distribution", $"model=\"{model}\"", ScoreBounds, ScoreShares);
    }

    private string FeatureStore(DateTimeOffset now)
    {
        double dt = Elapsed("feature-store", now);
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return "# HELP feature_store_requests_total Online feature lookups.\n# TYPE feature_store_requests_total counter\n" +
               $"feature_store_requests_total {F(Math.Round(Add("fs/req", 55 * DailyShape(now) * dt)))}\n" +
               "# HELP feature_store_materialization_lag_seconds Age of the newest materialized features.\n# TYPE feature_store_materialization_lag_seconds gauge\n" +
               $"feature_store_materialization_lag_seconds {F(120 + 60 * _rng.NextDouble())}\n";
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _listener.Stop(); _listener.Close(); } catch (ObjectDisposedException) { }
        _stop.Dispose();
    }
}
