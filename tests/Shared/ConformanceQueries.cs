using System.Text.RegularExpressions;

namespace Mlobs.Tests.Support;

/// <summary>The PromQL expressions of every eval command in Prometheus's test files (../shared/conformance/promql).</summary>
public static partial class ConformanceQueries
{
    [GeneratedRegex(@"^eval(?:_fail|_ordered|_warn|_info)?\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(?<expr>.+)$")]
    private static partial Regex EvalLine();

    public static IEnumerable<string> All() =>
        Directory.GetFiles(Paths.Conformance("promql"), "*.test")
            .SelectMany(File.ReadLines)
            .Select(l => EvalLine().Match(l.Trim()))
            .Where(m => m.Success)
            .Select(m => m.Groups["expr"].Value);
}
