using System.Globalization;
using System.Text;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// `mlobs drift REFERENCE CURRENT` through the published binary against Evidently's column drift as transcribed in
/// drift/evidently_defaults.py over numpy and Debian's scipy: the same test chosen per column (both size branches,
/// numeric and categorical, every unique-count band), the same scores to 1e-9 — including forced PSI,
/// Jensen-Shannon and Hellinger over Sturges bins; JSON lines read as CSV; exit 1 on dataset drift, 2 on bad input;
/// --push lands the scores in a running mlobs.
/// </summary>
public sealed class DriftCliTests : IDisposable
{
    private static readonly string Script = Path.Combine(Paths.RepoRoot, "tests", "EndToEnd.Tests", "drift", "evidently_defaults.py");
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A seeded table: integer ages, normal incomes, uniform scores, countries, a yes/no flag, a 1–3 rating, a constant.</summary>
    private string Write(string name, int rows, int seed, bool shifted, bool jsonLines = false)
    {
        var rng = new Random(seed);
        string[] countries = ["de", "fr", "it", "es"];
        double[] weights = shifted ? [0.25, 0.25, 0.25, 0.25] : [0.4, 0.3, 0.2, 0.1];
        var sb = new StringBuilder();
        if (!jsonLines) sb.Append("age,income,score,country,flag,rating,region\n");
        for (int i = 0; i < rows; i++)
        {
            int age = 18 + rng.Next(shifted ? 72 : 62);
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            double income = Math.Round((shifted ? 58000 : 50000) + 12000 * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2), 2);
            double score = Math.Round(rng.NextDouble(), 4);
            double pick = rng.NextDouble(), acc = 0;
            string country = countries[^1];
            for (int k = 0; k < countries.Length; k++) { acc += weights[k]; if (pick < acc) { country = countries[k]; break; } }
            string flag = rng.Next(2) == 0 ? "yes" : "no";
            int rating = shifted && rng.Next(4) == 0 ? 3 : 1 + rng.Next(3);
            // a missing value now and then, as real extracts have
            string incomeText = i % 97 == 5 ? "" : income.ToString("R", CultureInfo.InvariantCulture);
            if (jsonLines)
                sb.Append(CultureInfo.InvariantCulture, $"{{\"age\":{age},\"income\":{(incomeText.Length == 0 ? "null" : incomeText)},\"score\":{score},\"country\":\"{country}\",\"flag\":\"{flag}\",\"rating\":{rating},\"region\":\"eu\"}}\n");
            else
                sb.Append(CultureInfo.InvariantCulture, $"{age},{incomeText},{score},\"{country}\",{flag},{rating},eu\n");
        }
        var path = Path.Combine(_dir.Path, name);
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private static async Task<Dictionary<string, (string Method, double Score)>> EvidentlyAsync(string reference, string current, string? method = null)
    {
        string[] args = method is null ? [Script, reference, current] : [Script, reference, current, method];
        var (exit, output) = await PeerProcess.RunAsync(PeerProcess.DebianPython, args);
        Assert.True(exit == 0, output);
        using var doc = JsonDocument.Parse(output);
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (p.Value[0].GetString()!, double.Parse(p.Value[1].GetString()!, CultureInfo.InvariantCulture)));
    }

    private static async Task<(int Exit, Dictionary<string, (string Method, double Score, bool Drifted)> Columns, JsonElement Root)> MlobsAsync(params string[] args)
    {
        var (exit, output) = await MlobsProcess.RunAsync(["drift", .. args, "--format", "json"]);
        Assert.True(exit is 0 or 1, output);
        var root = JsonDocument.Parse(output).RootElement.Clone();
        var columns = root.GetProperty("columns").EnumerateArray().ToDictionary(c => c.GetProperty("column").GetString()!, c => (
            c.GetProperty("stattest").GetString()!,
            c.GetProperty("drift_score").ValueKind == JsonValueKind.Number ? c.GetProperty("drift_score").GetDouble() : double.NaN,
            c.GetProperty("drift_detected").GetBoolean()));
        return (exit, columns, root);
    }

    private static void AssertAgree(Dictionary<string, (string Method, double Score)> evidently, Dictionary<string, (string Method, double Score, bool Drifted)> mlobs, string what)
    {
        var failures = new List<string>();
        foreach (var (column, (method, score)) in evidently)
        {
            if (!mlobs.TryGetValue(column, out var got)) { failures.Add($"{what}: {column} missing"); continue; }
            if (got.Method != method) failures.Add($"{what}: {column}: mlobs chose {got.Method}, Evidently {method}");
            else if (!(Math.Abs(got.Score - score) <= 1e-9 * Math.Max(1, Math.Abs(score))))
                failures.Add($"{what}: {column} {method}: mlobs {got.Score:R}, Evidently/scipy {score:R}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task ColumnDriftAgreesWithEvidentlysDefaults()
    {
        Assert.True(File.Exists(PeerProcess.DebianPython), "Debian's python3 with python3-scipy is needed");
        // Small reference (≤ 1000 rows): KS, chi-square and the Z-test; shifted, so dataset drift and exit 1.
        var smallRef = Write("small_ref.csv", 800, 1, shifted: false);
        var smallCur = Write("small_cur.csv", 900, 2, shifted: true);
        var (exit, small, root) = await MlobsAsync(smallRef, smallCur);
        AssertAgree(await EvidentlyAsync(smallRef, smallCur), small, "small");
        Assert.Equal("ks", small["age"].Method);
        Assert.Equal("chisquare", small["country"].Method);
        Assert.Equal("z", small["flag"].Method);
        Assert.True(root.GetProperty("dataset_drift").GetBoolean());
        Assert.Equal(1, exit);

        // Large reference: normed Wasserstein and Jensen-Shannon; same distribution, so no dataset drift and exit 0.
        var bigRef = Write("big_ref.csv", 5000, 3, shifted: false);
        var bigCur = Write("big_cur.csv", 4000, 4, shifted: false);
        (exit, var big, root) = await MlobsAsync(bigRef, bigCur);
        AssertAgree(await EvidentlyAsync(bigRef, bigCur), big, "big");
        Assert.Equal("wasserstein", big["income"].Method);
        Assert.Equal("jensenshannon", big["rating"].Method);
        Assert.False(root.GetProperty("dataset_drift").GetBoolean());
        Assert.Equal(0, exit);

        // Forced methods, numeric columns binned with Sturges (more than 20 unique values) or per value.
        foreach (var method in new[] { "psi", "jensenshannon", "hellinger", "chisquare", "ks" })
        {
            string[] numeric = ["age", "income", "score", "rating"];
            var (_, forced, _) = await MlobsAsync(bigRef, Write("big_shifted.csv", 4000, 5, shifted: true), "--method", method, "--columns", string.Join(",", numeric));
            Assert.Equal(numeric.Order(), forced.Keys.Order());
            var expected = (await EvidentlyAsync(bigRef, Path.Combine(_dir.Path, "big_shifted.csv"), method)).Where(e => numeric.Contains(e.Key)).ToDictionary();
            AssertAgree(expected, forced, method);
        }

        // JSON lines hold the same data as the CSV: the same scores.
        var jsonCur = Write("small_cur.jsonl", 900, 2, shifted: true, jsonLines: true);
        var (_, fromJson, _) = await MlobsAsync(smallRef, jsonCur);
        foreach (var (column, (method, score, _)) in small)
            Assert.True(fromJson[column].Method == method && Math.Abs(fromJson[column].Score - score) <= 1e-12, $"{column}: {fromJson[column]} vs {(method, score)}");
    }

    [Fact]
    public async Task TheTableBadInputAndPush()
    {
        var reference = Write("ref.csv", 800, 1, shifted: false);
        var current = Write("cur.csv", 900, 2, shifted: true);
        var (exit, output) = await MlobsProcess.RunAsync("drift", reference, current);
        Assert.Equal(1, exit);
        Assert.Contains("Column   Type  Stat test", output);
        Assert.Contains("Dataset drift: DETECTED (drift_share 0.5).", output);
        Assert.Matches(@"country\s+cat\s+chi-square p_value\s+\S+\s+0\.05\s+Detected", output);

        (exit, output) = await MlobsProcess.RunAsync("drift", reference, Path.Combine(_dir.Path, "missing.csv"));
        Assert.Equal(2, exit);
        Assert.Contains("missing.csv", output);

        var ragged = Path.Combine(_dir.Path, "ragged.csv");
        File.WriteAllText(ragged, File.ReadAllText(current) + "1,2\n\"unterminated,3\n");
        (exit, output) = await MlobsProcess.RunAsync("drift", reference, ragged);
        Assert.Equal(2, exit);
        Assert.Contains("ragged.csv:903: a quoted field is not closed", output);
        File.WriteAllText(ragged, File.ReadAllText(current) + "1,2\n");
        (exit, output) = await MlobsProcess.RunAsync("drift", reference, ragged);
        Assert.Equal(1, exit);
        Assert.Contains("skipped row: " + ragged + ":902: 2 fields, the header has 7", output);

        (exit, output) = await MlobsProcess.RunAsync("drift", reference, current, "--method", "ks", "--columns", "country");
        Assert.Equal(2, exit);
        Assert.Contains("column \"country\" holds text; ks needs numbers", output);

        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, "global:\n  scrape_interval: 1s\n");
        using var mlobs = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));
        (exit, output) = await MlobsProcess.RunAsync("drift", reference, current, "--push", mlobs.BaseUrl, "--job", "nightly_features");
        Assert.True(exit == 1, output);
        using var http = new HttpClient();
        await Wait.UntilAsync("pushed drift scores stored", async () =>
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync(mlobs.BaseUrl + "/api/v1/query?query=" + Uri.EscapeDataString("mlobs_drift_score{monitor=\"nightly_features\"}")));
            return doc.RootElement.GetProperty("data").GetProperty("result").GetArrayLength() == 7;
        });
        using var share = JsonDocument.Parse(await http.GetStringAsync(mlobs.BaseUrl + "/api/v1/query?query=mlobs_drift_dataset_drift"));
        Assert.Equal("1", share.RootElement.GetProperty("data").GetProperty("result")[0].GetProperty("value")[1].GetString());
    }
}
