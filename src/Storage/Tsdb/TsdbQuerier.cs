using Microsoft.Data.Sqlite;
using Mlobs.Model.Labels;
using Mlobs.Storage.Tsdb.Chunks;

namespace Mlobs.Storage.Tsdb;

/// <summary>
/// Reads series over [minTime, maxTime]: matching series are taken from the head's index with copies of their
/// in-memory chunks, and from the cold index; their stored chunks are read from SQLite when an iterator first needs them.
/// </summary>
internal sealed class TsdbQuerier(TsdbDatabase db, long minTime, long maxTime) : IQuerier
{
    private SqliteConnection? _reader;
    private SqliteCommand? _chunkQuery;

    /// <summary>The querier's reader connection, rented on first use and returned on dispose.</summary>
    internal SqliteConnection Reader => _reader ??= db.RentReader();

    public ISeriesSet Select(bool sorted, params LabelMatcher[] matchers) => Select(sorted, labelsOnly: false, matchers);

    public IReadOnlyList<LabelSet> SeriesLabels(params LabelMatcher[] matchers)
    {
        var set = (ListSeriesSet)Select(true, labelsOnly: true, matchers);
        if (set.Error is not null) throw set.Error;
        return set.Labels();
    }

    private ISeriesSet Select(bool sorted, bool labelsOnly, LabelMatcher[] matchers)
    {
        try
        {
            var list = db.SelectSeries(matchers, minTime, maxTime, this, labelsOnly);
            if (sorted) list.Sort(static (a, b) => a.Labels.CompareTo(b.Labels));
            return new ListSeriesSet(list);
        }
        catch (Exception ex) when (ex is SqliteException or InvalidDataException)
        {
            return new ListSeriesSet([], ex);
        }
    }

    public IReadOnlyList<string> LabelNames(params LabelMatcher[] matchers) => db.LabelNames(matchers, minTime, maxTime, this);

    public IReadOnlyList<string> LabelValues(string name, params LabelMatcher[] matchers) => db.LabelValues(name, matchers, minTime, maxTime, this);

    /// <summary>
    /// Stored chunks of one series overlapping the querier's range, oldest first, as slices of group rows; only
    /// groups starting before <paramref name="storedBefore"/> (what the series held in memory when selected begins there).
    /// </summary>
    internal void LoadChunks(ulong seriesRef, long storedBefore, List<(byte[] Data, int Offset, int Length)> into)
    {
        if (_chunkQuery is null)
        {
            _chunkQuery = Reader.CreateCommand();
            // The index is (series_id, min_time); a group never spans more than MaxGroupSpan plus one chunk span,
            // which bounds how far before the range a relevant group can start.
            _chunkQuery.CommandText = "SELECT max_time, data FROM chunks WHERE series_id=$id AND min_time >= $lo AND min_time <= $maxt AND min_time < $before ORDER BY min_time";
            _chunkQuery.Parameters.Add(new SqliteParameter("$id", 0L));
            _chunkQuery.Parameters.Add(new SqliteParameter("$lo", SaturatingSub(minTime, db.Options.MaxGroupSpanMs + db.Options.MaxChunkSpanMs)));
            _chunkQuery.Parameters.Add(new SqliteParameter("$maxt", maxTime));
            _chunkQuery.Parameters.Add(new SqliteParameter("$before", 0L));
        }
        _chunkQuery.Parameters[0].Value = (long)seriesRef;
        _chunkQuery.Parameters[3].Value = storedBefore;
        using var r = _chunkQuery.ExecuteReader();
        while (r.Read())
        {
            if (r.GetInt64(0) < minTime) continue;
            ChunkGroup.Split((byte[])r.GetValue(1), into);
        }
    }

    private static long SaturatingSub(long a, long b) => a < long.MinValue + b ? long.MinValue : a - b;

    public void Dispose()
    {
        _chunkQuery?.Dispose();
        _chunkQuery = null;
        if (_reader is not null) db.ReturnReader(_reader);
        _reader = null;
    }

    internal sealed class ListSeriesSet(List<TsdbSeries> series, Exception? error = null) : ISeriesSet
    {
        private int _i = -1;
        public bool Next() => ++_i < series.Count;
        public ISeries Current => series[_i];
        public Exception? Error => error;
        public IReadOnlyList<LabelSet> Labels() => series.Select(s => s.Labels).ToList();
    }
}

/// <summary>
/// A selected series: labels, copies of its in-memory chunks, and lazy access to its stored chunks (those starting
/// before <paramref name="storedBefore"/>; long.MinValue: none).
/// </summary>
internal sealed class TsdbSeries(LabelSet labels, ulong seriesRef, List<(byte[] Data, int Offset, int Length)>? inMemory, long storedBefore, TsdbQuerier querier, long minTime, long maxTime) : ISeries
{
    public LabelSet Labels { get; } = labels;

    public ISampleIterator Iterator(ISampleIterator? reuse = null)
    {
        var it = reuse as SeriesChunksIterator ?? new SeriesChunksIterator();
        var chunks = it.ChunkList;
        chunks.Clear();
        if (storedBefore != long.MinValue) querier.LoadChunks(seriesRef, storedBefore, chunks);
        if (inMemory is not null) chunks.AddRange(inMemory);
        it.Reset(minTime, maxTime);
        return it;
    }
}

/// <summary>Walks a series' chunks in order, yielding only samples inside [minTime, maxTime].</summary>
internal sealed class SeriesChunksIterator : ISampleIterator
{
    private readonly ChunkIterator _chunk = new();
    private readonly List<(byte[] Data, int Offset, int Length)> _chunks = [];

    /// <summary>The chunks to walk; filled by the series before <see cref="Reset"/>.</summary>
    internal List<(byte[] Data, int Offset, int Length)> ChunkList => _chunks;
    private int _index;
    private long _minTime, _maxTime;
    private bool _done, _hasCurrent;

    public void Reset(long minTime, long maxTime)
    {
        var chunks = _chunks;
        _minTime = minTime;
        _maxTime = maxTime;
        _index = 0;
        _done = chunks.Count == 0;
        _hasCurrent = false;
        Error = null;
        if (!_done) _chunk.Reset(chunks[0].Data, chunks[0].Offset, chunks[0].Length);
    }

    public long Timestamp => _chunk.Timestamp;
    public double Value => _chunk.Value;
    public Exception? Error { get; private set; }

    public bool Next() => _hasCurrent = Advance();

    private bool Advance()
    {
        while (!_done)
        {
            if (_chunk.Next())
            {
                if (_chunk.Timestamp < _minTime) continue;
                if (_chunk.Timestamp > _maxTime) { _done = true; return false; }
                return true;
            }
            if (_chunk.Error is not null) { Error = new InvalidDataException(_chunk.Error); _done = true; return false; }
            if (++_index >= _chunks.Count) { _done = true; return false; }
            _chunk.Reset(_chunks[_index].Data, _chunks[_index].Offset, _chunks[_index].Length);
        }
        return false;
    }

    /// <summary>Copies decoded samples a chunk at a time (samples after the current one are already past minTime).</summary>
    public int NextBatch(Span<long> timestamps, Span<double> values)
    {
        int n = 0, max = Math.Min(timestamps.Length, values.Length);
        while (n < max)
        {
            var following = _hasCurrent ? _chunk.FollowingTimestamps : default;
            if (following.Length == 0)
            {
                // First sample, or the chunk is used up: Next applies minTime and moves on (or reports damage).
                if (!Next()) break;
                timestamps[n] = _chunk.Timestamp;
                values[n] = _chunk.Value;
                n++;
                continue;
            }
            int take = Math.Min(following.Length, max - n);
            int inRange = following[take - 1] <= _maxTime ? take : UpperBound(following[..take], _maxTime);
            following[..inRange].CopyTo(timestamps[n..]);
            _chunk.FollowingValues[..inRange].CopyTo(values[n..]);
            if (inRange > 0) _chunk.Skip(inRange);
            n += inRange;
            if (inRange < take) { _done = true; break; }
        }
        return n;
    }

    public bool Seek(long timestampMs)
    {
        if (_hasCurrent && Timestamp >= timestampMs) return true;
        long target = Math.Max(timestampMs, _minTime);
        while (!_done)
        {
            // Within a decoded chunk, jump to the first sample at or after the target instead of stepping.
            var following = _chunk.FollowingTimestamps;
            int skip = following.Length > 0 ? LowerBound(following, target) : 0;
            if (skip > 0) _chunk.Skip(skip);
            if (!Next()) return false;
            if (Timestamp >= timestampMs) return true;
        }
        return false;
    }

    private static int LowerBound(ReadOnlySpan<long> sorted, long t)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < t) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>How many leading elements are at most t.</summary>
    private static int UpperBound(ReadOnlySpan<long> sorted, long t) => t == long.MaxValue ? sorted.Length : LowerBound(sorted, t + 1);
}
