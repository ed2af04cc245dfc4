namespace Mlobs.WebUi.Tests;

/// <summary>The UI's files in the binary; the page's scripts are served as one bundle, the head's theme script apart.</summary>
public class UiAssetsTests
{
    [Fact]
    public void IndexAndScriptsAreEmbeddedWithContentTypes()
    {
        var index = UiAssets.Find("/");
        Assert.NotNull(index);
        Assert.Equal("text/html; charset=utf-8", index.ContentType);
        var html = System.Text.Encoding.UTF8.GetString(index.Content);
        // every local script and stylesheet the page references is embedded too
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(html, "(?:src|href)=\"(/[^\"#]+)\""))
            Assert.NotNull(UiAssets.Find(m.Groups[1].Value));
        Assert.Equal("text/javascript; charset=utf-8", UiAssets.Find("/js/app.js")!.ContentType);
        Assert.Null(UiAssets.Find("/missing.js"));
    }

    [Fact]
    public void TheBodyScriptsAreServedAsOneBundleInTheirOrder()
    {
        var index = System.Text.Encoding.UTF8.GetString(UiAssets.Find("/")!.Content);
        int body = index.IndexOf("<body>", StringComparison.Ordinal);
        Assert.Contains("<script src=\"/js/theme.js\"></script>", index[..body]); // before anything is drawn
        Assert.Equal(["/js/bundle.js"], System.Text.RegularExpressions.Regex.Matches(index[body..], "<script src=\"([^\"]+)\"").Select(m => m.Groups[1].Value));
        var bundle = System.Text.Encoding.UTF8.GetString(UiAssets.Find("/js/bundle.js")!.Content);
        Assert.StartsWith("\"use strict\";", bundle);
        // uPlot first, the router last, each file whole and in order.
        string[] order = ["// /vendor/uPlot.iife.min.js", "// /js/dom.js", "// /js/chart.js", "// /js/panels.js", "// /js/dashboard.js", "// /js/app.js"];
        var at = order.Select(o => bundle.IndexOf(o, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, at);
        Assert.Equal(at.Order(), at);
        Assert.Contains(System.Text.Encoding.UTF8.GetString(UiAssets.Find("/js/panels.js")!.Content), bundle);
    }
}
