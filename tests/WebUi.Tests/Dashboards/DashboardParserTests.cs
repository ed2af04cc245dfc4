using Mlobs.Tests.Support;
using Mlobs.WebUi.Dashboards;

namespace Mlobs.WebUi.Tests.Dashboards;

public class DashboardParserTests
{
    private static Dashboard Shared(string name) =>
        DashboardParser.Parse(File.ReadAllText(Paths.Conformance("grafana", name)), name);

    [Fact]
    public void NodeExporterFullReadsWithRowsVariablesAndEveryQuery()
    {
        var d = Shared("node-exporter-full.json");
        Assert.Equal("rYdddlPWk", d.Uid);
        Assert.Equal("Node Exporter Full", d.Title);
        Assert.Equal(16, d.Panels.Count(p => p.Type == "row"));
        // Collapsed rows keep their panels inside; open rows' panels follow them at the top level.
        var cpuRow = d.Panels.Single(p => p.Title == "CPU / Memory / Net / Disk");
        Assert.True(cpuRow.Collapsed);
        Assert.Equal(10, cpuRow.Children.Count);
        Assert.Equal(125, d.DrawnPanels.Count());
        Assert.Equal(275, d.DrawnPanels.Sum(p => p.Targets.Count(t => !t.Hide)));
        Assert.Equal(["ds_prometheus", "job", "nodename", "node"], d.Variables.Select(v => v.Name));
        var node = d.Variables.Single(v => v.Name == "node");
        Assert.Equal(VariableType.Query, node.Type);
        Assert.Equal("label_values(node_uname_info{job=\"$job\", nodename=\"$nodename\"}, instance)", node.Query);
    }

    [Fact]
    public void LegacyRowsAreLaidOutOnTheGridAsGrafanaMigratesThem()
    {
        var d = Shared("node-exporter-full-old.json");
        Assert.Equal(172, d.DrawnPanels.Count());
        Assert.All(d.DrawnPanels, p => Assert.InRange(p.GridPos.X + p.GridPos.W, 1, 24));
        // No two panels overlap.
        var placed = d.Panels.Where(p => p.Type != "row").ToList();
        for (int i = 0; i < placed.Count; i++)
            for (int j = i + 1; j < placed.Count; j++)
            {
                var a = placed[i].GridPos; var b = placed[j].GridPos;
                bool overlap = a.X < b.X + b.W && b.X < a.X + a.W && a.Y < b.Y + b.H && b.Y < a.Y + a.H;
                Assert.False(overlap, $"{placed[i].Title} overlaps {placed[j].Title}");
            }
    }

    [Fact]
    public void SpansDoubleAndRowsStackInGridUnits()
    {
        const string json = """
        {"title": "legacy", "rows": [
          {"title": "first", "showTitle": true, "height": "250px", "panels": [
            {"id": 1, "type": "graph", "span": 6, "targets": [{"expr": "up", "refId": "A"}]},
            {"id": 2, "type": "singlestat", "span": 6}]},
          {"title": "second", "collapse": true, "height": 300, "panels": [{"id": 3, "type": "graph", "span": 12}]},
          {"title": "third", "height": "200px", "panels": [{"id": 4, "type": "graph"}, {"id": 5, "type": "graph", "span": 8}, {"id": 6, "type": "graph", "span": 4}]}
        ]}
        """;
        var d = DashboardParser.Parse(json, "legacy.json");
        var rows = d.Panels.Where(p => p.Type == "row").ToList();
        Assert.Equal(["first", "second", "third"], rows.Select(r => r.Title));
        var byId = d.Panels.Where(p => p.Type != "row").ToDictionary(p => p.Id, p => p.GridPos);
        Assert.Equal(new GridPos(0, 1, 12, 7), byId[1]);   // 250 px → ceil(250 / 38) = 7 units
        Assert.Equal(new GridPos(12, 1, 12, 7), byId[2]);
        Assert.DoesNotContain(3, byId.Keys);               // inside the collapsed row
        Assert.Single(rows[1].Children);
        Assert.Equal(new GridPos(0, 10, 8, 6), byId[4]);   // default span 4 → 8 columns; row "second" is one unit high when collapsed
        Assert.Equal(new GridPos(8, 10, 16, 6), byId[5]);
        Assert.Equal(new GridPos(0, 16, 8, 6), byId[6]);   // no room left: wraps below
    }

    [Fact]
    public void WrappedAndBareFormsGiveTheSameDashboard()
    {
        const string bare = """{"uid": "abc", "title": "T", "panels": [{"id": 7, "type": "stat", "title": "S", "gridPos": {"x": 1, "y": 2, "w": 3, "h": 4}, "targets": [{"expr": "up", "refId": "A", "instant": true}]}]}""";
        var a = DashboardParser.Parse(bare, "a.json");
        var b = DashboardParser.Parse("{\"dashboard\": " + bare + ", \"overwrite\": true}", "b.json");
        Assert.Equal(a.Uid, b.Uid);
        var pa = Assert.Single(a.Panels);
        var pb = Assert.Single(b.Panels);
        Assert.Equal(pa.GridPos, pb.GridPos);
        Assert.Equal(new GridPos(1, 2, 3, 4), pa.GridPos);
        Assert.True(Assert.Single(pb.Targets).Instant);
    }

    [Fact]
    public void MalformedJsonNamesFileLineAndColumn()
    {
        var ex = Assert.Throws<DashboardFormatException>(() => DashboardParser.Parse("{\n  \"title\": \"x\",\n  \"panels\": [ }\n}", "bad.json"));
        Assert.StartsWith("bad.json:3:", ex.Message);
        var notDashboard = Assert.Throws<DashboardFormatException>(() => DashboardParser.Parse("{\"foo\": 1}", "x.json"));
        Assert.Contains("not a Grafana dashboard", notDashboard.Message);
    }

    [Fact]
    public void TrailingCommasAndCommentsAreRefusedAsGrafanaRefusesThem()
    {
        var comma = Assert.Throws<DashboardFormatException>(() => DashboardParser.Parse("{\"title\": \"x\",\n \"panels\": [],\n}", "comma.json"));
        Assert.Equal("comma.json:3:1: invalid JSON: trailing comma (JSON allows none; Grafana refuses it)", comma.Message);
        var comment = Assert.Throws<DashboardFormatException>(() => DashboardParser.Parse("{\"title\": \"x\",\n  // the panels\n \"panels\": []}", "comment.json"));
        Assert.Equal("comment.json:2:3: invalid JSON: comment (JSON has none; Grafana refuses it)", comment.Message);
    }

    [Fact]
    public void MissingUidsAndPanelIdsAreFilledIn()
    {
        var d = DashboardParser.Parse("""{"title": "No uid", "panels": [{"id": 4, "type": "text"}, {"type": "text"}]}""", "dir/My Board.json");
        Assert.Equal("my-board", d.Uid);
        Assert.Equal([4, 5], d.Panels.Select(p => p.Id));
    }
}
