using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Storage;

namespace Mlobs.Ingest;

/// <summary>
/// Writes what an in-process exporter holds (pushed groups, StatsD metrics) into the TSDB as a scrape of it would:
/// every series at one timestamp per round, and a staleness marker for each series the previous round wrote and this
/// one does not (a group deleted, a series expired). Series references are kept between rounds.
/// </summary>
public sealed class SeriesSnapshotWriter(IAppendable storage)
{
    private Dictionary<LabelSet, ulong> _written = [];

    public CommitResult Write(IEnumerable<(LabelSet Labels, double Value)> series, long timestampMs)
    {
        var appender = storage.Appender();
        var now = new Dictionary<LabelSet, ulong>(_written.Count);
        foreach (var (labels, value) in series)
        {
            if (now.ContainsKey(labels)) continue; // a series is written once per round
            _written.TryGetValue(labels, out ulong reference);
            appender.Append(ref reference, labels, timestampMs, value);
            now[labels] = reference;
        }
        foreach (var (labels, reference) in _written)
        {
            if (now.ContainsKey(labels)) continue;
            ulong r = reference;
            appender.Append(ref r, labels, timestampMs, StaleNaN.Value);
        }
        _written = now;
        return appender.Commit();
    }
}
