using Mlobs.Config.Yaml;

namespace Mlobs.Config.Tests.Yaml;

/// <summary>One table per config record: a key is allowed exactly when it is read (or declared unused and warned about).</summary>
public class KeyTableTests
{
    private sealed record Target(string Host = "", int Port = 0);

    private static readonly KeyTable<Target> Keys = new("target.")
    {
        { "host", (r, v, t) => t with { Host = r.String(v, "host") } },
        { "port", (r, v, t) => t with { Port = (int)r.Long(v, "port", 1) } },
        { "proxy_url" },
    };

    private static (Target Target, YamlNodeReader Reader) Read(string yaml)
    {
        var r = new YamlNodeReader("t.yml");
        return (Keys.Read(r, r.LoadDocument(yaml)!, "target", new Target()), r);
    }

    [Fact]
    public void ReadsEachKeyWithItsBinderAndWarnsUnusedOnes()
    {
        var (target, reader) = Read("host: model-server\nport: 8080\nproxy_url: http://proxy\n");
        Assert.Equal(new Target("model-server", 8080), target);
        Assert.Equal("t.yml:3:1: target.proxy_url: accepted but not used by mlobs", Assert.Single(reader.Warnings).ToString());
        Assert.Equal(["host", "port", "proxy_url"], Keys);
    }

    [Theory]
    [InlineData("hostname: x\n", "t.yml:1:1: field hostname not found in target")]
    [InlineData("host: a\nhost: b\n", "t.yml:2:1: yaml: Duplicate key host")]
    [InlineData("port: 0\n", "t.yml:1:7: port must be at least 1")]
    public void UnknownRepeatedAndInvalidKeysAreErrorsWithTheirPlace(string yaml, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => Read(yaml));
        Assert.Equal(message, ex.Message);
    }
}
