using Mlobs.Config;
using Mlobs.Config.Yaml;
using Mlobs.Ingest.Scrape;
using Mlobs.Tests.Support;

namespace Mlobs.Ingest.Tests.Scrape;

public class FileSdDiscovererTests
{
    [Fact]
    public void ReadsJsonAndYamlAndNoticesChanges()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "a.json"), """[{"targets": ["h1:1", "h2:2"], "labels": {"team": "ml"}}]""");
        File.WriteAllText(Path.Combine(dir.Path, "b.yml"), "- targets: ['h3:3']\n");
        var sd = new FileSdDiscoverer(new FileSdConfig(["*.json", "b.yml"], TimeSpan.FromMinutes(5)), dir.Path);
        Assert.True(sd.Refresh());
        var targets = sd.Targets.ToList();
        Assert.Equal(["h1:1", "h2:2", "h3:3"], targets.Select(t => t.Address).Order());
        Assert.Equal("ml", targets.First(t => t.Address == "h1:1").Labels["team"]);
        Assert.EndsWith("a.json", targets.First(t => t.Address == "h1:1").Labels["__meta_filepath"]);
        Assert.False(sd.Refresh());

        File.WriteAllText(Path.Combine(dir.Path, "a.json"), """[{"targets": ["h9:9"]}]""");
        File.SetLastWriteTimeUtc(Path.Combine(dir.Path, "a.json"), DateTime.UtcNow.AddSeconds(5));
        Assert.True(sd.Refresh());
        Assert.Contains(sd.Targets, t => t.Address == "h9:9");

        // a broken file keeps its previous targets
        File.WriteAllText(Path.Combine(dir.Path, "a.json"), "[{\"targets\": [");
        File.SetLastWriteTimeUtc(Path.Combine(dir.Path, "a.json"), DateTime.UtcNow.AddSeconds(10));
        sd.Refresh();
        Assert.Contains(sd.Targets, t => t.Address == "h9:9");
    }

    [Fact]
    public void BadTargetGroupFileNamesThePosition()
    {
        var ex = Assert.Throws<ConfigException>(() => FileSdDiscoverer.Parse("t.yml", "- targets: ['a:1']\n  lables: {}\n"));
        Assert.Equal(2, ex.Line);
        Assert.Contains("field lables not found", ex.Message);
    }
}
