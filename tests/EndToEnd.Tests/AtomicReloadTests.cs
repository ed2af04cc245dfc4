using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// A reload is all or nothing, through the published binary: with each section of the config broken in turn, the
/// reload fails, and the running config, targets, rules, alert templates' <c>$externalLabels</c> and
/// /api/v1/status/config stay exactly as they were; <c>mlobs_config_last_reload_successful</c> says 0.
/// </summary>
public sealed class AtomicReloadTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    private const string Rules = """
        groups:
        - name: site
          interval: 1s
          rules:
          - alert: Always
            expr: vector(1)
            annotations:
              summary: 'site {{ $externalLabels.site }}'
        """;

    private static string Config(string site, string scrapeJob, string extra = "") => $$"""
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
          external_labels: {site: {{site}}}
        rule_files: [rules*.yml]
        scrape_configs:
          - job_name: {{scrapeJob}}
            static_configs: [{targets: ['127.0.0.1:1']}]
        mlobs:
          alertmanager_config:
            route: {receiver: hook}
            receivers: [{name: hook, webhook_configs: [{url: 'http://127.0.0.1:1/'}]}]
        {{extra}}
        """;

    public static TheoryData<string, string> BrokenSections() => new()
    {
        // section, what is written on top of a config that also changes the site and the scrape job
        { "global", "BROKEN_GLOBAL" },
        { "rule_files", "BROKEN_RULES" },
        { "scrape_configs", "BROKEN_SCRAPE" },
        { "alerting", "alerting:\n  alertmanagers: [{static_configs: [{targets: ['a:1']}], relabel_configs: [{action: nonsense}]}]" },
        { "mlobs.alertmanager_config", "BROKEN_ROUTER" },
        { "log_sources", "log_sources: [{name: app, paths: ['x.log'], parser: regex}]" },
    };

    [Theory, MemberData(nameof(BrokenSections))]
    public async Task AReloadWithOneBrokenSectionChangesNothing(string section, string breakage)
    {
        File.WriteAllText(Path.Combine(_dir.Path, "rules.yml"), Rules);
        var configPath = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(configPath, Config("a", "before"));
        using var p = await MlobsProcess.ServeAsync(configPath, Path.Combine(_dir.Path, "data"));
        await Wait.UntilAsync("the alert's annotation", async () => (await Summary(p)) == "site a");
        var configBefore = await StatusConfig(p);

        // The new config changes the external label and the job too, so a half-applied reload would show.
        string next = Config("b", "after");
        switch (breakage)
        {
            case "BROKEN_GLOBAL": next = next.Replace("external_labels: {site: b}", "external_labels: {site: b, 'bad-name': x}"); break;
            case "BROKEN_RULES": File.WriteAllText(Path.Combine(_dir.Path, "rules-new.yml"), "groups:\n- name: new\n  rules:\n  - alert: X\n    expr: 'vector(1) +'\n"); break;
            case "BROKEN_SCRAPE": next = next.Replace("static_configs: [{targets: ['127.0.0.1:1']}]", "static_configs: [{targets: ['127.0.0.1:1']}]\n    relabel_configs: [{regex: '(', target_label: x}]"); break;
            case "BROKEN_ROUTER": next = next.Replace("route: {receiver: hook}", "route: {receiver: nobody}"); break;
            default: next += breakage + "\n"; break;
        }
        File.WriteAllText(configPath, next);
        using var reload = await _http.PostAsync(p.BaseUrl + "/-/reload", null);
        var reloadText = await reload.Content.ReadAsStringAsync();
        Assert.True((int)reload.StatusCode == 500, $"{section}: reload answered {(int)reload.StatusCode} {reloadText}");
        Assert.StartsWith("failed to reload config: ", reloadText);

        Assert.Equal(configBefore, await StatusConfig(p));
        var metrics = await _http.GetStringAsync(p.BaseUrl + "/metrics");
        Assert.Contains("mlobs_config_last_reload_successful 0", metrics);
        using (var targets = JsonDocument.Parse(await _http.GetStringAsync(p.BaseUrl + "/api/v1/targets")))
            Assert.Equal(["before"], targets.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                .Select(t => t.GetProperty("scrapePool").GetString()).Distinct());
        using (var rules = JsonDocument.Parse(await _http.GetStringAsync(p.BaseUrl + "/api/v1/rules")))
            Assert.Equal(["site"], rules.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("name").GetString()));
        await Task.Delay(2500); // two more evaluations
        Assert.Equal("site a", await Summary(p));

        // Fixed, the same change applies whole.
        File.Delete(Path.Combine(_dir.Path, "rules-new.yml"));
        File.WriteAllText(configPath, Config("b", "after"));
        using var ok = await _http.PostAsync(p.BaseUrl + "/-/reload", null);
        Assert.Equal(200, (int)ok.StatusCode);
        Assert.Contains("mlobs_config_last_reload_successful 1", await _http.GetStringAsync(p.BaseUrl + "/metrics"));
        await Wait.UntilAsync("the new external label", async () => (await Summary(p)) == "site b");
    }

    private async Task<string?> Summary(MlobsProcess p)
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync(p.BaseUrl + "/api/v1/alerts"));
        return doc.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray()
            .Select(a => a.GetProperty("annotations").GetProperty("summary").GetString()).FirstOrDefault();
    }

    private async Task<string> StatusConfig(MlobsProcess p)
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync(p.BaseUrl + "/api/v1/status/config"));
        return doc.RootElement.GetProperty("data").GetProperty("yaml").GetString()!;
    }
}
