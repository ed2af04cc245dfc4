using System.Diagnostics;
using System.Text.Json;
using Mlobs.Tests.Support;
using Mlobs.WebUi.Dashboards;

namespace Mlobs.WebUi.Tests.Dashboards;

public class TemplateInterpolatorTests
{
    /// <summary>Cases shared with the browser's implementation (interpolation-cases.json), so both interpolate alike.</summary>
    private static readonly string CasesFile = Path.Combine(Paths.RepoRoot, "tests", "WebUi.Tests", "Dashboards", "interpolation-cases.json");

    private static (Dictionary<string, VariableValue> Vars, JsonElement Root) Cases()
    {
        var root = JsonDocument.Parse(File.ReadAllText(CasesFile)).RootElement.Clone();
        var vars = new Dictionary<string, VariableValue>();
        foreach (var v in root.GetProperty("variables").EnumerateObject())
        {
            string[] Strings(string name) => v.Value.GetProperty(name).EnumerateArray().Select(x => x.GetString()!).ToArray();
            var all = v.Value.GetProperty("allValue");
            vars[v.Name] = new VariableValue(Strings("values"), v.Value.GetProperty("isAll").GetBoolean(), v.Value.GetProperty("multi").GetBoolean(),
                v.Value.GetProperty("includeAll").GetBoolean(), all.ValueKind == JsonValueKind.Null ? null : all.GetString(), Strings("all"));
        }
        return (vars, root);
    }

    [Fact]
    public void InterpolatesAsGrafanasPrometheusDatasource()
    {
        var (vars, root) = Cases();
        foreach (var c in root.GetProperty("cases").EnumerateArray())
            Assert.Equal(c[1].GetString(), TemplateInterpolator.Interpolate(c[0].GetString()!, vars));
    }

    [Fact]
    public void PanelIntervalsRoundLikeGrafana()
    {
        var (_, root) = Cases();
        foreach (var c in root.GetProperty("intervals").EnumerateArray())
        {
            var interval = GrafanaTime.PanelInterval(TimeSpan.FromMilliseconds(c[0].GetInt64()), c[1].GetInt32(),
                c[2].ValueKind == JsonValueKind.Null ? null : c[2].GetString(), TimeSpan.FromSeconds(15));
            Assert.Equal(c[3].GetInt64(), (long)interval.TotalMilliseconds);
        }
    }

    [Fact]
    public void ScrapeIntervalsFloorPanelIntervalsAndSetTheRateInterval()
    {
        var (_, root) = Cases();
        foreach (var c in root.GetProperty("scrapeIntervals").EnumerateArray())
        {
            var scrape = TimeSpan.FromMilliseconds(c[3].GetInt64());
            var interval = GrafanaTime.PanelInterval(TimeSpan.FromMilliseconds(c[0].GetInt64()), c[1].GetInt32(),
                c[2].ValueKind == JsonValueKind.Null ? null : c[2].GetString(), scrape);
            Assert.Equal(c[4].GetInt64(), (long)interval.TotalMilliseconds);
            var builtIns = new Dictionary<string, VariableValue>();
            TemplateInterpolator.AddBuiltIns(builtIns, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMilliseconds(c[0].GetInt64()), interval, scrape);
            Assert.Equal(c[5].GetString(), builtIns["__rate_interval"].Values[0]);
        }
        foreach (var c in root.GetProperty("steps").EnumerateArray())
            Assert.Equal(c[2].GetInt64(), (long)GrafanaTime.QueryStep(TimeSpan.FromMilliseconds(c[0].GetInt64()), TimeSpan.FromMilliseconds(c[1].GetInt64())).TotalMilliseconds);
    }

    [Fact]
    public void LokiTargetsAndRepeatCopiesAsThePageDecides()
    {
        var (vars, root) = Cases();
        foreach (var c in root.GetProperty("lokiTargets").EnumerateArray())
        {
            var panelType = c[0].TryGetProperty("type", out var t) ? t.GetString()! : "";
            Assert.True(c[2].GetBoolean() == DashboardParser.IsLokiTarget(panelType, c[0], c[1]), $"{c[0]} {c[1]}");
        }
        foreach (var c in root.GetProperty("repeats").EnumerateArray())
        {
            var expected = c[1].EnumerateArray().Select(x => x.GetString()!).ToList();
            Assert.Equal(expected, PanelQueries.RepeatValues(c[0].ValueKind == JsonValueKind.Null ? null : c[0].GetString(), vars));
        }
    }

    [Fact]
    public void TheSnapshotRunsThePagesScripts()
    {
        var index = File.ReadAllText(Path.Combine(Paths.RepoRoot, "src", "WebUi", "wwwroot", "index.html"));
        var scripts = System.Text.RegularExpressions.Regex.Matches(index, "<script src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("/js/variables.js", scripts);
        // The snapshot inlines what the page is served: the head's theme script, then the bundle of all the others,
        // which holds every one of index.html's body scripts in its order.
        Assert.Equal(["/js/theme.js", "/js/bundle.js"], DashboardSnapshot.Scripts);
        var bundle = System.Text.Encoding.UTF8.GetString(UiAssets.Find("/js/bundle.js")!.Content);
        var at = scripts.Skip(1).Select(s => bundle.IndexOf("// " + s + "\n", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, at);
        Assert.Equal(at.Order(), at);
        Assert.Equal(["/vendor/uPlot.min.css", "/app.css"], DashboardSnapshot.Styles);
    }

    [Fact]
    public async Task VariablesResolveFromTheirDefinitions()
    {
        var (_, root) = Cases();
        var r = root.GetProperty("resolve");
        var json = "{\"title\": \"t\", \"panels\": [], \"templating\": {\"list\": " + r.GetProperty("templating").GetRawText() + "}}";
        var dashboard = DashboardParser.Parse(json, "t.json");
        var from = DateTimeOffset.FromUnixTimeMilliseconds(r.GetProperty("from").GetInt64());
        var to = DateTimeOffset.FromUnixTimeMilliseconds(r.GetProperty("to").GetInt64());
        var resolved = await VariableResolver.ResolveAsync(dashboard, new EmptySource(), from, to, CancellationToken.None);
        foreach (var x in resolved)
        {
            var expected = r.GetProperty("expected").GetProperty(x.Variable.Name).EnumerateArray().Select(e => e.GetString()!).ToList();
            Assert.Equal(expected, x.Value.Values);
            Assert.Equal(r.GetProperty("expectedAll").TryGetProperty(x.Variable.Name, out var all) && all.GetBoolean(), x.Value.IsAll);
        }
    }

    [Fact]
    public async Task AVariableQueryTheSourceRejectsIsADataSourceError()
    {
        var dashboard = DashboardParser.Parse(
            """{"title": "t", "panels": [], "templating": {"list": [{"name": "model", "type": "query", "query": "query_result(up{)"}]}}""", "t.json");
        var ex = await Assert.ThrowsAsync<DataSourceException>(() =>
            VariableResolver.ResolveAsync(dashboard, new RejectingSource(), DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Equal("parse error: unexpected end of input", ex.Message);
    }

    /// <summary>A store that answers every query with the API's error.</summary>
    private sealed class RejectingSource : IDashboardDataSource
    {
        public Task<IReadOnlyList<string>> LabelValuesAsync(string label, string? match, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) => throw new InvalidOperationException("not expected");
        public Task<IReadOnlyList<string>> LabelNamesAsync(string? match, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) => throw new InvalidOperationException("not expected");
        public Task<PanelQueryResult> RangeQueryAsync(string expr, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken ct) => throw new InvalidOperationException("not expected");
        public Task<PanelQueryResult> InstantQueryAsync(string expr, DateTimeOffset time, CancellationToken ct) => Task.FromResult(PanelQueryResult.Failed("parse error: unexpected end of input"));
        public Task<PanelQueryResult> LogMetricQueryAsync(string expr, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken ct) => throw new InvalidOperationException("not expected");
        public Task<LogLinesResult> LogLinesAsync(string expr, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct) => throw new InvalidOperationException("not expected");
    }

    /// <summary>A store with nothing in it: these variables must resolve without asking it anything.</summary>
    private sealed class EmptySource : IDashboardDataSource
    {
        public Task<IReadOnlyList<string>> LabelValuesAsync(string label, string? match, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) => throw new InvalidOperationException("not expected");
        public Task<IReadOnlyList<string>> LabelNamesAsync(string? match, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) => throw new InvalidOperationException("not expected");
        public Task<PanelQueryResult> RangeQueryAsync(string expr, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken ct) => throw new InvalidOperationException("not expected");
        public Task<PanelQueryResult> InstantQueryAsync(string expr, DateTimeOffset time, CancellationToken ct) => throw new InvalidOperationException("not expected");
        public Task<PanelQueryResult> LogMetricQueryAsync(string expr, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken ct) => throw new InvalidOperationException("not expected");
        public Task<LogLinesResult> LogLinesAsync(string expr, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct) => throw new InvalidOperationException("not expected");
    }

    [Fact]
    public void TheBrowsersImplementationPassesTheSameCases()
    {
        var script = Path.Combine(Paths.RepoRoot, "src", "WebUi", "wwwroot", "js", "variables.js");
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(Paths.RepoRoot, "tests", "WebUi.Tests", "Dashboards", "interpolation-check.mjs"), CasesFile, script }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, output);
        Assert.Equal("[]", output.Trim());
    }

    [Fact]
    public void BuiltInsFollowTheIntervalAndRange()
    {
        var vars = new Dictionary<string, VariableValue>();
        var to = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        TemplateInterpolator.AddBuiltIns(vars, to.AddHours(-1), to, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15));
        Assert.Equal("rate(x[1m]) 15s 3600s 3600", TemplateInterpolator.Interpolate("rate(x[$__rate_interval]) $__interval $__range $__range_s", vars));
    }

    [Theory]
    [InlineData("now-6h", -6 * 3600)]
    [InlineData("now", 0)]
    [InlineData("now-30m", -1800)]
    [InlineData("now-2d", -2 * 86400)]
    public void RelativeTimes(string text, int offsetSeconds)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        Assert.True(GrafanaTime.TryParseTime(text, now, out var t));
        Assert.Equal(now.AddSeconds(offsetSeconds), t);
    }

    [Fact]
    public void AbsoluteTimesAndRounding()
    {
        var now = DateTimeOffset.Parse("2026-12-02T10:17:45Z");
        Assert.True(GrafanaTime.TryParseTime("now/d", now, out var day));
        Assert.Equal(DateTimeOffset.Parse("2026-12-02T00:00:00Z"), day);
        Assert.True(GrafanaTime.TryParseTime("1700000000", now, out var unix));
        Assert.Equal(1_700_000_000_000, unix.ToUnixTimeMilliseconds());
        Assert.True(GrafanaTime.TryParseTime("2026-01-02T03:04:05Z", now, out var rfc));
        Assert.Equal(DateTimeOffset.Parse("2026-01-02T03:04:05Z"), rfc);
        Assert.False(GrafanaTime.TryParseTime("yesterday", now, out _));
    }
}
