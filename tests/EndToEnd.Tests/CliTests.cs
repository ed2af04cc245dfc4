using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>The CLI verbs of the published binary: exit codes 0 ok, 1 failure, 2 usage.</summary>
public sealed class CliTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task CheckConfigAcceptsGoodAndLocatesErrors()
    {
        var good = Path.Combine(_dir.Path, "good.yml");
        File.WriteAllText(good, "scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['x:1']}]\n");
        var (exit, output) = await MlobsProcess.RunAsync("check", "config", good);
        Assert.Equal(0, exit);
        Assert.Contains("SUCCESS", output);

        var bad = Path.Combine(_dir.Path, "bad.yml");
        File.WriteAllText(bad, "scrape_configs:\n  - job_name: a\n    scrape_intervall: 5s\n");
        (exit, output) = await MlobsProcess.RunAsync("check", "config", bad);
        Assert.Equal(1, exit);
        Assert.Contains($"{bad}:3:5: field scrape_intervall not found in scrape config", output);
    }

    [Fact]
    public async Task UsageErrorsExitTwoAndHelpWorksOnEveryVerb()
    {
        Assert.Equal(2, (await MlobsProcess.RunAsync("frobnicate")).Exit);
        Assert.Equal(2, (await MlobsProcess.RunAsync("check", "config")).Exit);
        Assert.Equal(2, (await MlobsProcess.RunAsync("serve", "--listen", "nonsense")).Exit);
        foreach (var verb in new[] { new[] { "--help" }, ["serve", "--help"], ["check", "config", "--help"], ["import", "--help"], ["version", "--help"] })
        {
            var (exit, output) = await MlobsProcess.RunAsync(verb);
            Assert.Equal(0, exit);
            Assert.Contains("Usage:", output);
        }
        var (vexit, version) = await MlobsProcess.RunAsync("version");
        Assert.Equal(0, vexit);
        Assert.StartsWith("mlobs, version ", version);
    }

    [Fact]
    public async Task ImportBackfillsAndRejectsBadFilesWhole()
    {
        var data = Path.Combine(_dir.Path, "data");
        long t = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();
        var good = Path.Combine(_dir.Path, "history.om");
        File.WriteAllText(good, $"# TYPE drift gauge\ndrift{{feature=\"age\"}} 0.1 {t}\ndrift{{feature=\"age\"}} 0.2 {t + 60}\n# EOF\n");
        var (exit, output) = await MlobsProcess.RunAsync("import", good, "--data", data);
        Assert.Equal(0, exit);
        Assert.Contains("imported 2 samples of 1 series", output);

        var bad = Path.Combine(_dir.Path, "bad.om");
        File.WriteAllText(bad, $"drift{{feature=\"x\"}} 0.1 {t}\ndrift{{feature=\"x\" 0.2 {t + 60}\n# EOF\n");
        (exit, output) = await MlobsProcess.RunAsync("import", bad, "--data", data);
        Assert.Equal(1, exit);
        Assert.Contains($"{bad}:2:", output);
        Assert.Contains("nothing was imported", output);
    }
}
