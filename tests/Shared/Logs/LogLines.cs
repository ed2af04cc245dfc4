using Mlobs.Model.Labels;
using Mlobs.Storage.Logs;

namespace Mlobs.Tests.Support;

/// <summary>Log lines a test reads back from a store: up to <c>limit</c> of [start, end] whose text passes <c>keep</c>, in scan order.</summary>
public static class LogLines
{
    public static List<LogEntry> ReadLines(this ILogQueryable store, LabelMatcher[] matchers, long startNs, long endNs, int limit, bool backward,
        Func<string, bool> keep, string? mustContain = null)
    {
        var lines = new List<LogEntry>();
        if (limit <= 0) return lines;
        store.Scan(matchers, startNs, endNs, backward, e =>
        {
            if (keep(e.Line)) lines.Add(e);
            return lines.Count < limit;
        }, mustContain);
        return lines;
    }
}
