using Mlobs.Tests.Support;
using Mlobs.WebUi.Dashboards;

namespace Mlobs.WebUi.Tests.Dashboards;

/// <summary>The dashboards dir's sub-folders are Grafana folders; the import dir stays flat.</summary>
public class DashboardLibraryTests
{
    private static string Dashboard(string uid, string title) =>
        $$"""{"uid": "{{uid}}", "title": "{{title}}", "panels": [{"type": "stat", "title": "x", "gridPos": {"x": 0, "y": 0, "w": 6, "h": 4}, "targets": [{"expr": "up"}]}]}""";

    [Fact]
    public void SubFoldersOfTheDashboardsDirAreFolders()
    {
        using var dir = new TempDir();
        var root = Path.Combine(dir.Path, "dashboards");
        Directory.CreateDirectory(Path.Combine(root, "Models", "Fraud"));
        Directory.CreateDirectory(Path.Combine(root, ".hidden"));
        File.WriteAllText(Path.Combine(root, "top.json"), Dashboard("top", "Top"));
        File.WriteAllText(Path.Combine(root, "Models", "serving.json"), Dashboard("serving", "Serving"));
        File.WriteAllText(Path.Combine(root, "Models", "Fraud", "fraud.json"), Dashboard("fraud", "Fraud"));
        File.WriteAllText(Path.Combine(root, ".hidden", "skip.json"), Dashboard("skip", "Skip"));
        var library = new DashboardLibrary(root, Path.Combine(dir.Path, "imports"));

        Assert.Null(library.Find("top")!.Folder);
        Assert.Equal("Models", library.Find("serving")!.Folder);
        Assert.Equal("Models/Fraud", library.Find("fraud")!.Folder);
        Assert.Null(library.Find("skip"));
        Assert.Equal(["Models", "Models/Fraud"], library.Folders());
        // An import keeps no folder (it is kept in the data dir, flat).
        var imported = library.Import(Dashboard("imp", "Imported"), overwrite: false);
        Assert.Null(imported.Folder);
    }
}
