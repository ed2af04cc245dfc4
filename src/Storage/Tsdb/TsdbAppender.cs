using Mlobs.Model.Labels;
using Mlobs.Storage.Tsdb.Head;

namespace Mlobs.Storage.Tsdb;

/// <summary>Collects one batch (typically one scrape) and hands it to the database on <see cref="Commit"/>.</summary>
internal sealed class TsdbAppender(TsdbDatabase db) : IAppender
{
    internal readonly record struct Pending(MemSeries Series, long Timestamp, double Value);

    private List<Pending>? _batch;
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
        (_batch ??= db.RentBatch()).Add(new Pending(s, timestampMs, value));
        return AppendStatus.Ok;
    }

    public CommitResult Commit()
    {
        if (_batch is null) return default;
        try
        {
            return db.Commit(_batch);
        }
        finally
        {
            db.ReturnBatch(_batch);
            _batch = null;
        }
    }

    public void Rollback()
    {
        if (_batch is null) return;
        db.ReturnBatch(_batch);
        _batch = null;
    }
}
