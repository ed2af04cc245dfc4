using Mlobs.Config;
using Mlobs.Ingest.Scrape;
using Mlobs.Ingest.Scrape.Relabel;

namespace Mlobs.Ingest.Tests.Scrape;

public class TargetBuilderTests
{
    [Fact]
    public void PopulatesLabelsRelabelsAndBuildsUrls()
    {
        var cfg = new ScrapeConfig
        {
            JobName = "node", ScrapeInterval = TimeSpan.FromSeconds(15), ScrapeTimeout = TimeSpan.FromSeconds(10),
            Params = new Dictionary<string, IReadOnlyList<string>> { ["module"] = ["http_2xx"] },
            RelabelConfigs =
            [
                new RelabelConfig { SourceLabels = ["__address__"], Regex = "drop-me.*", Action = RelabelAction.Drop },
                new RelabelConfig { SourceLabels = ["__address__"], Regex = "([^:]+):.*", TargetLabel = "host" },
            ],
        };
        var (active, dropped) = TargetBuilder.Build(cfg, new Relabeler(cfg.RelabelConfigs),
        [
            ("web:9100", new Dictionary<string, string> { ["env"] = "prod" }),
            ("drop-me:1", new Dictionary<string, string>()),
        ]);
        var t = Assert.Single(active);
        Assert.Equal("http://web:9100/metrics?module=http_2xx", t.Url.ToString());
        Assert.Equal("node", t.Labels.Get("job"));
        Assert.Equal("web:9100", t.Labels.Get("instance"));
        Assert.Equal("web", t.Labels.Get("host"));
        Assert.Equal("prod", t.Labels.Get("env"));
        Assert.Null(t.Labels.Get("__address__"));
        Assert.Equal("web:9100", t.DiscoveredLabels.Get("__address__"));
        Assert.Single(dropped);
        Assert.True(t.Offset(1) < t.Interval);
        Assert.Equal(t.Offset(1), t.Offset(1));
    }
}
