using System.IO.Compression;
using System.Net;
using System.Text;

namespace Mlobs.Appliance.Tests.Http;

/// <summary>The Pushgateway API in process over a real push store: paths, status codes, error bodies and the JSON listing.</summary>
public sealed class PushgatewayApiTests : IAsyncLifetime
{
    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.StartAsync();
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, string? body = null, bool gzip = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            if (gzip)
            {
                using var ms = new MemoryStream();
                using (var z = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) z.Write(bytes);
                bytes = ms.ToArray();
            }
            request.Content = new ByteArrayContent(bytes);
            if (gzip) request.Content.Headers.ContentEncoding.Add("gzip");
        }
        using var response = await _host.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PushesListsAndDeletesGroups()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, "/metrics/job/train/stage/eval", "# HELP loss Loss.\n# TYPE loss gauge\nloss{model=\"m\"} 0.27\n")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "/metrics/job@base64/YmF0Y2gvMQ", "rows 5\n", gzip: true)).Status);

        var data = await _host.DataAsync("/api/v1/metrics");
        var groups = data.EnumerateArray().ToList();
        Assert.Equal(2, groups.Count);
        var train = groups.Single(g => g.GetProperty("labels").GetProperty("job").GetString() == "train");
        Assert.True(train.GetProperty("last_push_successful").GetBoolean());
        var loss = train.GetProperty("loss");
        Assert.Equal("GAUGE", loss.GetProperty("type").GetString());
        Assert.Equal("Loss.", loss.GetProperty("help").GetString());
        var metric = loss.GetProperty("metrics")[0];
        Assert.Equal("0.27", metric.GetProperty("value").GetString());
        Assert.Equal("", metric.GetProperty("labels").GetProperty("instance").GetString());
        Assert.Equal("eval", metric.GetProperty("labels").GetProperty("stage").GetString());
        Assert.EndsWith("Z", loss.GetProperty("time_stamp").GetString());
        Assert.Contains(groups, g => g.GetProperty("labels").GetProperty("job").GetString() == "batch/1");

        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(HttpMethod.Delete, "/metrics/job/train/stage/eval")).Status);
        Assert.Single((await _host.DataAsync("/api/v1/metrics")).EnumerateArray());
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(HttpMethod.Put, "/api/v1/admin/wipe")).Status);
        Assert.Empty((await _host.DataAsync("/api/v1/metrics")).EnumerateArray());
    }

    [Theory]
    [InlineData("/metrics/job/x/stage", "x 1\n", "odd number of components in label string \"/stage\"\n")]
    [InlineData("/metrics/job/x", "x{ 1\n", "text format parsing error in line 1: ")]
    [InlineData("/metrics/job/x", "x 1 1700000000000\n", "pushed metrics are invalid or inconsistent with existing metrics: pushed metrics must not have timestamps\n")]
    [InlineData("/metrics/job@base64/%21", "x 1\n", "invalid base64 encoding in job name \"!\": illegal base64 data at input byte 0\n")]
    public async Task RefusesBadPushesWithThePushgatewaysPlainTextErrors(string path, string body, string error)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(body) };
        using var response = await _host.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.StartsWith(error, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AFailedPushMarksTheGroup()
    {
        await SendAsync(HttpMethod.Put, "/metrics/job/j", "# TYPE a gauge\na 1\n");
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Put, "/metrics/job/k", "# TYPE a counter\na 1\n")).Status);
        var k = (await _host.DataAsync("/api/v1/metrics")).EnumerateArray().Single(g => g.GetProperty("labels").GetProperty("job").GetString() == "k");
        Assert.False(k.GetProperty("last_push_successful").GetBoolean());
        Assert.Equal("0", k.GetProperty("push_time_seconds").GetProperty("metrics")[0].GetProperty("value").GetString());
        Assert.NotEqual("0", k.GetProperty("push_failure_time_seconds").GetProperty("metrics")[0].GetProperty("value").GetString());
    }
}
