using Mlobs.Tests.Support;
using Xunit.Abstractions;

namespace Mlobs.Query.Tests.PromQl;

/// <summary>
/// Prometheus's own PromQL test files (../shared/conformance/promql) through the mlobs engine over a real TSDB.
/// Every in-scope case must pass except those listed in known-failures.txt, a list that may only shrink: a
/// listed case that now passes fails the test too, so the list is kept honest. Skipped cases (native histograms,
/// experimental functions) must be exactly those in known-skips.txt, and are listed in
/// TestResults/conformance-skips.txt, which ./build.sh test counts in its output.
/// </summary>
public class PromQlConformanceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Paths.Conformance("promql"), "*.test").Order()) data.Add(Path.GetFileName(f));
        return data;
    }

    private static readonly HashSet<string> KnownFailures = File.ReadAllLines(Path.Combine(Paths.RepoRoot, "tests", "Query.Tests", "PromQl", "known-failures.txt"))
        .Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0).ToHashSet();

    private static readonly Dictionary<string, string> KnownSkips = File.ReadAllLines(Path.Combine(Paths.RepoRoot, "tests", "Query.Tests", "PromQl", "known-skips.txt"))
        .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')).ToDictionary(p => p[0], p => p[1]);

    private static readonly object SkipReportLock = new();

    [Theory, MemberData(nameof(Files))]
    public void ConformanceFile(string file)
    {
        using var script = new PromQlTestScript(Paths.Conformance("promql", file));
        var results = script.Run();
        int passed = results.Count(r => r.Outcome == "passed"), failed = results.Count(r => r.Outcome == "failed"), skipped = results.Count(r => r.Outcome == "skipped");
        output.WriteLine($"{file}: {passed} passed, {failed} failed, {skipped} skipped");
        foreach (var r in results.Where(r => r.Outcome != "passed"))
            output.WriteLine($"  {r.Outcome} {r.Key} {r.Query} -- {r.Message}");
        ReportSkips(file, results.Where(r => r.Outcome == "skipped").ToList());
        var unexpected = results.Where(r => r.Outcome == "failed" && !KnownFailures.Contains(r.Key)).ToList();
        var nowPassing = results.Where(r => r.Outcome == "passed" && KnownFailures.Contains(r.Key)).ToList();
        Assert.True(unexpected.Count == 0, "failing cases not in known-failures.txt:\n" + string.Join("\n", unexpected.Select(r => $"{r.Key} {r.Query} -- {r.Message}")));
        Assert.True(nowPassing.Count == 0, "cases in known-failures.txt that now pass (remove them):\n" + string.Join("\n", nowPassing.Select(r => r.Key)));
    }

    /// <summary>Fails on any difference between this file's skips and known-skips.txt, and appends them to the report.</summary>
    private static void ReportSkips(string file, List<PromQlTestScript.CaseResult> skipped)
    {
        lock (SkipReportLock)
        {
            var dir = Path.Combine(Paths.RepoRoot, "TestResults");
            Directory.CreateDirectory(dir);
            File.AppendAllLines(Path.Combine(dir, "conformance-skips.txt"), skipped.Select(r => $"{r.Key}\t{r.Message}\t{r.Query}"));
        }
        var newSkips = skipped.Where(r => !KnownSkips.TryGetValue(r.Key, out var reason) || reason != r.Message).ToList();
        var keys = skipped.Select(r => r.Key).ToHashSet();
        var noLongerSkipped = KnownSkips.Keys.Where(k => k.StartsWith(file + ":", StringComparison.Ordinal) && !keys.Contains(k)).ToList();
        Assert.True(newSkips.Count == 0, "cases skipped that known-skips.txt does not list (coverage shrank):\n" + string.Join("\n", newSkips.Select(r => $"{r.Key} {r.Query} -- {r.Message}")));
        Assert.True(noLongerSkipped.Count == 0, "cases in known-skips.txt that now run (remove them):\n" + string.Join("\n", noLongerSkipped));
    }
}
