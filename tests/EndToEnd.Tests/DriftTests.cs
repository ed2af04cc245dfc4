using System.Globalization;
using System.Text;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// Drift monitors through the published binary: an exporter in the test serves a prediction-score histogram whose
/// distribution shifts at a known moment; the monitor (over <c>increase()</c> of the buckets) scores no drift before
/// and drift right after, the shipped drift rules fire and reach a webhook through the built-in router, the drift API
/// shows both distributions and Chromium draws them on the Drift page, and a pinned baseline is kept in the data dir.
/// In the browser tests' collection: Chromium and a loaded server share two cores.
/// </summary>
[Collection(BrowserTests.Serial)]
public sealed class DriftTests : IDisposable
{
    private static readonly string[] Bounds = ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1", "+Inf"];
    // Observations added per 100 ms tick, per bucket: before the shift scores sit around 0.3; after it a new population
    // arrives (three times the traffic, scores around 0.8), so even the first scrape after the shift moves PSI past 0.1.
    private static readonly int[] Before = [0, 2, 6, 6, 3, 2, 1, 0, 0, 0, 0];
    private static readonly int[] After = [0, 0, 0, 1, 2, 6, 12, 24, 12, 3, 0];

    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    /// <summary>A histogram exporter whose observations follow <see cref="Before"/> until shifted, then <see cref="After"/>.</summary>
    private sealed class ShiftingExporter : IDisposable
    {
        private readonly long[] _counts = new long[Bounds.Length];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        public FakeTarget Target { get; } = new();
        public volatile bool Shifted;

        public ShiftingExporter()
        {
            Render();
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var add = Shifted ? After : Before;
                    lock (_counts) for (int i = 0; i < add.Length; i++) _counts[i] += add[i];
                    Render();
                    try { await Task.Delay(100, _stop.Token); } catch (OperationCanceledException) { return; }
                }
            });
        }

        private void Render()
        {
            var sb = new StringBuilder("# TYPE prediction_score_distribution histogram\n");
            long cumulative = 0;
            lock (_counts)
            {
                for (int i = 0; i < Bounds.Length; i++)
                {
                    cumulative += _counts[i];
                    sb.Append(CultureInfo.InvariantCulture, $"prediction_score_distribution_bucket{{model=\"churn\",le=\"{Bounds[i]}\"}} {cumulative}\n");
                }
            }
            sb.Append(CultureInfo.InvariantCulture, $"prediction_score_distribution_sum{{model=\"churn\"}} {cumulative * 0.5}\n");
            sb.Append(CultureInfo.InvariantCulture, $"prediction_score_distribution_count{{model=\"churn\"}} {cumulative}\n");
            Target.Body = sb.ToString();
        }

        public void Dispose()
        {
            _stop.Cancel();
            _loop.Wait();
            Target.Dispose();
        }
    }

    private async Task<List<(Dictionary<string, string> Labels, double Value)>> QueryAsync(MlobsProcess mlobs, string query)
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync(mlobs.BaseUrl + "/api/v1/query?query=" + Uri.EscapeDataString(query)));
        return [.. doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => (
            r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))];
    }

    /// <summary>The raw samples of one series over the last minutes (a range selector at now).</summary>
    private async Task<List<(long T, double V)>> SamplesAsync(MlobsProcess mlobs, string selector)
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync(mlobs.BaseUrl + "/api/v1/query?query=" + Uri.EscapeDataString(selector + "[5m]")));
        var result = doc.RootElement.GetProperty("data").GetProperty("result");
        Assert.Equal(1, result.GetArrayLength());
        return [.. result[0].GetProperty("values").EnumerateArray().Select(v => (
            (long)Math.Round(v[0].GetDouble() * 1000), double.Parse(v[1].GetString()!, CultureInfo.InvariantCulture)))];
    }

    [Fact]
    public async Task AShiftedHistogramIsScoredAlertedAndShown()
    {
        using var exporter = new ShiftingExporter();
        using var webhook = new WebhookSink();
        var rules = Path.Combine(Paths.RepoRoot, "config", "rules", "drift.yml");
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: ["{rules}"]
            scrape_configs:
              - job_name: model
                static_configs: [{"{"}targets: ["{exporter.Target.Address}"]{"}"}]
            drift_monitors:
              - name: churn_scores
                histogram: 'prediction_score_distribution{"{"}job="model"{"}"}'
                by: [model]
                current: 10s
                baseline: {"{"}window: 20s, offset: 10s, refresh: 1s{"}"}
                methods: [psi, jensenshannon, ks, wasserstein, hellinger, chisquare]
                min_samples: 100
                interval: 1s
            mlobs:
              alertmanager_config:
                route: {"{"}receiver: hook, group_by: [alertname], group_wait: 0s, group_interval: 1s{"}"}
                receivers:
                  - name: hook
                    webhook_configs: [{"{"}url: "http://127.0.0.1:{webhook.Port}/drift"{"}"}]
            """);
        var (exit, output) = await MlobsProcess.RunAsync("check", "config", config);
        Assert.True(exit == 0, output);
        Assert.Contains("1 drift monitors (churn_scores)", output);
        var data = Path.Combine(_dir.Path, "data");
        using (var mlobs = await MlobsProcess.ServeAsync(config, data))
        {
            // Before the shift: both windows hold the same distribution, every method says "no drift".
            // 200 observations a second: the 20 s baseline window fills to ~4000 once 30 s have passed.
            await Wait.UntilAsync("scores for the unshifted histogram over a full baseline window", async () =>
                (await QueryAsync(mlobs, "mlobs_drift_score{monitor=\"churn_scores\"}")).Count == 6
                && (await QueryAsync(mlobs, "mlobs_drift_window_samples{monitor=\"churn_scores\",window=\"baseline\"} > 3000")).Count == 1, seconds: 60);
            var calm = await QueryAsync(mlobs, "mlobs_drift_detected{monitor=\"churn_scores\"}");
            Assert.All(calm, s => Assert.True(s.Value == 0, $"{s.Labels["method"]} detected drift before the shift"));
            var samples = await QueryAsync(mlobs, "mlobs_drift_window_samples{monitor=\"churn_scores\"}");
            Assert.Equal(["baseline", "current"], samples.Select(s => s.Labels["window"]).Order());
            Assert.All(samples, s => Assert.True(s.Value >= 1000, $"{s.Labels["window"]} window has {s.Value} samples"));
            Assert.Equal("churn", samples[0].Labels["model"]);

            exporter.Shifted = true;
            await Wait.UntilAsync("PSI detects the shift", async () =>
                (await QueryAsync(mlobs, "mlobs_drift_detected{monitor=\"churn_scores\",method=\"psi\"} == 1")).Count == 1);
            // Within one interval of the shift: the first scrape that holds shifted observations (the 0.8 bucket's
            // count becomes non-zero: it gets nothing before) against the first evaluation that flagged drift, both as stored.
            var bucket = await SamplesAsync(mlobs, "prediction_score_distribution_bucket{le=\"0.8\"}");
            var cumulativeBelow = await SamplesAsync(mlobs, "prediction_score_distribution_bucket{le=\"0.7\"}");
            long firstShifted = bucket.Zip(cumulativeBelow).Where(p => p.First.V - p.Second.V > 0).Select(p => p.First.T).First();
            var detected = await SamplesAsync(mlobs, "mlobs_drift_detected{monitor=\"churn_scores\",method=\"psi\"}");
            long firstDetected = detected.Where(s => s.V == 1).Select(s => s.T).First();
            Assert.True(firstDetected - firstShifted <= 2000,
                $"drift flagged {firstDetected - firstShifted} ms after the first shifted scrape (interval 1 s, plus the scrape's commit)");

            // Once the current window holds mostly shifted observations, PSI passes the retrain mark.
            await Wait.UntilAsync("PSI above 0.25", async () =>
                (await QueryAsync(mlobs, "mlobs_drift_score{monitor=\"churn_scores\",method=\"psi\"} > 0.25")).Count == 1);
            var scores = (await QueryAsync(mlobs, "mlobs_drift_score{monitor=\"churn_scores\"}")).ToDictionary(s => s.Labels["method"], s => s.Value);
            Assert.True(scores["ks"] < 0.05, $"ks p-value {scores["ks"]}");
            Assert.True(scores["chisquare"] < 0.05, $"chi-square p-value {scores["chisquare"]}");

            // The shipped rules fire and the built-in router delivers them.
            await Wait.UntilAsync("ModelRetrainRecommended reaches the webhook", () => Task.FromResult(webhook.Posts("/drift").Any(p =>
                p.GetProperty("alerts").EnumerateArray().Any(a => a.GetProperty("labels").GetProperty("alertname").GetString() == "ModelRetrainRecommended"
                    && a.GetProperty("labels").GetProperty("monitor").GetString() == "churn_scores"
                    && a.GetProperty("status").GetString() == "firing"))));

            // The API holds both distributions on the same bins, for the Drift page.
            using (var doc = JsonDocument.Parse(await _http.GetStringAsync(mlobs.BaseUrl + "/api/v1/drift")))
            {
                var m = doc.RootElement.GetProperty("data")[0];
                Assert.Equal("churn_scores", m.GetProperty("name").GetString());
                var group = m.GetProperty("lastEvaluation").GetProperty("groups")[0];
                Assert.Equal("churn", group.GetProperty("labels").GetProperty("model").GetString());
                Assert.Equal(Bounds, group.GetProperty("bins").EnumerateArray().Select(b => b.GetString()!));
                var baselineShares = group.GetProperty("baselineShares").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                var currentShares = group.GetProperty("currentShares").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                Assert.Equal(1, baselineShares.Sum(), 9);
                Assert.Equal(1, currentShares.Sum(), 9);
                Assert.True(currentShares[7] > baselineShares[7], "the 0.8 bucket gained share after the shift");
                Assert.True(group.GetProperty("drifted").GetBoolean());
            }

            // The shipped "Model drift" dashboard has data in every panel.
            var dashboard = Path.Combine(Paths.RepoRoot, "config", "dashboards", "model-drift.json");
            var (checkExit, checkOutput) = await MlobsProcess.RunAsync("check", "dashboard", "--server", mlobs.BaseUrl, "--from", "now-1m", dashboard);
            Assert.True(checkExit == 0, checkOutput);
            Assert.Contains("\"Model drift\" (uid model-drift): 9 panels, 9 queries ran, 0 errors, 0 without data", checkOutput);

            // The Drift page in Chromium: the group drifted, both distributions drawn, the scores over time charted.
            var ui = await BrowserTests.UiCheckAsync(mlobs.BaseUrl, BrowserTests.Artifacts("drift"), "--drift");
            var page = ui.GetProperty("drift");
            Assert.Equal(0, page.GetProperty("errors").GetArrayLength());
            var text = page.GetProperty("text").GetString()!;
            Assert.Contains("churn_scores", text);
            Assert.Contains("DRIFT", text);
            Assert.Contains("drifted", text);
            var drawn = Assert.Single(page.GetProperty("distributions").EnumerateArray());
            Assert.True(drawn.GetProperty("baseline").GetBoolean() && drawn.GetProperty("current").GetBoolean(), drawn.ToString());
            Assert.Equal(1, page.GetProperty("historyCharts").GetInt32());

            // Pin the baseline window as it is now; the pin is a file in the data dir.
            var pin = await _http.PostAsync(mlobs.BaseUrl + "/api/v1/drift/churn_scores/pin?from=" + Uri.EscapeDataString("now-20s") + "&to=now", null);
            Assert.True(pin.IsSuccessStatusCode, await pin.Content.ReadAsStringAsync());
            Assert.True(File.Exists(Path.Combine(data, "drift", "churn_scores.json")));
            var (listExit, list) = await MlobsProcess.RunAsync("drift", "list", "--server", mlobs.BaseUrl);
            Assert.True(listExit == 0, list);
            Assert.Contains("churn_scores  histogram prediction_score_distribution{job=\"model\"}  current 10s", list);
            Assert.Contains("  pinned baseline: ", list);
            Assert.Contains("{model=churn}  baseline n=", list);
            var missing = await _http.PostAsync(mlobs.BaseUrl + "/api/v1/drift/nope/pin", null);
            Assert.Equal(404, (int)missing.StatusCode);
            Assert.Contains("drift monitor \\\"nope\\\" not found", await missing.Content.ReadAsStringAsync());
        }
    }

    /// <summary>Rows of (age, income, country); <paramref name="incomeShift"/> moves incomes up, as a new customer segment would.</summary>
    private static string Rows(int n, int seed, double incomeShift, bool json)
    {
        var rng = new Random(seed);
        string[] countries = ["de", "fr", "it"];
        var sb = new StringBuilder(json ? "" : "age,income,country\n");
        for (int i = 0; i < n; i++)
        {
            int age = 18 + rng.Next(60);
            double income = Math.Round(40000 + 20000 * rng.NextDouble() + incomeShift, 2);
            string country = countries[rng.Next(3)];
            sb.Append(json
                ? string.Create(CultureInfo.InvariantCulture, $"{{\"age\": {age}, \"income\": {income}, \"country\": \"{country}\", \"prediction\": 0.4}}\n")
                : string.Create(CultureInfo.InvariantCulture, $"{age},{income},{country}\n"));
        }
        return sb.ToString();
    }

    private async Task<JsonElement> PostAsync(string url, string body, string type, int status = 200)
    {
        using var response = await _http.PostAsync(url, new StringContent(body, Encoding.UTF8, type));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task PostedObservationsAreBinnedOnTheReferenceAndScored()
    {
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            drift_monitors:
              - name: requests
                observations: {columns: [age, income, country]}
                current: 20s
                methods: [psi, jensenshannon, ks]
                min_samples: 50
                interval: 1s
            """);
        var data = Path.Combine(_dir.Path, "data");
        string url;
        using (var mlobs = await MlobsProcess.ServeAsync(config, data))
        {
            url = mlobs.BaseUrl + "/api/v1/drift/requests";
            var early = await PostAsync(url + "/observations", Rows(10, 1, 0, json: true), "application/x-ndjson", 400);
            Assert.Contains("has no reference yet", early.GetProperty("error").GetString());

            var reference = (await PostAsync(url + "/reference", Rows(2000, 2, 0, json: false), "text/csv")).GetProperty("data");
            Assert.Equal(2000, reference.GetProperty("rows").GetInt64());
            var columns = reference.GetProperty("columns").EnumerateArray().ToDictionary(c => c.GetProperty("column").GetString()!, c => (c.GetProperty("kind").GetString(), c.GetProperty("bins").GetInt32()));
            Assert.Equal(("numeric", 13), columns["income"]); // Sturges over 2000 values: 12 bins, plus +Inf beyond the reference's range
            Assert.Equal(("categorical", 3), columns["country"]);
            Assert.True(File.Exists(Path.Combine(data, "drift", "requests.json")));

            // The same population, with two broken rows: counted and reported by line, the rest kept.
            var body = Rows(600, 3, 0, json: true) + "{\"age\": \"old\", \"income\": 1, \"country\": \"de\"}\nnot json\n";
            var accepted = (await PostAsync(url + "/observations", body, "application/x-ndjson")).GetProperty("data");
            Assert.Equal(600, accepted.GetProperty("accepted").GetInt64());
            Assert.Equal(2, accepted.GetProperty("rejected").GetInt64());
            var errors = accepted.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
            Assert.Equal(2, errors.Count);
            Assert.Equal("line 601: column \"age\": \"old\" is not a number", errors[0]);
            Assert.StartsWith("line 602: invalid JSON", errors[1]);
            await Wait.UntilAsync("scores per column", async () =>
                (await QueryAsync(mlobs, "mlobs_drift_score{monitor=\"requests\",method=\"psi\"}")).Count == 3);
            var calm = (await QueryAsync(mlobs, "mlobs_drift_detected{monitor=\"requests\",method=\"psi\"}")).ToDictionary(s => s.Labels["feature"], s => s.Value);
            Assert.Equal(new Dictionary<string, double> { ["age"] = 0, ["country"] = 0, ["income"] = 0 }, calm);
            Assert.Empty(await QueryAsync(mlobs, "mlobs_drift_score{monitor=\"requests\",method=\"ks\",feature=\"country\"}")); // KS needs order

            // Incomes move up by 15,000: only income drifts.
            await PostAsync(url + "/observations", Rows(3000, 4, 15000, json: false), "text/csv");
            await Wait.UntilAsync("income drift detected", async () =>
                (await QueryAsync(mlobs, "mlobs_drift_detected{monitor=\"requests\",method=\"psi\",feature=\"income\"} == 1")).Count == 1);
            var after = (await QueryAsync(mlobs, "mlobs_drift_detected{monitor=\"requests\",method=\"psi\"}")).ToDictionary(s => s.Labels["feature"], s => s.Value);
            Assert.Equal(0, after["country"]);
            using var monitors = JsonDocument.Parse(await _http.GetStringAsync(mlobs.BaseUrl + "/api/v1/drift"));
            var m = monitors.RootElement.GetProperty("data")[0];
            Assert.Equal("observations", m.GetProperty("kind").GetString());
            Assert.StartsWith("reference of 2000 rows uploaded ", m.GetProperty("lastEvaluation").GetProperty("baseline").GetString());
        }

        // After a restart the reference (and its bins) come back from the data dir: rows are taken at once.
        using (var mlobs = await MlobsProcess.ServeAsync(config, data))
        {
            var file = Path.Combine(_dir.Path, "more.csv");
            File.WriteAllText(file, Rows(100, 5, 0, json: false));
            var (exit, output) = await MlobsProcess.RunAsync("drift", "observe", "requests", file, "--server", mlobs.BaseUrl);
            Assert.True(exit == 0, output);
            Assert.Contains("100 rows counted, 0 refused", output);
        }
    }

    [Fact]
    public async Task ABrokenMonitorIsReportedWithItsPlace()
    {
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, """
            drift_monitors:
              - name: ok
                histogram: latency_seconds
              - name: broken
                counter: 'feature_value_total{job="x"'
                category_label: value
            """);
        var (exit, output) = await MlobsProcess.RunAsync("check", "config", config);
        Assert.NotEqual(0, exit);
        Assert.Contains($"{config}:4:5: drift monitor \"broken\": bad selector", output);

        File.WriteAllText(config, """
            drift_monitors:
              - name: cats
                counter: feature_value_total
                category_label: value
                methods: [psi, ks]
            """);
        (exit, output) = await MlobsProcess.RunAsync("check", "config", config);
        Assert.NotEqual(0, exit);
        Assert.Contains($"{config}:2:5: drift monitor \"cats\": method \"ks\" needs ordered bins", output);
    }
}
