using System.Net;
using Mlobs.Config;
using Mlobs.Model.Labels;

namespace Mlobs.Appliance.Tests.Http;

/// <summary>/federate in process: the latest sample of each matching series, with the external labels.</summary>
public sealed class FederateEndpointTests
{
    [Fact]
    public async Task LatestSamplesInTheTextFormatWithExternalLabels()
    {
        await using var host = await ApiHost.StartAsync();
        host.Status.Config = ConfigLoader.Parse("global:\n  external_labels: { site: edge-1 }\n", "prometheus.yml");
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var up = LabelSet.From(("__name__", "up"), ("job", "api"));
        host.Append((up, now - 20_000, 0), (up, now - 5_000, 1), (LabelSet.From(("__name__", "other"), ("job", "api")), now - 5_000, 3));

        using var response = await host.Http.GetAsync("/federate?match[]=up");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal($"# TYPE up untyped\nup{{job=\"api\",site=\"edge-1\"}} 1 {now - 5_000}\n", await response.Content.ReadAsStringAsync());

        using var bad = await host.Http.GetAsync("/federate?match[]=up{");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("1:4: parse error: unexpected end of input inside braces\n", await bad.Content.ReadAsStringAsync());
    }
}
