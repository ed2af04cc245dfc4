namespace Mlobs.Appliance.Tests.Http;

/// <summary>The UI's pages in process: a dashboard's page preloads what it fetches first.</summary>
public sealed class UiEndpointsTests
{
    [Fact]
    public async Task ADashboardPagePreloadsItsJsonAndTheDatasourceSettings()
    {
        await using var host = await ApiHost.StartAsync();
        var page = await host.Http.GetStringAsync("/d/model-serving/model-serving?from=now-6h");
        // The URLs the page's own fetches ask for, as fetches (same mode and credentials), in the head.
        Assert.Contains("<link rel=\"preload\" href=\"/api/dashboards/uid/model-serving\" as=\"fetch\" crossorigin=\"anonymous\">", page);
        Assert.Contains("<link rel=\"preload\" href=\"/api/datasources\" as=\"fetch\" crossorigin=\"anonymous\">", page);
        Assert.True(page.IndexOf("rel=\"preload\"", StringComparison.Ordinal) < page.IndexOf("</head>", StringComparison.Ordinal));
        Assert.Contains("<script src=\"/js/bundle.js\"></script>", page);

        // Other pages, and a uid the page would escape differently, have none.
        Assert.DoesNotContain("rel=\"preload\"", await host.Http.GetStringAsync("/"));
        Assert.DoesNotContain("rel=\"preload\"", await host.Http.GetStringAsync("/graph"));
        Assert.DoesNotContain("rel=\"preload\"", await host.Http.GetStringAsync("/d/we%20ird"));
    }
}
