using Mlobs.Storage.Labels;
using Mlobs.Storage.Tsdb.Head;

namespace Mlobs.Storage.Tsdb;

/// <summary>Collects one batch (typically one scrape) and hands it to the database on <see cref="Commit"/>.</summary>
internal sealed class TsdbAppender(TsdbDatabase db) : IAppender
{
    internal readonly record struct Pending(MemSeries Series, long Timestamp, double Value);

    private readonly List<Pending> _batch = new(256);
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
        // Early check against the committed head (the commit checks again under the lock).
        switch (TsdbDatabase.Check(s, timestampMs, value))
        {
            case TsdbDatabase.SampleCheck.OutOfOrder: return AppendStatus.OutOfOrder;
            case TsdbDatabase.SampleCheck.Duplicate: return AppendStatus.DuplicateTimestamp;
            case TsdbDatabase.SampleCheck.AlreadyStored: return AppendStatus.Ok;
        }
        _batch.Add(new Pending(s, timestampMs, value));
        return AppendStatus.Ok;
    }

    public CommitResult Commit()
    {
        if (_batch.Count == 0) return default;
        var result = db.Commit(_batch);
        _batch.Clear();
        return result;
    }

    public void Rollback() => _batch.Clear();
}
