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
    private const string PrometheusBinary = PrometheusPeer.Binary;
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task FormatQueryMatchesPrometheusOnItsOwnTestQueries()
    {
        Assert.True(File.Exists(PrometheusBinary), $"{PrometheusBinary} is missing: ./build.sh installs Debian's prometheus package");
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, "global:\n  scrape_interval: 15s\n");
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));
        using var prometheus = await StartPrometheusAsync(config, Path.Combine(_dir.Path, "prometheus"));

        var queries = ConformanceQueries.All().Distinct().ToList();
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

    /// <summary>
    /// The same history loaded into both (promtool's OpenMetrics backfill for Prometheus, <c>mlobs import</c> for
    /// mlobs), then dashboard- and alert-style queries, instant and range, must give the same series and values.
    /// Query times sit between sample timestamps: Prometheus 2.42 selected ranges closed on the left, Prometheus 3
    /// (and mlobs) left-open, which only differs when a sample lies exactly on a window's start.
    /// </summary>
    [Theory]
    [InlineData(60)]            // history that ends a minute ago
    [InlineData(3 * 86400)]     // and history imported well after the fact: all of it stored, none in the head's chunks
    public async Task QueryResultsMatchPrometheusOnTheSameHistory(long endsAgo)
    {
        Assert.True(File.Exists(PrometheusBinary), $"{PrometheusBinary} is missing: ./build.sh installs Debian's prometheus package");
        long end = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - endsAgo) / 15 * 15, start = end - 2 * 3600;
        var history = Path.Combine(_dir.Path, "history.om");
        File.WriteAllText(history, History(start, end));

        var promData = Path.Combine(_dir.Path, "prometheus");
        var (code, output) = await Mlobs.EndToEnd.Tests.PeerProcess.RunAsync("/usr/bin/promtool", "tsdb", "create-blocks-from", "openmetrics", history, promData);
        Assert.True(code == 0, output);
        var mlobsData = Path.Combine(_dir.Path, "data");
        (code, output) = await MlobsProcess.RunAsync("import", history, "--data", mlobsData);
        Assert.True(code == 0, output);

        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, "global:\n  scrape_interval: 15s\n");
        using var mlobs = await MlobsProcess.ServeAsync(config, mlobsData);
        using var prometheus = await StartPrometheusAsync(config, promData);

        string[] queries =
        [
            "http_requests_total", "queue_depth", "queue_depth offset 10m", $"queue_depth @ {end - 1000}",
            "rate(http_requests_total[5m])", "irate(http_requests_total[5m])", "increase(http_requests_total[10m])",
            "sum by (job) (rate(http_requests_total[5m]))", "sum without (instance) (rate(http_requests_total[5m]))",
            "sum(rate(http_requests_total{code=~\"5..\"}[5m])) by (job) / sum(rate(http_requests_total[5m])) by (job)",
            "rate(http_requests_total{job=~\"job-(0|2)\",code!=\"200\"}[10m])", "resets(http_requests_total[30m])",
            "delta(queue_depth[10m])", "deriv(queue_depth[10m])", "predict_linear(queue_depth[30m], 600)",
            "changes(queue_depth[10m])", "avg_over_time(queue_depth[10m])", "min_over_time(queue_depth[10m])",
            "max_over_time(queue_depth[10m])", "sum_over_time(queue_depth[10m])", "count_over_time(queue_depth[10m])",
            "quantile_over_time(0.9, queue_depth[30m])", "stddev_over_time(queue_depth[30m])", "stdvar_over_time(queue_depth[30m])",
            "last_over_time(queue_depth[10m])", "present_over_time(queue_depth[10m])", "absent_over_time(nothing[5m])", "absent(nothing{job=\"x\"})",
            "histogram_quantile(0.9, sum by (le) (rate(latency_seconds_bucket[5m])))",
            "histogram_quantile(0.5, sum by (job, le) (rate(latency_seconds_bucket[10m])))",
            "rate(latency_seconds_sum[5m]) / rate(latency_seconds_count[5m])",
            "avg(queue_depth)", "min by (job) (queue_depth)", "max(queue_depth)", "count(queue_depth > 50)", "group by (job) (queue_depth)",
            "stddev(queue_depth)", "stdvar by (job) (queue_depth)", "quantile(0.25, queue_depth)", "topk(3, queue_depth)", "bottomk by (job) (2, queue_depth)",
            "queue_depth > 50", "queue_depth > bool 50", "queue_depth == bool queue_depth offset 15s", "-queue_depth + 2 * 3 ^ 2 % 7",
            "http_requests_total / on (job, instance) group_left queue_depth",
            "queue_depth and on (instance) http_requests_total{code=\"500\"}", "queue_depth unless queue_depth > 60", "queue_depth or vector(1)",
            "abs(queue_depth - 50)", "ceil(queue_depth)", "floor(queue_depth)", "round(queue_depth, 5)", "sqrt(queue_depth)", "ln(queue_depth + 1)",
            "exp(queue_depth / 100)", "clamp(queue_depth, 20, 60)", "clamp_min(queue_depth, 40)", "sgn(queue_depth - 50)",
            "label_replace(queue_depth, \"host\", \"$1\", \"instance\", \"i-(.*)\")", "label_join(queue_depth, \"both\", \"/\", \"job\", \"instance\")",
            "timestamp(queue_depth)", "scalar(sum(queue_depth))", "vector(time())", "hour(vector(time()))", "count_values(\"depth\", round(queue_depth / 10))",
            "max_over_time(rate(http_requests_total[5m] offset 7s)[30m:1m])", "sum(queue_depth) by (job) * on (job) group_left count by (job) (queue_depth)",
        ];
        var mismatches = new List<string>();
        int withData = 0;
        double at = end - 3600 + 7.5, rangeStart = end - 3600 + 7.5, rangeEnd = end - 7.5;
        foreach (var q in queries)
        {
            string instant = $"/api/v1/query?query={Uri.EscapeDataString(q)}&time={at.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            string range = $"/api/v1/query_range?query={Uri.EscapeDataString(q)}&start={rangeStart.ToString(System.Globalization.CultureInfo.InvariantCulture)}&end={rangeEnd.ToString(System.Globalization.CultureInfo.InvariantCulture)}&step=60";
            foreach (var path in new[] { instant, range })
            {
                var theirs = await GetJsonAsync(prometheus.BaseUrl + path);
                var ours = await GetJsonAsync(mlobs.BaseUrl + path);
                if (theirs.GetProperty("status").GetString() == "success" && Points(theirs.GetProperty("data")).Count > 0) withData++;
                if (Compare(theirs, ours) is { } difference) mismatches.Add($"{q} ({(path == instant ? "instant" : "range")}): {difference}");
            }
        }
        // topk/bottomk results are ordered, best first. (Ties are not compared: Prometheus 3 replaces the heap's root
        // where 2.42 popped and pushed, so the two pick differently among equal values; TopKHeapTests pins 3's way.)
        foreach (var q in queries.Where(q => q.StartsWith("topk") || q.StartsWith("bottomk")))
        {
            string instant = $"/api/v1/query?query={Uri.EscapeDataString(q)}&time={at.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            var theirs = (await GetJsonAsync(prometheus.BaseUrl + instant)).GetProperty("data").GetProperty("result");
            var ours = (await GetJsonAsync(mlobs.BaseUrl + instant)).GetProperty("data").GetProperty("result");
            var t = theirs.EnumerateArray().Select(e => e.GetProperty("metric").GetRawText()).ToList();
            var o = ours.EnumerateArray().Select(e => e.GetProperty("metric").GetRawText()).ToList();
            if (!t.SequenceEqual(o)) mismatches.Add($"{q} (instant order):\n  prometheus: {string.Join(" ", t)}\n  mlobs:      {string.Join(" ", o)}");
        }
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {2 * queries.Length} differ:\n" + string.Join("\n", mismatches));
        // Both absent() queries are empty by design; everything else must have compared real series.
        Assert.True(withData >= 2 * queries.Length - 4, $"only {withData} of {2 * queries.Length} answers had data");
    }

    /// <summary>Two hours of 15 s samples: counters with occasional resets, gauges with two decimals, a classic histogram.</summary>
    private static string History(long start, long end)
    {
        var rng = new Random(42);
        var sb = new System.Text.StringBuilder();
        sb.Append("# TYPE http_requests counter\n");
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 6; i++)
                foreach (var code in new[] { "200", "500" })
                {
                    double v = rng.Next(1000);
                    for (long t = start; t <= end; t += 15)
                    {
                        v = rng.Next(300) == 0 ? rng.Next(5) : v + rng.Next(code == "200" ? 50 : 5);
                        sb.Append($"http_requests_total{{job=\"job-{j}\",instance=\"i-{i}\",code=\"{code}\"}} {v} {t}\n");
                    }
                }
        sb.Append("# TYPE queue_depth gauge\n");
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 6; i++)
            {
                double v = 50;
                for (long t = start; t <= end; t += 15)
                {
                    v = Math.Round(Math.Clamp(v + (rng.NextDouble() - 0.5) * 8, 0, 100), 2);
                    sb.Append(System.FormattableString.Invariant($"queue_depth{{job=\"job-{j}\",instance=\"i-{i}\"}} {v} {t}\n"));
                }
            }
        sb.Append("# TYPE latency_seconds histogram\n");
        string[] les = ["0.05", "0.1", "0.25", "0.5", "1.0", "+Inf"];
        for (int j = 0; j < 3; j++)
        {
            var counts = new long[les.Length];
            double sum = 0;
            for (long t = start; t <= end; t += 15)
            {
                for (int n = rng.Next(20); n > 0; n--)
                {
                    double latency = rng.NextDouble() * rng.NextDouble() * 1.5;
                    sum += latency;
                    for (int b = 0; b < les.Length; b++) if (b == les.Length - 1 || latency <= double.Parse(les[b], System.Globalization.CultureInfo.InvariantCulture)) counts[b]++;
                }
                for (int b = 0; b < les.Length; b++) sb.Append($"latency_seconds_bucket{{job=\"job-{j}\",le=\"{les[b]}\"}} {counts[b]} {t}\n");
                sb.Append($"latency_seconds_count{{job=\"job-{j}\"}} {counts[^1]} {t}\n");
                sb.Append(System.FormattableString.Invariant($"latency_seconds_sum{{job=\"job-{j}\"}} {Math.Round(sum, 3)} {t}\n"));
            }
        }
        sb.Append("# EOF\n");
        return sb.ToString();
    }

    /// <summary>Null when both answers agree: same status and result type, same series, values equal to 1e-9 relative.</summary>
    private static string? Compare(JsonElement theirs, JsonElement ours)
    {
        if (theirs.GetProperty("status").GetString() != ours.GetProperty("status").GetString())
            return $"status {theirs.GetProperty("status")} vs {ours.GetProperty("status")}: {ours}";
        if (theirs.GetProperty("status").GetString() != "success") return null;
        var (td, od) = (theirs.GetProperty("data"), ours.GetProperty("data"));
        if (td.GetProperty("resultType").GetString() != od.GetProperty("resultType").GetString()) return "result types differ";
        var expected = Points(td);
        var actual = Points(od);
        foreach (var (key, values) in expected)
        {
            if (!actual.TryGetValue(key, out var ourValues)) return $"missing series {key}";
            if (values.Count != ourValues.Count) return $"{key}: {values.Count} points vs {ourValues.Count}";
            for (int i = 0; i < values.Count; i++)
            {
                if (values[i].T != ourValues[i].T) return $"{key}: timestamp {values[i].T} vs {ourValues[i].T}";
                if (!Close(values[i].V, ourValues[i].V)) return $"{key} @{values[i].T}: {values[i].V} vs {ourValues[i].V}";
            }
        }
        var extra = actual.Keys.Except(expected.Keys).ToList();
        return extra.Count > 0 ? $"extra series {extra[0]}" : null;
    }

    private static Dictionary<string, List<(double T, string V)>> Points(JsonElement data)
    {
        var result = new Dictionary<string, List<(double, string)>>();
        var r = data.GetProperty("result");
        switch (data.GetProperty("resultType").GetString())
        {
            case "scalar" or "string":
                result[""] = [(r[0].GetDouble(), r[1].GetString()!)];
                break;
            default:
                foreach (var s in r.EnumerateArray())
                {
                    string key = string.Join(",", s.GetProperty("metric").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}").Order(StringComparer.Ordinal));
                    result[key] = s.TryGetProperty("value", out var v)
                        ? [(v[0].GetDouble(), v[1].GetString()!)]
                        : s.GetProperty("values").EnumerateArray().Select(p => (p[0].GetDouble(), p[1].GetString()!)).ToList();
                }
                break;
        }
        return result;
    }

    private static bool Close(string a, string b)
    {
        if (a == b) return true;
        if (!double.TryParse(a, System.Globalization.CultureInfo.InvariantCulture, out var x) || !double.TryParse(b, System.Globalization.CultureInfo.InvariantCulture, out var y)) return false;
        return Math.Abs(x - y) <= 1e-9 * Math.Max(Math.Abs(x), Math.Abs(y));
    }

    private async Task<JsonElement> GetJsonAsync(string url)
    {
        using var resp = await _http.GetAsync(url);
        return await resp.Content.ReadFromJsonAsync<JsonElement>();
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

    private static Task<PrometheusPeer> StartPrometheusAsync(string config, string storage) => PrometheusPeer.StartAsync(config, storage);
}
