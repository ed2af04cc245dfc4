using Mlobs.Model.Labels;
using Mlobs.Query.LogQl;
using Mlobs.Storage.Logs;

namespace Mlobs.Appliance.Http;

/// <summary>What Loki's API reads and writes: LogQL queries, the streams with lines in a range, pushes, and new lines for tail.</summary>
public interface ILogSource
{
    LogQlEngine LogQl { get; }

    IReadOnlyList<LabelSet> StreamsWithData(LabelMatcher[] matchers, long startNs, long endNs);

    /// <summary>Stores pushed lines; a line already stored with the same stream and time is not stored twice (as Loki).</summary>
    void Push(IReadOnlyList<LogEntry> entries);

    /// <summary>Lines as they are stored, for live tail.</summary>
    event Action<IReadOnlyList<LogEntry>>? Appended;
}
