using Mlobs.Model.Labels;
using Mlobs.Storage.Logs;

namespace Mlobs.Rules.UnitTests;

/// <summary>A test's <c>input_logs</c> in memory, read by LogQL rules as they read the log store.</summary>
public sealed class MemoryLogs(IEnumerable<LogEntry> entries) : ILogQueryable
{
    // Stable by time: lines of equal time keep the order they were written in.
    private readonly List<LogEntry> _entries = entries.OrderBy(e => e.TimestampNs).ToList();

    public void Scan(LabelMatcher[] matchers, long startNs, long endNs, bool backward, Func<LogEntry, bool> visit, string? mustContain = null)
    {
        for (int n = 0; n < _entries.Count; n++)
        {
            var e = _entries[backward ? _entries.Count - 1 - n : n];
            if (e.TimestampNs < startNs || e.TimestampNs > endNs) continue;
            if (!LabelMatcher.MatchAll(matchers, e.Stream)) continue;
            if (mustContain is not null && !e.Line.Contains(mustContain, StringComparison.Ordinal)) continue;
            if (!visit(e)) return;
        }
    }
}
