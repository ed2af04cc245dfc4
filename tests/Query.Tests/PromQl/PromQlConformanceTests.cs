using Mlobs.Tests.Support;
using Xunit.Abstractions;

namespace Mlobs.Query.Tests.PromQl;

/// <summary>
/// Prometheus's own PromQL test files (../shared/conformance/promql) through the mlobs engine over a real TSDB.
/// Every in-scope case must pass except those listed in known-failures.txt, a list that may only shrink: a
/// listed case that now passes fails the test too, so the list is kept honest.
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

    [Theory, MemberData(nameof(Files))]
    public void ConformanceFile(string file)
    {
        using var script = new PromQlTestScript(Paths.Conformance("promql", file));
        var results = script.Run();
        int passed = results.Count(r => r.Outcome == "passed"), failed = results.Count(r => r.Outcome == "failed"), skipped = results.Count(r => r.Outcome == "skipped");
        output.WriteLine($"{file}: {passed} passed, {failed} failed, {skipped} skipped");
        foreach (var r in results.Where(r => r.Outcome != "passed"))
            output.WriteLine($"  {r.Outcome} {r.Key} {r.Query} -- {r.Message}");
        var unexpected = results.Where(r => r.Outcome == "failed" && !KnownFailures.Contains(r.Key)).ToList();
        var nowPassing = results.Where(r => r.Outcome == "passed" && KnownFailures.Contains(r.Key)).ToList();
        Assert.True(unexpected.Count == 0, "failing cases not in known-failures.txt:\n" + string.Join("\n", unexpected.Select(r => $"{r.Key} {r.Query} -- {r.Message}")));
        Assert.True(nowPassing.Count == 0, "cases in known-failures.txt that now pass (remove them):\n" + string.Join("\n", nowPassing.Select(r => r.Key)));
    }
}
