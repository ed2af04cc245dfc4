using Mlobs.Model.Labels;
using Mlobs.Storage.Tsdb.Head;

namespace Mlobs.Storage.Tsdb;

/// <summary>
/// Collects history per series in any order and hands it to <see cref="TsdbDatabase.CommitBackfill"/>, which
/// appends what is newer than each series' newest sample and merges the rest into its stored groups.
/// </summary>
internal sealed class BackfillAppender(TsdbDatabase db) : IAppender
{
    private readonly Dictionary<MemSeries, List<(long T, double V)>> _batch = new(ReferenceEqualityComparer.Instance);
    private readonly long _minValid = db.MinValidTime();

    public AppendStatus Append(ref ulong seriesRef, LabelSet labels, long timestampMs, double value)
    {
        MemSeries? s = seriesRef != 0 ? db.GetSeries(seriesRef) : null;
        if (s is null || !ReferenceEquals(s.Labels, labels) && !s.Labels.Equals(labels))
        {
            s = db.GetOrCreateSeries(labels);
            seriesRef = s.Ref;
        }
        if (timestampMs < _minValid) return AppendStatus.OutOfBounds;
        if (!_batch.TryGetValue(s, out var samples)) _batch[s] = samples = new List<(long, double)>();
        samples.Add((timestampMs, value));
        return AppendStatus.Ok;
    }

    public CommitResult Commit()
    {
        if (_batch.Count == 0) return default;
        try
        {
            return db.CommitBackfill(_batch);
        }
        finally
        {
            _batch.Clear();
        }
    }

    public void Rollback() => _batch.Clear();
}
