using System.Globalization;
using System.Text.Json;

namespace Mlobs.WebUi.Dashboards;

/// <summary>A dashboard file that is not usable: the JSON is malformed or is not a Grafana dashboard.</summary>
public sealed class DashboardFormatException(string message) : Exception(message);

/// <summary>
/// Reads Grafana dashboard JSON — bare, or wrapped as <c>{"dashboard": {...}}</c> as Grafana's export and API
/// give it — into a <see cref="Dashboard"/>. Legacy dashboards (top-level <c>rows[]</c> with <c>span</c>) are laid
/// out on the 24-column grid the way Grafana's own migration does (<see cref="LegacyRowLayout"/>).
/// </summary>
public static class DashboardParser
{
    // Strict, as Grafana reads dashboards (Go's encoding/json): a trailing comma or a comment is an error with its
    // position, not something mlobs accepts and Grafana then refuses.
    private static readonly JsonDocumentOptions Options = new();

    /// <summary>Parses a file's text; errors name the file and, for malformed JSON, line and column.</summary>
    public static Dashboard Parse(string json, string source) => Load(json, source).Model;

    /// <summary>
    /// Parses a file's text into the model and the dashboard object's JSON as the UI gets it: unwrapped, and for a
    /// legacy dashboard laid out on the grid (<see cref="LegacyRowLayout"/>).
    /// </summary>
    /// <param name="fallbackUid">The uid of a dashboard without one; null to derive it from the title.</param>
    public static (Dashboard Model, string Json) Load(string json, string source, string? fallbackUid = "")
    {
        try
        {
            using var doc = JsonDocument.Parse(json, Options);
            var element = Unwrap(doc.RootElement, source);
            if (fallbackUid == "") fallbackUid = Path.GetFileNameWithoutExtension(source);
            if (!element.TryGetProperty("rows", out _) || element.TryGetProperty("panels", out var p) && p.ValueKind == JsonValueKind.Array && p.GetArrayLength() > 0)
                return (FromElement(element, fallbackUid), element.GetRawText());
            var node = System.Text.Json.Nodes.JsonNode.Parse(element.GetRawText())!.AsObject();
            LegacyRowLayout.Migrate(node);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, Mlobs.Model.Strconv.GoJsonEncoder.WriterOptions)) node.WriteTo(writer);
            var migrated = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
            using var migratedDoc = JsonDocument.Parse(migrated);
            return (FromElement(migratedDoc.RootElement, fallbackUid), migrated);
        }
        catch (JsonException ex)
        {
            long line = (ex.LineNumber ?? 0) + 1, column = (ex.BytePositionInLine ?? 0) + 1;
            var detail = ex.Message;
            int cut = detail.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0) detail = detail[..cut].TrimEnd('.', ' ');
            // .NET's wording names its own reader options; say what is wrong in the file instead.
            if (detail.Contains("trailing comma", StringComparison.Ordinal)) detail = "trailing comma (JSON allows none; Grafana refuses it)";
            else if (detail.StartsWith("'/' is", StringComparison.Ordinal)) detail = "comment (JSON has none; Grafana refuses it)";
            throw new DashboardFormatException($"{source}:{line}:{column}: invalid JSON: {detail}");
        }
    }

    /// <summary>The dashboard object itself, also when the file wraps it as {"dashboard": {...}}.</summary>
    public static JsonElement Unwrap(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new DashboardFormatException($"{source}: a dashboard must be a JSON object");
        if (root.TryGetProperty("dashboard", out var inner) && inner.ValueKind == JsonValueKind.Object) root = inner;
        if (!root.TryGetProperty("panels", out _) && !root.TryGetProperty("rows", out _))
            throw new DashboardFormatException($"{source}: not a Grafana dashboard (no \"panels\" or \"rows\")");
        return root;
    }

    private static Dashboard FromElement(JsonElement d, string? fallbackUid)
    {
        string title = Str(d, "title") ?? fallbackUid ?? "Dashboard";
        string uid = Str(d, "uid") is { Length: > 0 } u ? u : Slug(fallbackUid ?? title);
        string from = "now-6h", to = "now";
        if (d.TryGetProperty("time", out var time) && time.ValueKind == JsonValueKind.Object)
        {
            from = Str(time, "from") ?? from;
            to = Str(time, "to") ?? to;
        }
        var tags = d.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array
            ? t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : [];
        var ids = new PanelIds(d);
        var panels = d.TryGetProperty("panels", out var ps) && ps.ValueKind == JsonValueKind.Array
            ? ps.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.Object).Select(p => Panel(p, ids)).ToList()
            : [];
        var variables = new List<TemplateVariable>();
        if (d.TryGetProperty("templating", out var templating) && templating.TryGetProperty("list", out var list) && list.ValueKind == JsonValueKind.Array)
            variables.AddRange(list.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Object).Select(Variable));
        string? refresh = d.TryGetProperty("refresh", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        return new Dashboard(uid, title, from, to, refresh, tags, panels, variables);
    }

    private static DashboardPanel Panel(JsonElement p, PanelIds ids)
    {
        string type = Str(p, "type") ?? "";
        var pos = GridPosOf(p);
        var targets = new List<PanelTarget>();
        if (p.TryGetProperty("targets", out var ts) && ts.ValueKind == JsonValueKind.Array)
        {
            int n = 0;
            foreach (var t in ts.EnumerateArray())
            {
                if (t.ValueKind != JsonValueKind.Object) continue;
                string refId = Str(t, "refId") ?? ((char)('A' + Math.Min(n, 25))).ToString();
                n++;
                if (Str(t, "expr") is not { } expr) continue; // neither a Prometheus nor a Loki query (e.g. testdata)
                targets.Add(new PanelTarget(refId, expr, Str(t, "legendFormat"), Bool(t, "instant"), Bool(t, "hide"),
                    Str(t, "interval"), Int(t, "intervalFactor") ?? 1)
                {
                    Loki = IsLokiTarget(type, p, t),
                    MaxLines = Int(t, "maxLines") ?? Int(p, "maxDataPoints") ?? 1000,
                });
            }
        }
        var children = new List<DashboardPanel>();
        if (type == "row" && p.TryGetProperty("panels", out var kids) && kids.ValueKind == JsonValueKind.Array)
            children.AddRange(kids.EnumerateArray().Where(k => k.ValueKind == JsonValueKind.Object).Select(k => Panel(k, ids)));
        return new DashboardPanel(Int(p, "id") ?? ids.Next(), Str(p, "title") ?? "", type, pos, targets, Str(p, "interval"),
            Int(p, "maxDataPoints"), children, Bool(p, "collapsed"), Str(p, "repeat"));
    }

    private static GridPos GridPosOf(JsonElement p)
    {
        if (!p.TryGetProperty("gridPos", out var g) || g.ValueKind != JsonValueKind.Object) return new GridPos(0, 0, 12, 8);
        return new GridPos(Int(g, "x") ?? 0, Int(g, "y") ?? 0, Int(g, "w") ?? 12, Int(g, "h") ?? 8);
    }

    private static TemplateVariable Variable(JsonElement v)
    {
        string typeName = Str(v, "type") ?? "query";
        var type = typeName switch
        {
            "query" => VariableType.Query,
            "custom" => VariableType.Custom,
            "interval" => VariableType.Interval,
            "constant" => VariableType.Constant,
            "textbox" => VariableType.Textbox,
            "datasource" => VariableType.Datasource,
            "adhoc" => VariableType.AdHoc,
            _ => VariableType.Other,
        };
        // Newer dashboards keep a query variable's query as {"query": "...", "refId": ...}.
        string query = v.TryGetProperty("query", out var q)
            ? q.ValueKind switch
            {
                JsonValueKind.String => q.GetString()!,
                JsonValueKind.Object => Str(q, "query") ?? "",
                _ => "",
            }
            : "";
        if (query.Length == 0 && Str(v, "definition") is { Length: > 0 } definition) query = definition;
        var current = new List<string>();
        if (v.TryGetProperty("current", out var c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty("value", out var cv))
        {
            if (cv.ValueKind == JsonValueKind.String) current.Add(cv.GetString()!);
            else if (cv.ValueKind == JsonValueKind.Array) current.AddRange(cv.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!));
        }
        var options = new List<VariableOption>();
        if (v.TryGetProperty("options", out var os) && os.ValueKind == JsonValueKind.Array)
            foreach (var o in os.EnumerateArray())
                if (o.ValueKind == JsonValueKind.Object && Str(o, "value") is { } value) options.Add(new VariableOption(Str(o, "text") ?? value, value));
        return new TemplateVariable(Str(v, "name") ?? "", type, query, Str(v, "regex") is { Length: > 0 } re ? re : null,
            Bool(v, "multi"), Bool(v, "includeAll"), Str(v, "allValue") is { Length: > 0 } all ? all : null, current, options, typeName)
        {
            Auto = Bool(v, "auto"),
            AutoCount = Int(v, "auto_count") is > 0 and var count ? count : 30,
            AutoMin = Str(v, "auto_min") is { Length: > 0 } min ? min : "10s",
        };
    }

    internal static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static bool Bool(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    /// <summary>An integer property, also when written as a number string ("250px" is read by the layout code, not here).</summary>
    internal static int? Int(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d)) return (int)Math.Floor(d);
        if (v.ValueKind == JsonValueKind.String && int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int i)) return i;
        return null;
    }

    /// <summary>A uid from a file name: what Grafana allows in uids (letters, digits, '-', '_').</summary>
    public static string Slug(string name)
    {
        var chars = name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' ? char.ToLowerInvariant(ch) : '-').ToArray();
        var slug = new string(chars).Trim('-');
        return slug.Length == 0 ? "dashboard" : slug[..Math.Min(slug.Length, 40)];
    }

    /// <summary>Hands out ids to panels that have none, above every id the dashboard uses (as Grafana does).</summary>
    internal sealed class PanelIds
    {
        private int _next;

        public PanelIds(JsonElement dashboard)
        {
            int max = 0;
            void Visit(JsonElement e)
            {
                if (e.ValueKind == JsonValueKind.Object)
                {
                    if (Int(e, "id") is { } id && e.TryGetProperty("type", out _)) max = Math.Max(max, id);
                    foreach (var name in (string[])["panels", "rows"])
                        if (e.TryGetProperty(name, out var arr) && arr.ValueKind == JsonValueKind.Array)
                            foreach (var x in arr.EnumerateArray()) Visit(x);
                }
            }
            Visit(dashboard);
            _next = max + 1;
        }

        public int Next() => _next++;
    }

    /// <summary>
    /// A target of Grafana's Loki datasource: the target's datasource (or, when it has none, the panel's) names loki,
    /// or the panel is a logs panel. The page's Templating.isLokiTarget decides the same (shared cases).
    /// </summary>
    public static bool IsLokiTarget(string panelType, JsonElement panel, JsonElement target) =>
        panelType == "logs" || (HasDatasource(target) ? IsLokiDatasource(target) : IsLokiDatasource(panel));

    private static bool HasDatasource(JsonElement owner) =>
        owner.TryGetProperty("datasource", out var ds) && ds.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    /// <summary>A datasource reference naming Loki: {"type": "loki", ...}, or a name or variable such as "${DS_LOKI}".</summary>
    private static bool IsLokiDatasource(JsonElement owner)
    {
        if (!owner.TryGetProperty("datasource", out var ds)) return false;
        string? text = ds.ValueKind switch
        {
            JsonValueKind.String => ds.GetString(),
            JsonValueKind.Object => Str(ds, "type") is { Length: > 0 } type ? type : Str(ds, "uid"),
            _ => null,
        };
        return text is not null && text.Contains("loki", StringComparison.OrdinalIgnoreCase);
    }
}
