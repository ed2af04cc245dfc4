using System.Globalization;
using System.Text;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// A scrape target with the metrics the shipped dashboards chart (pipelines, training runs, two models with
/// latency histograms, predictions by class, errors, drift, data freshness, memory), moving every half second.
/// </summary>
public sealed class MlExporter : IDisposable
{
    private readonly FakeTarget _target = new();
    private readonly Timer _timer;
    private readonly Random _rng = new(7);
    private double _tick;
    private readonly double[] _latency = new double[2 * 5];
    private readonly double[] _predictions = new double[2 * 3];
    private readonly double[] _errors = new double[2];
    private readonly double[] _runs = new double[3];

    public MlExporter()
    {
        Update(null);
        _timer = new Timer(Update, null, 500, 500);
    }

    public string Address => _target.Address;

    private static readonly string[] Models = ["churn", "fraud"];
    private static readonly string[] Les = ["0.05", "0.1", "0.5", "1", "+Inf"];

    private void Update(object? _)
    {
        lock (_rng)
        {
            _tick++;
            var sb = new StringBuilder();
            string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
            double now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
            sb.Append("# TYPE ml_pipeline_last_run_success gauge\n");
            sb.Append("ml_pipeline_last_run_success{pipeline=\"daily-training\"} 1\nml_pipeline_last_run_success{pipeline=\"feature-refresh\"} 0\n");
            sb.Append("# TYPE ml_training_runs_total counter\n");
            string[] statuses = ["succeeded", "failed", "running"];
            for (int s = 0; s < 3; s++)
            {
                _runs[s] += s == 0 ? 1 : _rng.Next(0, 2);
                sb.Append($"ml_training_runs_total{{pipeline=\"daily-training\",status=\"{statuses[s]}\"}} {F(_runs[s])}\n");
            }
            sb.Append("# TYPE model_accuracy_score gauge\n# TYPE model_prediction_latency_seconds histogram\n# TYPE model_predictions_total counter\n");
            sb.Append("# TYPE model_prediction_errors_total counter\n# TYPE model_feature_drift_score gauge\n");
            for (int m = 0; m < 2; m++)
            {
                string model = Models[m];
                sb.Append($"model_accuracy_score{{model=\"{model}\",version=\"v{m + 1}\"}} {F(0.75 + 0.1 * m + 0.01 * Math.Sin(_tick / 10))}\n");
                double count = 0;
                for (int b = 0; b < Les.Length; b++)
                {
                    _latency[m * 5 + b] += 10 + b * 20 + _rng.Next(0, 10);
                    count = _latency[m * 5 + b];
                    sb.Append($"model_prediction_latency_seconds_bucket{{model=\"{model}\",version=\"v{m + 1}\",le=\"{Les[b]}\"}} {F(count)}\n");
                }
                sb.Append($"model_prediction_latency_seconds_count{{model=\"{model}\",version=\"v{m + 1}\"}} {F(count)}\n");
                sb.Append($"model_prediction_latency_seconds_sum{{model=\"{model}\",version=\"v{m + 1}\"}} {F(count * 0.2)}\n");
                for (int c = 0; c < 3; c++)
                {
                    _predictions[m * 3 + c] += 5 + c * 3 + _rng.Next(0, 5);
                    sb.Append($"model_predictions_total{{model=\"{model}\",version=\"v{m + 1}\",class=\"{c}\"}} {F(_predictions[m * 3 + c])}\n");
                }
                _errors[m] += _rng.Next(0, 2);
                sb.Append($"model_prediction_errors_total{{model=\"{model}\",version=\"v{m + 1}\",error_type=\"timeout\"}} {F(_errors[m])}\n");
                foreach (var feature in new[] { "age", "tenure", "amount" })
                    sb.Append($"model_feature_drift_score{{model=\"{model}\",feature=\"{feature}\"}} {F(0.05 + 0.1 * m + _rng.NextDouble() * 0.05)}\n");
            }
            sb.Append("# TYPE data_source_last_success_timestamp_seconds gauge\n");
            sb.Append($"data_source_last_success_timestamp_seconds{{source=\"transactions\"}} {F(Math.Floor(now - 3600))}\n");
            sb.Append($"data_source_last_success_timestamp_seconds{{source=\"labels\"}} {F(Math.Floor(now - 60 * 3600))}\n");
            sb.Append($"data_source_last_success_timestamp_seconds{{source=\"features\"}} {F(Math.Floor(now - 130 * 3600))}\n");
            sb.Append("# TYPE process_resident_memory_bytes gauge\n");
            sb.Append($"process_resident_memory_bytes {F(200e6 + _rng.Next(0, 1_000_000))}\n");
            _target.Body = sb.ToString();
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _target.Dispose();
    }
}
