using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>The CLI verbs of the published binary: exit codes 0 ok, 1 failure, 2 usage.</summary>
public sealed class CliTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task KeysAcceptedButNotUsedAreWarnedByCheckConfigAndServe()
    {
        var config = Path.Combine(_dir.Path, "warn.yml");
        File.WriteAllText(config, "global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: a\n    enable_http2: false\n    static_configs: [{targets: ['127.0.0.1:1']}]\n");
        var (exit, output) = await MlobsProcess.RunAsync("check", "config", config);
        Assert.Equal(0, exit);
        Assert.Contains($"WARNING: {config}:5:5: enable_http2: accepted but not used by mlobs", output);
        using var p = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));
        await Wait.UntilAsync("the warning in the log", () => Task.FromResult(p.Output.Contains($"{config}:5:5: enable_http2: accepted but not used by mlobs")));
    }

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

        // The built-in router's alertmanager.yml is checked with the config, with positions; ${VAR} expands.
        var router = Path.Combine(_dir.Path, "router.yml");
        File.WriteAllText(router, """
            mlobs:
              alertmanager_config:
                route:
                  receiver: team
                  routes: [{matchers: ['severity="page"'], receiver: pager}]
                receivers:
                  - name: team
                    slack_configs: [{api_url: "${MLOBS_TEST_SLACK_URL}", channel: '#ml'}]
                  - name: pager
                    pagerduty_configs: [{routing_key: abc}]
            """);
        var psi = new System.Diagnostics.ProcessStartInfo(MlobsProcess.BinaryPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "check", "config", router }) psi.ArgumentList.Add(a);
        psi.Environment["MLOBS_TEST_SLACK_URL"] = "https://hooks.slack.example/services/T/B/X";
        using (var p = System.Diagnostics.Process.Start(psi)!)
        {
            var text = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, text);
            Assert.Contains("built-in router: 2 routes, 2 receivers (2 integrations), 0 inhibit rules", text);
        }
        (exit, output) = await MlobsProcess.RunAsync("check", "config", router);   // the variable unset: an empty URL
        Assert.Equal(1, exit);
        Assert.Contains($"{router}:8:35: unsupported scheme \"\" for URL", output);
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
