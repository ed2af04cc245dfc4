using System.Globalization;
using System.Text.Json;

namespace Mlobs.WebUi.Dashboards;

/// <summary>
/// Lays out a legacy dashboard's <c>rows[]</c> (panels sized by <c>span</c> of 12, rows by pixel height) on the
/// 24-column grid as Grafana's DashboardMigrator.upgradeToGridLayout does: a row panel per row when any row is
/// collapsed, titled or repeated; spans doubled; heights in 38 px grid units (30 px cells, 8 px margins); panels
/// packed left to right, wrapping within the row.
/// </summary>
public static class LegacyRowLayout
{
    public const int Columns = 24;
    private const int CellHeight = 30, CellMargin = 8, DefaultRowHeight = 250, DefaultSpan = 4;

    internal static List<DashboardPanel> Convert(JsonElement rows, DashboardParser.PanelIds ids, Func<JsonElement, GridPos, DashboardPanel> panel)
    {
        var result = new List<DashboardPanel>();
        var rowList = rows.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object).ToList();
        bool showRows = rowList.Any(r => DashboardParser.Bool(r, "collapse") || DashboardParser.Bool(r, "showTitle") || DashboardParser.Str(r, "repeat") is { Length: > 0 });
        int y = 0;
        foreach (var row in rowList)
        {
            int rowHeight = GridHeight(row.TryGetProperty("height", out var h) ? h : default);
            bool collapsed = DashboardParser.Bool(row, "collapse");
            int rowY = y;
            if (showRows) y++;
            var area = new RowArea(rowHeight, y);
            var placed = new List<DashboardPanel>();
            if (row.TryGetProperty("panels", out var ps) && ps.ValueKind == JsonValueKind.Array)
            {
                foreach (var p in ps.EnumerateArray())
                {
                    if (p.ValueKind != JsonValueKind.Object) continue;
                    double span = p.TryGetProperty("span", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : DefaultSpan;
                    if (span <= 0) span = DefaultSpan;
                    int width = Math.Min(Columns, (int)Math.Floor(span) * (Columns / 12));
                    int height = p.TryGetProperty("height", out var ph) && ph.ValueKind != JsonValueKind.Null ? GridHeight(ph) : rowHeight;
                    var (px, py) = area.Place(height, width);
                    y = area.Y;
                    var pos = new GridPos(px, y + py, width, height);
                    area.Add(pos);
                    placed.Add(panel(p, pos));
                }
            }
            if (showRows)
            {
                var rowPanel = new DashboardPanel(ids.Next(), DashboardParser.Str(row, "title") ?? "", "row", new GridPos(0, rowY, Columns, rowHeight),
                    [], null, null, collapsed ? placed : [], collapsed, DashboardParser.Str(row, "repeat"));
                if (!collapsed) result.AddRange(placed);
                result.Add(rowPanel);
            }
            else
            {
                result.AddRange(placed);
            }
            if (!(showRows && collapsed)) y += rowHeight;
        }
        // Grafana sorts panels by position after the migration.
        return result.OrderBy(p => p.GridPos.Y).ThenBy(p => p.GridPos.X).ToList();
    }

    private static int GridHeight(JsonElement height)
    {
        double px = DefaultRowHeight;
        if (height.ValueKind == JsonValueKind.Number) px = height.GetDouble();
        else if (height.ValueKind == JsonValueKind.String && double.TryParse(height.GetString()!.Replace("px", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) px = v;
        px = Math.Max(px, CellHeight * 3);
        return (int)Math.Ceiling(px / (CellHeight + CellMargin));
    }

    /// <summary>Grafana's RowArea: how far down each column is filled within the current row band.</summary>
    private sealed class RowArea(int height, int y)
    {
        private readonly int[] _filled = new int[Columns];
        public int Y { get; private set; } = y;

        public void Add(GridPos pos)
        {
            for (int i = pos.X; i < pos.X + pos.W && i < Columns; i++)
                if (pos.Y + pos.H - Y > _filled[i]) _filled[i] = pos.Y + pos.H - Y;
        }

        public (int X, int Y) Place(int panelHeight, int panelWidth, bool retried = false)
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
            if (start is { } s && end is { } e && e - s >= panelWidth - 1)
                return (s, _filled[s..].Max());
            if (retried) return (0, 0);
            // No room left in this band: start a new band below it.
            Y += height;
            Array.Clear(_filled);
            return Place(panelHeight, panelWidth, true);
        }
    }
}
