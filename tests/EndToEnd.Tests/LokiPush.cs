using System.Text;
using System.Text.Json;

namespace Mlobs.EndToEnd.Tests;

/// <summary>Pushes JSON service-log lines (one stream per level) to a running mlobs through Loki's push API.</summary>
internal static class LokiPush
{
    public static async Task ServiceLogsAsync(string baseUrl, string service, int perLevel = 5)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var streams = new[] { "info", "warn", "error" }.Select((level, l) => new Dictionary<string, object>
        {
            ["stream"] = new Dictionary<string, string> { ["service"] = service, ["level"] = level },
            ["values"] = Enumerable.Range(0, perLevel).Select(i => new[]
            {
                (now - (perLevel - i) * 2_000_000_000L - l * 1_000_000L).ToString(),
                JsonSerializer.Serialize(new Dictionary<string, object> { ["level"] = level, ["msg"] = $"{level} event {i}", ["model"] = "churn", ["latency_ms"] = 100 + i }),
            }).ToArray(),
        }).ToArray();
        using var http = new HttpClient();
        var response = await http.PostAsync(baseUrl + "/loki/api/v1/push",
            new StringContent(JsonSerializer.Serialize(new Dictionary<string, object> { ["streams"] = streams }), Encoding.UTF8, "application/json"));
        if ((int)response.StatusCode != 204) throw new InvalidOperationException($"push: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
