using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlobs.WebUi.Dashboards;

/// <summary>
/// Turns a legacy dashboard's <c>rows[]</c> (panels sized by <c>span</c> of 12, rows by pixel height) into
/// <c>panels[]</c> on the 24-column grid as Grafana's DashboardMigrator.upgradeToGridLayout does: a row panel per row
/// when any row is collapsed, titled or repeated (a collapsed row keeps its panels inside); spans doubled; heights in
/// 38 px grid units (30 px cells, 8 px margins); panels packed left to right, wrapping within the row. The UI and
/// the checker then see one layout model.
/// </summary>
public static class LegacyRowLayout
{
    public const int Columns = 24;
    private const int CellHeight = 30, CellMargin = 8, DefaultRowHeight = 250, DefaultSpan = 4;

    /// <summary>Rewrites <paramref name="dashboard"/> in place when it has rows and no panels; returns whether it did.</summary>
    public static bool Migrate(JsonObject dashboard)
    {
        if (dashboard["rows"] is not JsonArray rows || dashboard["panels"] is JsonArray { Count: > 0 }) return false;
        var rowList = rows.OfType<JsonObject>().ToList();
        int nextId = MaxId(dashboard) + 1;
        bool showRows = rowList.Any(r => Bool(r, "collapse") || Bool(r, "showTitle") || r["repeat"] is JsonValue rv && rv.ToString().Length > 0);
        var panels = new List<JsonObject>();
        int y = 0;
        foreach (var row in rowList)
        {
            int rowHeight = GridHeight(row["height"]);
            bool collapsed = Bool(row, "collapse");
            JsonObject? rowPanel = null;
            if (showRows)
            {
                rowPanel = new JsonObject
                {
                    ["id"] = nextId++,
                    ["type"] = "row",
                    ["title"] = row["title"]?.DeepClone() ?? "",
                    ["collapsed"] = collapsed,
                    ["gridPos"] = Pos(0, y, Columns, rowHeight),
                    ["panels"] = new JsonArray(),
                };
                if (row["repeat"] is { } repeat) rowPanel["repeat"] = repeat.DeepClone();
                y++;
            }
            var area = new RowArea(rowHeight, y);
            foreach (var p in (row["panels"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                double span = p["span"] is JsonValue sv && sv.TryGetValue(out double s) && s > 0 ? s : DefaultSpan;
                int width = Math.Min(Columns, (int)Math.Floor(span) * (Columns / 12));
                int height = p["height"] is { } ph ? GridHeight(ph) : rowHeight;
                var (px, py) = area.Place(width);
                y = area.Y;
                var panel = (JsonObject)p.DeepClone();
                panel.Remove("span");
                panel["gridPos"] = Pos(px, y + py, width, height);
                area.Add(px, y + py, width, height);
                if (rowPanel is not null && collapsed) ((JsonArray)rowPanel["panels"]!).Add((JsonNode)panel);
                else panels.Add(panel);
            }
            if (rowPanel is not null) panels.Add(rowPanel);
            if (!(rowPanel is not null && collapsed)) y += rowHeight;
        }
        // Grafana orders panels by position after the migration.
        var ordered = panels.OrderBy(p => p["gridPos"]!["y"]!.GetValue<int>()).ThenBy(p => p["gridPos"]!["x"]!.GetValue<int>()).ToList();
        var array = new JsonArray();
        foreach (var p in ordered) array.Add((JsonNode)p);
        dashboard["panels"] = array;
        dashboard.Remove("rows");
        return true;
    }

    private static JsonObject Pos(int x, int y, int w, int h) => new() { ["x"] = x, ["y"] = y, ["w"] = w, ["h"] = h };

    private static bool Bool(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue(out bool b) && b;

    private static int MaxId(JsonNode? node)
    {
        int max = 0;
        if (node is JsonObject o)
        {
            if (o["id"] is JsonValue v && v.TryGetValue(out double id) && o.ContainsKey("type")) max = (int)id;
            foreach (var name in (string[])["panels", "rows"])
                if (o[name] is JsonArray a) foreach (var x in a) max = Math.Max(max, MaxId(x));
        }
        return max;
    }

    private static int GridHeight(JsonNode? height)
    {
        double px = DefaultRowHeight;
        if (height is JsonValue v)
        {
            if (v.TryGetValue(out double d)) px = d;
            else if (v.TryGetValue(out string? s) && double.TryParse(s.Replace("px", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)) px = parsed;
        }
        px = Math.Max(px, CellHeight * 3);
        return (int)Math.Ceiling(px / (CellHeight + CellMargin));
    }

    /// <summary>Grafana's RowArea: how far down each column is filled within the current row band.</summary>
    private sealed class RowArea(int height, int y)
    {
        private readonly int[] _filled = new int[Columns];
        public int Y { get; private set; } = y;

        public void Add(int x, int py, int w, int h)
        {
            for (int i = x; i < x + w && i < Columns; i++)
                if (py + h - Y > _filled[i]) _filled[i] = py + h - Y;
        }

        public (int X, int Y) Place(int panelWidth, bool retried = false)
        {
            int? start = null, end = null;
            for (int i = Columns - 1; i >= 0; i--)
            {
                if (height - _filled[i] > 0)
                {
                    if (end is null) end = i;
                    else if (i < Columns - 1 && _filled[i] <= _filled[i + 1]) start = i;
                    else break;
                }
                else break;
            }
            if (start is { } s && end is { } e && e - s >= panelWidth - 1) return (s, _filled[s..].Max());
            if (retried) return (0, 0);
            // No room left in this band: start a new band below it.
            Y += height;
            Array.Clear(_filled);
            return Place(panelWidth, true);
        }
    }
}
