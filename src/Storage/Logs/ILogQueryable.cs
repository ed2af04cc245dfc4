using Mlobs.Model.Labels;

namespace Mlobs.Storage.Logs;

/// <summary>Read access to log lines, as the LogQL engine sees the log store.</summary>
public interface ILogQueryable
{
    /// <summary>
    /// Walks the lines of the streams matching every matcher in [startNs, endNs] in time order (newest first when
    /// backward) until <paramref name="visit"/> returns false; <paramref name="mustContain"/> narrows by full text.
    /// </summary>
    void Scan(LabelMatcher[] matchers, long startNs, long endNs, bool backward, Func<LogEntry, bool> visit, string? mustContain = null);
}
