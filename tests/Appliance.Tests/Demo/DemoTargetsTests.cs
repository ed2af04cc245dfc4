using Mlobs.Appliance.Demo;

namespace Mlobs.Appliance.Tests.Demo;

/// <summary>
/// The demo's targets: the feature store is down exactly from 15 s to 2 min 45 s, so the shipped FeatureStoreDown
/// alert (for: 2m) fires and then resolves within three minutes; the model servers' counters only grow.
/// </summary>
public sealed class DemoTargetsTests
{
    [Fact]
    public void TheFeatureStoreIsDownFrom15SecondsTo2Minutes45()
    {
        using var targets = new DemoTargets();
        var start = DateTimeOffset.UtcNow;
        Assert.Equal(200, targets.Answer("/feature-store/metrics", start.AddSeconds(10)).Status);
        Assert.Equal(503, targets.Answer("/feature-store/metrics", start.AddSeconds(16)).Status);
        Assert.Equal(503, targets.Answer("/feature-store/metrics", start.AddSeconds(164)).Status);
        Assert.Equal(200, targets.Answer("/feature-store/metrics", start.AddSeconds(166)).Status);
        Assert.Equal(404, targets.Answer("/nothing", start).Status);
    }

    [Fact]
    public void ModelServerCountersOnlyGrow()
    {
        using var targets = new DemoTargets();
        var start = DateTimeOffset.UtcNow;
        double Predictions(int second)
        {
            var body = targets.Answer("/model-server/fraud/metrics", start.AddSeconds(second)).Body;
            var line = body.Split('\n').First(l => l.StartsWith("model_predictions_total{", StringComparison.Ordinal) && l.Contains("class=\"0\"", StringComparison.Ordinal));
            return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
        double a = Predictions(0), b = Predictions(5), c = Predictions(10);
        Assert.True(a < b && b < c, $"{a} {b} {c}");
        Assert.Contains("model_prediction_latency_seconds_bucket{model=\"fraud\",version=\"v3\",le=\"+Inf\"}", targets.Answer("/model-server/fraud/metrics", start.AddSeconds(15)).Body);
    }
}
