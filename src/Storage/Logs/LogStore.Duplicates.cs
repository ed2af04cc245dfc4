using Microsoft.Data.Sqlite;
using Mlobs.Model.Labels;

namespace Mlobs.Storage.Logs;

public sealed partial class LogStore
{
    // Newest timestamp stored per stream: a pushed line newer than it cannot repeat a stored one, so only lines at or
    // before it (a client's retry, a late line) are looked up.
    private readonly Dictionary<long, long> _newestTs = new();

    /// <summary>Pushed lines dropped because the stream already held them (same timestamp and text), or the batch did twice.</summary>
    public long DuplicatesDropped => Interlocked.Read(ref _duplicatesDropped);
    private long _duplicatesDropped;

    private void LoadNewest()
    {
        void Take(string sql)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = sql;
            using var r = cmd.ExecuteReader();
            while (r.Read()) NoteNewest(r.GetInt64(0), r.GetInt64(1));
        }
        Take("SELECT stream_id, MAX(ts) FROM head GROUP BY stream_id");
        foreach (var p in _partitions) Take($"SELECT stream_id, MAX(max_ts) FROM {p.BlocksTable} GROUP BY stream_id");
    }

    private void NoteNewest(long streamId, long ts)
    {
        if (!_newestTs.TryGetValue(streamId, out long newest) || ts > newest) _newestTs[streamId] = ts;
    }

    /// <summary>
    /// Loki's rule for pushed lines: a line whose timestamp and text equal one already in its stream is ignored (so a
    /// client that retries a push — promtail, Alloy, the Docker driver — stores nothing twice); equal timestamps with
    /// different text are kept. Also within one batch. Caller holds the write lock.
    /// </summary>
    private List<LogEntry> WithoutDuplicates(IReadOnlyList<LogEntry> entries, SqliteTransaction tx)
    {
        var inBatch = new HashSet<(LabelSet, long, string)>();
        var kept = new List<LogEntry>(entries.Count);
        var suspects = new Dictionary<long, List<int>>(); // stream id → indexes into kept of lines not newer than the stream
        foreach (var e in entries)
        {
            if (!inBatch.Add((e.Stream, e.TimestampNs, e.Line))) { _duplicatesDropped++; continue; }
            if (_streamIds.TryGetValue(e.Stream, out long id) && _newestTs.TryGetValue(id, out long newest) && e.TimestampNs <= newest)
            {
                if (!suspects.TryGetValue(id, out var list)) suspects[id] = list = [];
                list.Add(kept.Count);
            }
            kept.Add(e);
        }
        if (suspects.Count == 0) return kept;
        var drop = new HashSet<int>();
        foreach (var (id, indexes) in suspects)
        {
            long lo = indexes.Min(i => kept[i].TimestampNs), hi = indexes.Max(i => kept[i].TimestampNs);
            var stored = StoredLines(id, lo, hi, tx);
            foreach (int i in indexes)
                if (stored.Contains((kept[i].TimestampNs, kept[i].Line))) drop.Add(i);
        }
        if (drop.Count == 0) return kept;
        _duplicatesDropped += drop.Count;
        return kept.Where((_, i) => !drop.Contains(i)).ToList();
    }

    /// <summary>(timestamp, line) of a stream's stored lines in [lo, hi]: its head rows and the blocks covering the range.</summary>
    private HashSet<(long, string)> StoredLines(long streamId, long lo, long hi, SqliteTransaction tx)
    {
        var result = new HashSet<(long, string)>();
        using (var cmd = _db.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT ts, line FROM head WHERE stream_id = $s AND ts >= $lo AND ts <= $hi";
            cmd.Parameters.AddWithValue("$s", streamId);
            cmd.Parameters.AddWithValue("$lo", lo);
            cmd.Parameters.AddWithValue("$hi", hi);
            using var r = cmd.ExecuteReader();
            while (r.Read()) result.Add((r.GetInt64(0), r.GetString(1)));
        }
        using var decoded = new DecodedLogBlock();
        foreach (var p in _partitions)
        {
            if (!p.Overlaps(lo, hi)) continue;
            using var cmd = _db.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"SELECT min_ts, raw_bytes, data FROM {p.BlocksTable} WHERE stream_id = $s AND min_ts <= $hi AND max_ts >= $lo";
            cmd.Parameters.AddWithValue("$s", streamId);
            cmd.Parameters.AddWithValue("$lo", lo);
            cmd.Parameters.AddWithValue("$hi", hi);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                LogBlock.Decode(r.GetFieldValue<byte[]>(2), r.GetInt32(1), r.GetInt64(0), decoded);
                for (int i = 0; i < decoded.Count; i++)
                    if (decoded.Timestamps[i] >= lo && decoded.Timestamps[i] <= hi)
                        result.Add((decoded.Timestamps[i], System.Text.Encoding.UTF8.GetString(decoded.Line(i))));
            }
        }
        return result;
    }
}
