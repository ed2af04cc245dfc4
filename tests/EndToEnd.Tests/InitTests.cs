using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// `mlobs init` through the published binary: the folder it writes passes `check config`, `test rules` and
/// `check dashboard`, serves (with the push and StatsD intake on), and a second init refuses to overwrite it.
/// </summary>
public sealed class InitTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task WritesAStarterThatChecksTestsAndServes()
    {
        var target = Path.Combine(_dir.Path, "obs");
        var (exit, output) = await MlobsProcess.RunAsync("init", target);
        Assert.True(exit == 0, output);
        foreach (var file in new[] { "mlobs.yml", "README.md", "rules/ml-models.yml", "rules/ml-models_test.yml", "rules/data-freshness.yml",
                     "rules/data-freshness_test.yml", "rules/drift.yml", "rules/drift_test.yml", "dashboards/airflow-pipelines.json", "dashboards/model-serving.json", "statsd/airflow.yml" })
            Assert.True(File.Exists(Path.Combine(target, file)), file + "\n" + output);

        var config = Path.Combine(target, "mlobs.yml");
        (exit, output) = await MlobsProcess.RunAsync("check", "config", config);
        Assert.True(exit == 0, output);
        Assert.DoesNotContain("WARNING", output);
        var tests = Directory.GetFiles(Path.Combine(target, "rules"), "*_test.yml").Order(StringComparer.Ordinal).ToArray();
        (exit, output) = await MlobsProcess.RunAsync(["test", "rules", .. tests]);
        Assert.True(exit == 0, output);
        var dashboards = Directory.GetFiles(Path.Combine(target, "dashboards"), "*.json").Order(StringComparer.Ordinal).ToArray();
        (exit, output) = await MlobsProcess.RunAsync(["check", "dashboard", .. dashboards]);
        Assert.True(exit == 0, output);

        // It serves as written, with the listeners it names moved to free ports.
        int push = FakeTarget.FreePort(), statsd = FakeTarget.FreePort();
        File.WriteAllText(config, File.ReadAllText(config).Replace("127.0.0.1:9091", $"127.0.0.1:{push}").Replace("127.0.0.1:9125", $"127.0.0.1:{statsd}"));
        using (var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(target, "data")))
        {
            using var http = new HttpClient();
            var pushed = await http.PutAsync($"http://127.0.0.1:{push}/metrics/job/init_check", new StringContent("up_and_running 1\n"));
            Assert.True(pushed.IsSuccessStatusCode, await pushed.Content.ReadAsStringAsync());
            var ui = await http.GetStringAsync(mlobs.BaseUrl + "/api/search?query=Airflow");
            Assert.Contains("airflow-pipelines", ui);
        }

        var before = File.ReadAllText(Path.Combine(target, "rules", "ml-models.yml"));
        File.WriteAllText(Path.Combine(target, "rules", "ml-models.yml"), before + "\n# my change\n");
        (exit, output) = await MlobsProcess.RunAsync("init", target);
        Assert.Equal(1, exit);
        Assert.Contains("use --force to overwrite", output);
        Assert.EndsWith("# my change\n", File.ReadAllText(Path.Combine(target, "rules", "ml-models.yml"))); // nothing was written
        (exit, output) = await MlobsProcess.RunAsync("init", target, "--force");
        Assert.True(exit == 0, output);
        Assert.Equal(before, File.ReadAllText(Path.Combine(target, "rules", "ml-models.yml")));
    }
}
