using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// Dashboard panels as Grafana users work with them, in Chromium against the published binary: legends in each
/// display mode and placement with their calcs, isolating and adding series from the legend, tooltip modes, stat
/// sparklines, drag-to-zoom with Back, and a layout in which nothing inside a panel scrolls or is cut off
/// (browser/panel-check.mjs over browser/fixtures/panel-features.json).
/// </summary>
[Collection(BrowserTests.Serial)]
public class DashboardPanelsUiTests
{
    private static readonly string Fixture = Path.Combine(Paths.RepoRoot, "tests", "EndToEnd.Tests", "browser", "fixtures", "panel-features.json");

    [Fact]
    public async Task LegendsTooltipsZoomPickersAndThemeWorkAsInGrafanaAndNothingInAPanelScrolls()
    {
        using var dir = new TempDir();
        // Three constant series a=1, b=2, c=3 (so every calc is known) and forty more than a small legend can show.
        using var target = new FakeTarget
        {
            Body = "demo_value{series=\"a\"} 1\ndemo_value{series=\"b\"} 2\ndemo_value{series=\"c\"} 3\n"
                + string.Concat(Enumerable.Range(0, 40).Select(i => $"demo_many{{i=\"{i}\"}} {i}\n")),
        };
        var dashboards = Path.Combine(dir.Path, "dashboards");
        Directory.CreateDirectory(dashboards);
        File.Copy(Fixture, Path.Combine(dashboards, "panel-features.json"));
        var config = Path.Combine(dir.Path, "mlobs.yml");
        File.WriteAllText(config, $"global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: demo\n    static_configs: [{{targets: [\"{target.Address}\"]}}]\nmlobs:\n  dashboards_dir: {dashboards}\n");
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(dir.Path, "data"));
        await Wait.UntilAsync("a few scrapes", async () =>
        {
            var (_, output) = await MlobsProcess.RunAsync("query", "count_over_time(demo_value{series=\"a\"}[1m]) > 4", "--server", mlobs.BaseUrl);
            return output.Contains("demo", StringComparison.Ordinal);
        });

        var report = await BrowserTests.RunScriptAsync("panel-check.mjs", mlobs.BaseUrl, BrowserTests.Artifacts("panels"), "panel-features");

        var stats = report.GetProperty("stats");
        Assert.True(stats.GetProperty("withData").GetInt32() == 6, stats.ToString());
        var legends = report.GetProperty("legends");
        // Table mode: Grafana's calc names as headers, one row per series with its calcs.
        var table = legends.GetProperty("Legend table");
        Assert.Contains("legend-table", table.GetProperty("className").GetString());
        Assert.Equal(["Name", "Min", "Mean", "Max", "Last *"], Strings(table.GetProperty("headers")));
        Assert.Equal(["a 1 1 1 1", "b 2 2 2 2", "c 3 3 3 3"], Strings(table.GetProperty("rows")));
        Assert.Contains("legend-right", legends.GetProperty("Legend right").GetProperty("className").GetString());
        Assert.Equal(JsonValueKind.Null, legends.GetProperty("Legend hidden").ValueKind);
        // A legacy graph panel's legend (alignAsTable, values: max and current) reads the same way.
        Assert.Equal(["Name", "Max", "Last *"], Strings(legends.GetProperty("Legacy graph legend").GetProperty("headers")));
        // Forty series in a small panel: the entries that fit, and the rest counted rather than scrolled.
        var forty = legends.GetProperty("Forty series");
        int listed = forty.GetProperty("rows").GetArrayLength();
        Assert.True(listed is > 0 and < 40, forty.ToString());
        Assert.Equal($"+{40 - listed} more", forty.GetProperty("more").GetString());

        // Click isolates, shift-click adds or removes, clicking the only series shown shows them all again.
        var clicks = report.GetProperty("clicks").EnumerateArray().Select(c => Bools(c.GetProperty("shown"))).ToList();
        Assert.Equal([true, false, false], clicks[0]);
        Assert.Equal([true, true, false], clicks[1]);
        Assert.Equal([false, true, false], clicks[2]);
        Assert.Equal([true, true, true], clicks[3]);

        // Tooltips: "multi" lists every series (sorted descending, as asked), "single" the nearest, "none" nothing.
        var tooltips = report.GetProperty("tooltips");
        Assert.Equal(["c 3", "b 2", "a 1"], Strings(tooltips.GetProperty("Legend table")));
        Assert.Equal(1, tooltips.GetProperty("Legend right").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, tooltips.GetProperty("Legend hidden").ValueKind);
        Assert.Equal(1, report.GetProperty("sparklines").GetInt32());

        // Dragging across 30% of a five-minute chart sets that stretch (Grafana's epoch milliseconds); Back returns.
        var zoom = report.GetProperty("zoom");
        var zoomed = new Uri(zoom.GetProperty("zoomed").GetString()!);
        var query = System.Web.HttpUtility.ParseQueryString(zoomed.Query);
        long from = long.Parse(query["from"]!), to = long.Parse(query["to"]!);
        Assert.InRange(to - from, 80_000, 100_000);
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - to, 0, 180_000);
        Assert.Equal(zoom.GetProperty("before").GetString(), zoom.GetProperty("back").GetString());
        Assert.Equal(0, zoom.GetProperty("errors").GetArrayLength());

        // Variable picker: the selection as the button's text, a search that narrows the list, Enter picks, checkboxes
        // add values and Escape applies them; the panels query again with the choice (the table legend shows b and c).
        var chrome = report.GetProperty("chrome");
        Assert.Equal("All", chrome.GetProperty("variableButton").GetString());
        Assert.Equal(["All", "a", "b", "c"], Strings(chrome.GetProperty("variableOptions")));
        Assert.Equal(["b"], Strings(chrome.GetProperty("variableSearch")));
        Assert.EndsWith("?var-series=b", chrome.GetProperty("afterEnter").GetProperty("url").GetString());
        Assert.Equal(["b", "c"], Strings(chrome.GetProperty("checked")));
        var afterEscape = chrome.GetProperty("afterEscape");
        Assert.EndsWith("?var-series=b&var-series=c", afterEscape.GetProperty("url").GetString());
        Assert.Equal("b + c", afterEscape.GetProperty("button").GetString());
        Assert.Equal(["b", "c"], Strings(afterEscape.GetProperty("legend")));
        // Time picker: Grafana's quick ranges (searchable), absolute fields, a calendar, the zone, the refresh picker.
        Assert.Equal(26, chrome.GetProperty("quickRanges").GetInt32());
        Assert.Equal(["Last 15 minutes"], Strings(chrome.GetProperty("quickSearch")));
        Assert.EndsWith("from=now-15m&to=now", chrome.GetProperty("quick").GetProperty("url").GetString());
        Assert.EndsWith("Last 15 minutes", chrome.GetProperty("quick").GetProperty("button").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} 00:00:00$", chrome.GetProperty("calendar").GetProperty("from").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} 23:59:59$", chrome.GetProperty("calendar").GetProperty("to").GetString());
        var absolute = chrome.GetProperty("absolute");
        var typed = Strings(absolute.GetProperty("typed"));
        Assert.EndsWith($"{typed[0]} to {typed[1]}", absolute.GetProperty("button").GetString());
        var typedFrom = DateTimeOffset.Parse(typed[0] + "Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"from={typedFrom.ToUnixTimeMilliseconds()}&", absolute.GetProperty("url").GetString());
        Assert.Equal(6, absolute.GetProperty("stats").GetProperty("withData").GetInt32());
        var tokyo = chrome.GetProperty("timeZone");
        Assert.EndsWith("timezone=Asia%2FTokyo", tokyo.GetProperty("url").GetString());
        // The browser runs in UTC (the context says so): the tooltip's time is nine hours ahead of the typed range.
        var tooltipTime = DateTime.ParseExact(tokyo.GetProperty("tooltipTime").GetString()!, "yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var typedTo = DateTime.ParseExact(typed[1], "yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(tooltipTime, typedFrom.UtcDateTime.AddHours(9), typedTo.AddHours(9));
        Assert.EndsWith("refresh=5s", chrome.GetProperty("refresh").GetProperty("url").GetString());
        Assert.True(chrome.GetProperty("refresh").GetProperty("queries").GetInt32() > 0, chrome.ToString());
        Assert.Equal(0, chrome.GetProperty("errors").GetArrayLength());
        // Theme: dark when the browser prefers it (Grafana's dark canvas), the toggle's choice kept across a reload.
        var theme = report.GetProperty("theme");
        Assert.Equal("dark", theme.GetProperty("preferredDark").GetString());
        Assert.Equal("rgb(17, 18, 23)", theme.GetProperty("background").GetString());
        Assert.Equal("light", theme.GetProperty("afterToggle").GetString());
        Assert.Equal("light", theme.GetProperty("afterReload").GetString());
        Assert.Equal("Switch to the dark theme", theme.GetProperty("toggleLabel").GetString());
        Assert.Equal(0, theme.GetProperty("errors").GetArrayLength());

        foreach (var size in report.GetProperty("layout").EnumerateObject())
        {
            Assert.True(size.Value.GetProperty("problems").GetArrayLength() == 0, $"{size.Name}: {size.Value}");
            Assert.True(size.Value.GetProperty("errors").GetArrayLength() == 0, $"{size.Name}: {size.Value}");
        }
    }

    private static string[] Strings(JsonElement a) => a.EnumerateArray().Select(x => x.GetString()!).ToArray();

    private static bool[] Bools(JsonElement a) => a.EnumerateArray().Select(x => x.GetBoolean()).ToArray();
}
