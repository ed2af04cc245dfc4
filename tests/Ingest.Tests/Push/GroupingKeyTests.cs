using Mlobs.Ingest.Push;

namespace Mlobs.Ingest.Tests.Push;

/// <summary>Push URLs as the Pushgateway's handler reads them (handler/push.go: splitLabels, decodeBase64).</summary>
public sealed class GroupingKeyTests
{
    private static string Describe(GroupingKey key) => string.Join(",", key.Labels.Select(l => $"{l.Name}={l.Value}"));

    [Theory]
    [InlineData("/train", false, "job=train")]
    [InlineData("/train/", false, "job=train")]
    [InlineData("/train/instance/box1/stage/eval", false, "instance=box1,job=train,stage=eval")]
    [InlineData("/train/job/other", false, "job=train")] // the URL's job wins over a job label pair
    [InlineData("/dHJhaW4vbmlnaHRseQ", true, "job=train/nightly")]
    [InlineData("/dHJhaW4vbmlnaHRseQ==", true, "job=train/nightly")] // padding optional
    [InlineData("/train/path@base64/L3Zhci90bXA", false, "job=train,path=/var/tmp")]
    [InlineData("/train/empty@base64/=", false, "empty=,job=train")] // "=" is the empty value
    [InlineData("/train/x@base64/w7w-Pw", false, "job=train,x=\u00fc>?")] // URL-safe alphabet
    public void ParsesJobAndLabels(string path, bool jobBase64, string expected) =>
        Assert.Equal(expected, Describe(GroupingKey.Parse(path, jobBase64)));

    [Theory]
    [InlineData("/train/instance", false, "odd number of components in label string \"/instance\"")]
    [InlineData("/train/a/1/b", false, "odd number of components in label string \"/a/1/b\"")]
    [InlineData("/train/1abc/x", false, "improper label name \"1abc\"")]
    [InlineData("/train/__name__/x", false, "improper label name \"__name__\"")]
    [InlineData("/train/x@base64/a+b", false, "invalid base64 encoding for label x=\"a+b\": illegal base64 data at input byte 1")]
    [InlineData("/a!b", true, "invalid base64 encoding in job name \"a!b\": illegal base64 data at input byte 1")]
    [InlineData("/", false, "job name is required")]
    [InlineData("/=", true, "job name is required")]
    public void RejectsWithThePushgatewaysMessage(string path, bool jobBase64, string message) =>
        Assert.Equal(message, Assert.Throws<PushRequestException>(() => GroupingKey.Parse(path, jobBase64)).Message);

    [Fact]
    public void KeysDifferWhateverTheValuesHold()
    {
        var a = GroupingKey.Parse("/j/a/x/b/y", false);
        var b = GroupingKey.Parse("/j/b/y/a/x", false);
        var c = GroupingKey.Parse("/j/a@base64/eDtiPTE", false); // a="x;b=1"
        Assert.Equal(a.Key, b.Key);
        Assert.NotEqual(a.Key, c.Key);
    }

    [Theory]
    [InlineData("/train/stage/eval")]
    [InlineData("/dHJhaW4vbmlnaHRseQ")]
    [InlineData("/train/path@base64/L3Zhci90bXA/empty@base64/=/model/fraud%20v2")]
    public void WritesPathsThatParseBackToTheSameKey(string path)
    {
        var key = GroupingKey.Parse(path, jobBase64: path.StartsWith("/dHJ", StringComparison.Ordinal));
        var written = key.ToPath();
        Assert.StartsWith("/metrics/job", written);
        bool base64 = written.StartsWith("/metrics/job@base64", StringComparison.Ordinal);
        var rest = Uri.UnescapeDataString(written[(base64 ? "/metrics/job@base64" : "/metrics/job").Length..]);
        Assert.Equal(key, GroupingKey.Parse(rest, base64));
    }
}
