using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// mlobs beside a real Prometheus (Debian's prometheus package, which ./build.sh installs): the same requests to
/// both must give the same answers where the older Prometheus understands the query.
/// </summary>
public sealed partial class PrometheusPeerTests : IDisposable
{
    private const string PrometheusBinary = "/usr/bin/prometheus";
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    [GeneratedRegex(@"^eval(?:_fail|_ordered|_warn|_info)?\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(?<expr>.+)$")]
    private static partial Regex EvalLine();

    [Fact]
    public async Task FormatQueryMatchesPrometheusOnItsOwnTestQueries()
    {
        Assert.True(File.Exists(PrometheusBinary), $"{PrometheusBinary} is missing: ./build.sh installs Debian's prometheus package");
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, "global:\n  scrape_interval: 15s\n");
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));
        using var prometheus = await StartPrometheusAsync(config);

        var queries = Directory.GetFiles(Paths.Conformance("promql"), "*.test")
            .SelectMany(File.ReadLines)
            .Select(l => EvalLine().Match(l.Trim()))
            .Where(m => m.Success)
            .Select(m => m.Groups["expr"].Value)
            .Distinct()
            .ToList();
        // Longer queries exercise the multi-line layout too.
        queries.Add("sum by (job) (rate(http_requests_total{job=\"checkout-service\",handler=\"/api/v1/orders\",code=~\"5..\"}[5m])) / on (job) group_left sum by (job) (rate(http_requests_total[5m]))");
        queries.Add("histogram_quantile(0.99, sum by (le, service_name_label) (rate(model_inference_latency_seconds_bucket{env=\"prod\"}[5m]))) > 0.5");
        queries.Add("sum(rate(foo{b=\"1\",a=\"2\"}[5m]))by(job)+on(x)group_left()bar and max_over_time(very_long_metric_name_number_one_here{label_one=\"value_one\",label_two=\"value_two\"}[30m:1m])");

        int compared = 0, unsupported = 0;
        var mismatches = new List<string>();
        foreach (var q in queries)
        {
            var theirs = await FormatAsync(prometheus.BaseUrl, q);
            if (theirs.GetProperty("status").GetString() != "success") continue; // syntax newer than this Prometheus
            var ours = await FormatAsync(mlobs.BaseUrl, q);
            compared++;
            string expected = theirs.GetProperty("data").GetString()!;
            if (ours.GetProperty("status").GetString() != "success")
            {
                // Native histograms and experimental functions are refused by name (README: PromQL semantics).
                Assert.Contains("is not supported by mlobs", ours.GetProperty("error").GetString());
                unsupported++;
                continue;
            }
            string actual = ours.GetProperty("data").GetString()!;
            if (expected != actual && SameNumbers(expected) != SameNumbers(actual)) mismatches.Add($"{q}\n  prometheus: {expected}\n  mlobs:      {actual}");
        }
        Assert.True(compared - unsupported > 500, $"only {compared - unsupported} queries compared");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {compared} differ:\n" + string.Join("\n", mismatches.Take(60)));
    }

    [GeneratedRegex(@"(?<![\w.""])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w.])")]
    private static partial Regex NumberToken();

    /// <summary>
    /// Numbers written in one canonical way. Prometheus 3 prints number literals as Go's shortest decimal
    /// (<c>9999999999</c>, as mlobs does); Debian's Prometheus 2.42 printed them with %v (<c>9.999999999e+09</c>).
    /// </summary>
    private static string SameNumbers(string formatted) =>
        NumberToken().Replace(formatted, m => double.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture).ToString("R", System.Globalization.CultureInfo.InvariantCulture));

    private async Task<JsonElement> FormatAsync(string baseUrl, string query)
    {
        using var resp = await _http.PostAsync(baseUrl + "/api/v1/format_query", new FormUrlEncodedContent(new Dictionary<string, string> { ["query"] = query }));
        return await resp.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<PeerProcess> StartPrometheusAsync(string config)
    {
        int port = FakeTarget.FreePort();
        var psi = new ProcessStartInfo(PrometheusBinary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(_dir.Path, "prometheus")}", $"--web.listen-address=127.0.0.1:{port}" })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        // Drain its logs so a full pipe never blocks it.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var peer = new PeerProcess(process, $"http://127.0.0.1:{port}");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await _http.GetAsync(peer.BaseUrl + "/-/ready")).IsSuccessStatusCode) return peer;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        peer.Dispose();
        throw new TimeoutException("prometheus did not become ready");
    }

    private sealed class PeerProcess(Process process, string baseUrl) : IDisposable
    {
        public string BaseUrl { get; } = baseUrl;

        public void Dispose()
        {
            try { process.Kill(entireProcessTree: true); process.WaitForExit(5000); } catch (InvalidOperationException) { }
            process.Dispose();
        }
    }
}
