using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mlobs.WebUi.Dashboards;

/// <summary>
/// <c>mlobs snapshot</c>: one dashboard over a fixed range as a single self-contained HTML file — the UI's scripts,
/// styles and uPlot inlined, the dashboard's variables resolved and every panel's query results embedded — that
/// renders with no server and no network, for offline demos and CI artifacts.
/// </summary>
public static class DashboardSnapshot
{
    /// <summary>The page's scripts and styles, read from index.html itself, in its order: a snapshot runs what the page runs.</summary>
    internal static IReadOnlyList<string> Scripts => PageAssets("<script src=\"", "\"");

    internal static IReadOnlyList<string> Styles => PageAssets("<link rel=\"stylesheet\" href=\"", "\"");

    private static List<string> PageAssets(string before, string after)
    {
        var index = Asset("/index.html");
        var found = new List<string>();
        for (int at = index.IndexOf(before, StringComparison.Ordinal); at >= 0; at = index.IndexOf(before, at + 1, StringComparison.Ordinal))
        {
            int start = at + before.Length;
            found.Add(index[start..index.IndexOf(after, start, StringComparison.Ordinal)]);
        }
        return found;
    }

    public static async Task<string> RenderAsync(LoadedDashboard dashboard, IDashboardDataSource source, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var resolved = await VariableResolver.ResolveAsync(dashboard.Model, source, from, to, ct);
        var scrape = await source.ScrapeIntervalAsync(ct);
        var values = VariableResolver.ValuesOf(resolved);
        using var doc = JsonDocument.Parse(dashboard.Json);
        var variableJson = VariableElements(doc.RootElement);

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Mlobs.Model.Strconv.GoJsonEncoder.WriterOptions))
        {
            w.WriteStartObject();
            w.WritePropertyName("dashboard");
            doc.RootElement.WriteTo(w);
            w.WriteNumber("from", from.ToUnixTimeMilliseconds());
            w.WriteNumber("to", to.ToUnixTimeMilliseconds());
            w.WriteNumber("scrapeMs", (long)scrape.TotalMilliseconds);
            w.WriteStartArray("variables");
            foreach (var r in resolved)
            {
                w.WriteStartObject();
                w.WritePropertyName("variable");
                if (variableJson.TryGetValue(r.Variable.Name, out var original)) original.WriteTo(w);
                else { w.WriteStartObject(); w.WriteString("name", r.Variable.Name); w.WriteEndObject(); }
                w.WriteStartArray("options");
                foreach (var o in r.Options) { w.WriteStartObject(); w.WriteString("text", o.Text); w.WriteString("value", o.Value); w.WriteEndObject(); }
                w.WriteEndArray();
                w.WriteStartObject("value");
                WriteStrings(w, "values", r.Value.Values);
                w.WriteBoolean("isAll", r.Value.IsAll);
                w.WriteBoolean("multi", r.Value.Multi);
                w.WriteBoolean("includeAll", r.Value.IncludeAll);
                if (r.Value.AllValue is null) w.WriteNull("allValue"); else w.WriteString("allValue", r.Value.AllValue);
                WriteStrings(w, "all", r.Value.AllOptions);
                w.WriteEndObject();
                if (r.Error is null) w.WriteNull("error"); else w.WriteString("error", r.Error);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("panels");
            foreach (var panel in dashboard.Model.DrawnPanels)
            {
                foreach (var (key, scoped) in PanelQueries.Copies(panel, values))
                {
                    w.WriteStartObject(key);
                    double stepS = 60;
                    w.WriteStartArray("frames");
                    foreach (var q in PanelQueries.ForPanel(panel, scoped, from, to, scrape))
                    {
                        stepS = q.Step.TotalSeconds;
                        w.WriteStartObject();
                        w.WriteString("refId", q.Target.RefId);
                        if (q.Target.LegendFormat is { } legend) w.WriteString("legendFormat", legend);
                        w.WriteString("expr", q.Expr);
                        if (q.Target.IsLogQuery(q.Expr))
                        {
                            var lines = await source.LogLinesAsync(q.Expr, from, to, q.Target.MaxLines, ct);
                            if (lines.Error is not null) w.WriteString("error", lines.Error);
                            else WriteLogs(w, lines);
                        }
                        else
                        {
                            var result = q.Target.Loki ? await source.LogMetricQueryAsync(q.Expr, from, to, q.Step, ct)
                                : q.Target.Instant ? await source.InstantQueryAsync(q.Expr, to, ct) : await source.RangeQueryAsync(q.Expr, from, to, q.Step, ct);
                            if (result.Error is not null) w.WriteString("error", result.Error);
                            else WriteData(w, result);
                        }
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteNumber("stepS", stepS);
                    w.WriteEndObject();
                }
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        // Inside a <script> element nothing may read as "</script": every "</" becomes "<\/", still the same JSON.
        var data = Encoding.UTF8.GetString(buffer.ToArray()).Replace("</", "<\\/", StringComparison.Ordinal);
        return Page(dashboard.Model.Title, data);
    }

    private static Dictionary<string, JsonElement> VariableElements(JsonElement dashboard)
    {
        var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (dashboard.TryGetProperty("templating", out var t) && t.TryGetProperty("list", out var list) && list.ValueKind == JsonValueKind.Array)
            foreach (var v in list.EnumerateArray())
                if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
                    map[n.GetString()!] = v.Clone();
        return map;
    }

    /// <summary>Log lines as the page's logs panel reads them: [{ns, line, labels}], newest first.</summary>
    private static void WriteLogs(Utf8JsonWriter w, LogLinesResult lines)
    {
        w.WriteStartArray("logs");
        foreach (var l in lines.Lines)
        {
            w.WriteStartObject();
            w.WriteString("ns", l.Ns);
            w.WriteString("line", l.Line);
            w.WriteStartObject("labels");
            foreach (var (name, value) in l.Labels.OrderBy(x => x.Key, StringComparer.Ordinal)) w.WriteString(name, value);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>A result in the Prometheus API's data shape, which the page reads as it reads the API's.</summary>
    private static void WriteData(Utf8JsonWriter w, PanelQueryResult result)
    {
        w.WriteStartObject("data");
        w.WriteString("resultType", result.ResultType);
        if (result.ResultType == "scalar")
        {
            var (t, v) = result.Series.Count > 0 && result.Series[0].Points.Count > 0 ? result.Series[0].Points[0] : (0, double.NaN);
            w.WriteStartArray("result");
            w.WriteNumberValue(t);
            w.WriteStringValue(Value(v));
            w.WriteEndArray();
        }
        else
        {
            w.WriteStartArray("result");
            foreach (var s in result.Series)
            {
                w.WriteStartObject();
                w.WriteStartObject("metric");
                foreach (var (name, value) in s.Labels.OrderBy(l => l.Key, StringComparer.Ordinal)) w.WriteString(name, value);
                w.WriteEndObject();
                if (result.ResultType == "vector")
                {
                    var (t, v) = s.Points.Count > 0 ? s.Points[0] : (0, double.NaN);
                    w.WriteStartArray("value");
                    w.WriteNumberValue(t);
                    w.WriteStringValue(Value(v));
                    w.WriteEndArray();
                }
                else
                {
                    w.WriteStartArray("values");
                    foreach (var (t, v) in s.Points)
                    {
                        w.WriteStartArray();
                        w.WriteNumberValue(t);
                        w.WriteStringValue(Value(v));
                        w.WriteEndArray();
                    }
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static string Value(double v) =>
        double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf" : v.ToString("R", CultureInfo.InvariantCulture);

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static string Page(string title, string data)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>").Append(System.Net.WebUtility.HtmlEncode(title)).Append(" — mlobs snapshot</title>\n<link rel=\"icon\" href=\"data:,\">\n");
        foreach (var css in Styles) html.Append("<style>\n").Append(Asset(css)).Append("\n</style>\n");
        html.Append("</head>\n<body>\n<header><span class=\"brand\">mlobs</span> <span class=\"muted\">snapshot</span></header>\n<main id=\"page\"></main>\n");
        html.Append("<script>window.MLOBS_SNAPSHOT = ").Append(data).Append(";</script>\n");
        foreach (var js in Scripts) html.Append("<script>\n").Append(Asset(js).Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase)).Append("\n</script>\n");
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static string Asset(string path) =>
        Encoding.UTF8.GetString((UiAssets.Find(path) ?? throw new InvalidOperationException($"{path} is not built in")).Content);
}
