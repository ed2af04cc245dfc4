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
        // In a sub-folder of the dashboards dir: the folder "Tests/UI" in the dashboard list.
        var dashboards = Path.Combine(dir.Path, "dashboards");
        Directory.CreateDirectory(Path.Combine(dashboards, "Tests", "UI"));
        File.Copy(Fixture, Path.Combine(dashboards, "Tests", "UI", "panel-features.json"));
        // An alert that fires at once on series c, for the built-in "Annotations & Alerts" source.
        var rules = Path.Combine(dir.Path, "demo.rules.yml");
        File.WriteAllText(rules, "groups:\n  - name: demo\n    interval: 1s\n    rules:\n      - alert: DemoHigh\n        expr: demo_value > 2\n");
        var config = Path.Combine(dir.Path, "mlobs.yml");
        File.WriteAllText(config, $"global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: [\"{rules}\"]\nscrape_configs:\n  - job_name: demo\n    static_configs: [{{targets: [\"{target.Address}\"]}}]\nmlobs:\n  dashboards_dir: {dashboards}\n");
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(dir.Path, "data"));
        await Wait.UntilAsync("a few scrapes", async () =>
        {
            var (_, output) = await MlobsProcess.RunAsync("query", "count_over_time(demo_value{series=\"a\"}[1m]) > 4", "--server", mlobs.BaseUrl);
            return output.Contains("demo", StringComparison.Ordinal);
        });
        await Wait.UntilAsync("DemoHigh in ALERTS", async () =>
        {
            var (_, output) = await MlobsProcess.RunAsync("query", "ALERTS{alertname=\"DemoHigh\"}", "--server", mlobs.BaseUrl);
            return output.Contains("DemoHigh", StringComparison.Ordinal);
        });

        var report = await BrowserTests.RunScriptAsync("panel-check.mjs", mlobs.BaseUrl, BrowserTests.Artifacts("panels"), "panel-features");

        var stats = report.GetProperty("stats");
        Assert.True(stats.GetProperty("withData").GetInt32() == 10, stats.ToString());
        // Only what mlobs does not do is marked: the one transformation it lacks, by name.
        Assert.Equal(["table: unsupported: transformations (groupBy)"], Strings(stats.GetProperty("unsupported")));
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

        // "No data" for every panel type when its query returns nothing (and nothing else: no "unsupported").
        var empty = report.GetProperty("empty");
        foreach (var type in new[] { "timeseries", "stat", "gauge", "bargauge", "table", "piechart", "heatmap", "logs" })
            Assert.Equal("No data", empty.GetProperty(type).GetString());

        // Transformations, applied in the page: reduce (series to rows) + sortBy + limit + organize ...
        var tables = report.GetProperty("tables");
        Assert.Equal(["Series", "Max", "Mean"], Strings(tables.GetProperty("Reduced table").GetProperty("headers")));
        Assert.Equal(["c 3 3", "b 2 2"], Rows(tables.GetProperty("Reduced table")));
        // ... joinByField on Time + calculateField (row sum) + filterByValue + sortBy + limit + renameByRegex ...
        var joined = tables.GetProperty("Joined and summed");
        Assert.Equal(["Time", "series a", "series b", "series c", "Total"], Strings(joined.GetProperty("headers")));
        var joinedRows = Rows(joined);
        Assert.Equal(3, joinedRows.Length);
        Assert.All(joinedRows, r => Assert.EndsWith(" 1 2 3 6", r));
        // ... seriesToRows + filterByValue (regex on Metric) + calculateField (binary, Value * 10) ...
        var toRows = tables.GetProperty("Series to rows");
        Assert.Equal(["Time", "Metric", "Value", "Value x 10"], Strings(toRows.GetProperty("headers")));
        Assert.All(Rows(toRows), r => Assert.Matches(@" (a 1 10|b 2 20)$", r));
        // ... merge of two instant queries + organize (exclude Time, reorder); groupBy is not done and says so.
        Assert.Equal(["b", "a"], Strings(tables.GetProperty("Merged").GetProperty("headers")));
        Assert.Equal(["2 1"], Rows(tables.GetProperty("Merged")));
        Assert.Equal("unsupported: transformations (groupBy)", tables.GetProperty("Merged").GetProperty("unsupported").GetString());

        // The panel menu: View, Inspect (Data / Query / Panel JSON), Download CSV (Grafana's columns: Time, each series).
        var menu = report.GetProperty("menu");
        Assert.Equal(["View", "Inspect", "Download CSV"], Strings(menu.GetProperty("items")));
        var csv = menu.GetProperty("csv");
        Assert.StartsWith("Legend table-data-", csv.GetProperty("file").GetString());
        Assert.Equal("Time,a,b,c", csv.GetProperty("lines")[0].GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},1,2,3$", csv.GetProperty("lines")[1].GetString());
        Assert.True(csv.GetProperty("rows").GetInt32() >= 5, csv.ToString()); // at least the five scrapes waited for
        var inspect = menu.GetProperty("inspect");
        Assert.Equal(["Data", "Query", "Panel JSON"], Strings(inspect.GetProperty("tabs")));
        Assert.Equal(["Time", "a", "b", "c"], Strings(inspect.GetProperty("dataHeaders")));
        Assert.Equal(csv.GetProperty("rows").GetInt32(), inspect.GetProperty("dataRows").GetInt32());
        Assert.Equal(["demo_value{series=~\"(a|b|c)\"}"], Strings(inspect.GetProperty("query"))); // All, interpolated as Grafana does
        Assert.Equal("Legend table", inspect.GetProperty("json").GetString());
        Assert.True(inspect.GetProperty("closed").GetBoolean());
        var view = menu.GetProperty("view");
        Assert.EndsWith("?viewPanel=1", view.GetProperty("url").GetString());
        Assert.Equal(1, view.GetProperty("drawn").GetInt32());
        Assert.True(view.GetProperty("width").GetDouble() > 1200, view.ToString()); // the whole 1280-wide page
        Assert.EndsWith("/d/panel-features", view.GetProperty("after").GetProperty("url").GetString());
        Assert.Equal(0, view.GetProperty("after").GetProperty("open").GetInt32());

        // Annotations: the Prometheus annotation query (title, text and tags from its formats) and the built-in
        // alert states (DemoHigh firing for series c), as markers with what they were.
        var links = report.GetProperty("links");
        var markers = Strings(links.GetProperty("markers"));
        Assert.Contains(markers, m => m.StartsWith("marker a\n", StringComparison.Ordinal) && m.Contains("job demo", StringComparison.Ordinal) && m.EndsWith("tags: a, demo", StringComparison.Ordinal));
        Assert.Contains(markers, m => m.StartsWith("DemoHigh firing\n", StringComparison.Ordinal) && m.Contains("series=c", StringComparison.Ordinal));
        // Panel links (keepTime adds the range; targetBlank opens a new tab) and data links, interpolated.
        var panelLinks = links.GetProperty("panel");
        Assert.Equal("Explore demo", panelLinks[0].GetProperty("text").GetString());
        Assert.Matches(@"^/explore\?expr=demo_value&from=\d{13}&to=\d{13}$", panelLinks[0].GetProperty("href").GetString());
        Assert.Equal("_blank", panelLinks[1].GetProperty("target").GetString());
        // A click at the middle of the chart picks the nearest series (b, value 2): its label and value in the link.
        Assert.Matches(@"^/explore\?expr=demo_value%7Bseries%3D%22b%22%7D&v=2&from=\d{13}&to=\d{13}$", links.GetProperty("point")[0].GetProperty("href").GetString());
        Assert.Equal("/explore?expr=sum(demo_value)&total=6", links.GetProperty("stat")[0].GetProperty("href").GetString());

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
        Assert.EndsWith("/d/panel-features", zoom.GetProperty("back").GetString());
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
        Assert.Equal(10, absolute.GetProperty("stats").GetProperty("withData").GetInt32());
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

        // The dashboard list: the shipped ones under General, the fixture in its folder; search and tags narrow it.
        var browse = report.GetProperty("browse");
        var all = browse.GetProperty("all").EnumerateArray().ToDictionary(f => f.GetProperty("folder").GetString()!, f => Strings(f.GetProperty("titles")));
        Assert.Equal(["Panel features"], all["Tests/UI"]);
        Assert.Contains("Model Serving", all["General"]);
        Assert.Equal("Tests/UI", Assert.Single(browse.GetProperty("search").EnumerateArray()).GetProperty("folder").GetString());
        var tagged = Assert.Single(browse.GetProperty("tag").GetProperty("folders").EnumerateArray());
        Assert.Equal(["Panel features"], Strings(tagged.GetProperty("titles")));
        Assert.EndsWith("/dashboards?tag=fixture", browse.GetProperty("tag").GetProperty("url").GetString());
        var collapsed = browse.GetProperty("collapsed").EnumerateArray().ToDictionary(f => f.GetProperty("folder").GetString()!, f => Strings(f.GetProperty("titles")));
        Assert.Empty(collapsed["General"]); // a folder closes when its header is clicked
        Assert.Equal(0, browse.GetProperty("errors").GetArrayLength());

        // Lazy loading: on a 400-pixel-high screen, only the panels in view are drawn and queried; scrolling draws the rest.
        var lazy = report.GetProperty("lazy");
        int panelCount = lazy.GetProperty("before").GetProperty("panels").GetInt32();
        int drawnBefore = lazy.GetProperty("before").GetProperty("drawn").GetInt32();
        Assert.True(drawnBefore > 0 && drawnBefore < panelCount / 2, lazy.ToString());
        Assert.True(lazy.GetProperty("queriesBefore").GetInt32() < lazy.GetProperty("queriesAfter").GetInt32(), lazy.ToString());
        Assert.Equal(panelCount, lazy.GetProperty("after").GetProperty("drawn").GetInt32());
        Assert.Equal(0, lazy.GetProperty("errors").GetArrayLength());

        // A window resize (1280 to 1920 wide) redraws every panel at its new size from the data it has.
        var resize = report.GetProperty("resize");
        Assert.True(resize.GetProperty("widthAfter").GetDouble() > resize.GetProperty("widthBefore").GetDouble() * 1.3, resize.ToString());
        Assert.Equal(0, resize.GetProperty("newQueries").GetInt32());
        Assert.Equal(0, resize.GetProperty("problems").GetArrayLength());

        // A snapshot applies the same transformations from the data inside it (no server, no network).
        var snapshot = Path.Combine(BrowserTests.Artifacts("panels"), "panel-features-snapshot.html");
        var (exit, output) = await MlobsProcess.RunAsync("snapshot", "panel-features", "--server", mlobs.BaseUrl, "--from", "now-5m", "--to", "now", "--out", snapshot);
        Assert.True(exit == 0, output);
        var snap = (await BrowserTests.UiCheckAsync(mlobs.BaseUrl, BrowserTests.Artifacts("panels-snapshot"), "--snapshot", snapshot)).GetProperty("snapshots").GetProperty(snapshot);
        Assert.True(snap.GetProperty("withData").GetInt32() == 10, snap.ToString());
        Assert.Equal(["table: unsupported: transformations (groupBy)"], Strings(snap.GetProperty("unsupported")));
        Assert.Equal(0, snap.GetProperty("network").GetArrayLength());
        Assert.Equal(0, snap.GetProperty("consoleErrors").GetArrayLength());

        foreach (var size in report.GetProperty("layout").EnumerateObject())
        {
            Assert.True(size.Value.GetProperty("problems").GetArrayLength() == 0, $"{size.Name}: {size.Value}");
            Assert.True(size.Value.GetProperty("errors").GetArrayLength() == 0, $"{size.Name}: {size.Value}");
        }
    }

    private static string[] Strings(JsonElement a) => a.EnumerateArray().Select(x => x.GetString()!).ToArray();

    private static string[] Rows(JsonElement table) =>
        table.GetProperty("rows").EnumerateArray().Select(r => string.Join(' ', r.EnumerateArray().Select(c => c.GetString()))).ToArray();

    private static bool[] Bools(JsonElement a) => a.EnumerateArray().Select(x => x.GetBoolean()).ToArray();
}
