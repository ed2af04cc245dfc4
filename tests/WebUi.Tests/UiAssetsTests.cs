namespace Mlobs.WebUi.Tests;

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
}
