using System.Net;
using System.Text;
using System.Text.Json;

namespace Mlobs.Appliance.Tests.Http;

/// <summary>Loki's push, query, query_range, labels, label values and series over a real log store in process.</summary>
public sealed class LokiApiTests
{
    private static readonly long BaseNs = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds() * 1_000_000;

    private static async Task PushAsync(ApiHost host, string service, params string[] lines)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["streams"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["stream"] = new Dictionary<string, string> { ["service"] = service },
                    ["values"] = lines.Select((l, i) => new[] { (BaseNs + i * 1_000_000_000L).ToString(), l }).ToArray(),
                },
            },
        });
        using var response = await host.Http.PostAsync("/loki/api/v1/push", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task PushedLinesAreQueriedInLokisShapes()
    {
        await using var host = await ApiHost.StartAsync();
        await PushAsync(host, "api", "GET /predict 200", "GET /predict 500", "POST /train 500");
        await PushAsync(host, "api", "GET /predict 200"); // a retried push stores nothing twice
        await PushAsync(host, "worker", "batch done");

        var window = $"start={BaseNs - 1_000_000_000}&end={BaseNs + 60_000_000_000}";
        var streams = await host.DataAsync($"/loki/api/v1/query_range?query={Uri.EscapeDataString("{service=\"api\"} |= \"500\"")}&{window}&direction=forward");
        Assert.Equal("streams", streams.GetProperty("resultType").GetString());
        var values = Assert.Single(streams.GetProperty("result").EnumerateArray()).GetProperty("values").EnumerateArray().Select(v => v[1].GetString()).ToList();
        Assert.Equal(["GET /predict 500", "POST /train 500"], values);

        var metric = await host.DataAsync($"/loki/api/v1/query?query={Uri.EscapeDataString("sum by (service) (count_over_time({service=~\".+\"}[5m]))")}&time={(BaseNs + 60_000_000_000) / 1_000_000_000}");
        Assert.Equal("vector", metric.GetProperty("resultType").GetString());
        Assert.Equal(["3", "1"], metric.GetProperty("result").EnumerateArray().OrderBy(r => r.GetProperty("metric").GetProperty("service").GetString())
            .Select(r => r.GetProperty("value")[1].GetString()));
        var constant = await host.DataAsync("/loki/api/v1/query?query=vector(1)%2Bvector(1)");
        Assert.Equal("2", Assert.Single(constant.GetProperty("result").EnumerateArray()).GetProperty("value")[1].GetString());

        Assert.Equal(["service"], (await host.DataAsync($"/loki/api/v1/labels?{window}")).EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["api", "worker"], (await host.DataAsync($"/loki/api/v1/label/service/values?{window}")).EnumerateArray().Select(e => e.GetString()));
        var series = await host.DataAsync($"/loki/api/v1/series?match[]={Uri.EscapeDataString("{service=\"worker\"}")}&{window}");
        Assert.Equal("worker", Assert.Single(series.EnumerateArray()).GetProperty("service").GetString());
    }

    [Fact]
    public async Task ErrorsArePlainTextWithLokisStatusCodes()
    {
        await using var host = await ApiHost.StartAsync();
        async Task Plain(HttpResponseMessage response, HttpStatusCode status, string startsWith)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.StartsWith(startsWith, await response.Content.ReadAsStringAsync());
            response.Dispose();
        }
        await Plain(await host.Http.GetAsync("/loki/api/v1/query_range?query=%7Bservice%3D"), HttpStatusCode.BadRequest, "parse error");
        await Plain(await host.Http.GetAsync("/loki/api/v1/query_range?query=%7Bservice%3D%22a%22%7D&step=never"), HttpStatusCode.BadRequest, "invalid step never");
        await Plain(await host.Http.GetAsync("/loki/api/v1/query?query=%7Bservice%3D%22a%22%7D&time=yesterday"), HttpStatusCode.BadRequest, "invalid time yesterday");
        await Plain(await host.Http.PostAsync("/loki/api/v1/push", new StringContent("{\"streams\": [", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "error parsing push request: ");
    }
}
