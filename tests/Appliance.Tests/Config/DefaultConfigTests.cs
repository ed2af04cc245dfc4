using Mlobs.Appliance.Config;
using Mlobs.Config;

namespace Mlobs.Appliance.Tests.Config;

/// <summary>The configuration compiled into the binary loads as it is.</summary>
public class DefaultConfigTests
{
    [Fact]
    public void EmbeddedDefaultConfigIsValid()
    {
        Environment.SetEnvironmentVariable(DefaultConfig.ListenAddressVariable, "127.0.0.1:9999");
        var cfg = ConfigLoader.Parse(DefaultConfig.Text(), DefaultConfig.SourceName);
        Assert.Equal("127.0.0.1:9999", cfg.ScrapeConfigs.Single().StaticConfigs[0].Targets[0]);
    }
}
