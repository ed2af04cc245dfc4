using System.Text;
using Microsoft.Data.Sqlite;
using Mlobs.Model.Labels;

namespace Mlobs.Storage.Logs;

public sealed partial class LogStore
{
    private readonly record struct BlockRef(LogPartition Partition, long Id, LabelSet Stream, long MinTs, long MaxTs, int RawBytes);

    /// <summary>
    /// Walks the lines of the streams matching every matcher, in [startNs, endNs], in time order across streams
    /// (newest first when <paramref name="backward"/>), until <paramref name="visit"/> returns false.
    /// <paramref name="mustContain"/>: only lines containing this text (case-sensitive); blocks that cannot hold it are
    /// skipped through the trigram index, the rest checked on the line's bytes before a string is made.
    /// </summary>
    public void Scan(LabelMatcher[] matchers, long startNs, long endNs, bool backward, Func<LogEntry, bool> visit, string? mustContain = null)
    {
        var streams = MatchingStreams(matchers);
        if (streams.Count == 0 || startNs > endNs) return;
        if (mustContain is { Length: 0 }) mustContain = null;
        byte[]? needle = mustContain is null ? null : Encoding.UTF8.GetBytes(mustContain);
        var streamIds = string.Join(",", streams.Keys);

        using var conn = new SqliteConnection(_readerConnectionString);
        conn.Open();
        // One read transaction: the head and the blocks are seen as of one moment, even while a flush moves lines.
        using var tx = conn.BeginTransaction(deferred: true);
        var head = ReadHead(conn, tx, streams, streamIds, startNs, endNs, mustContain, backward);
        var blocks = FindBlocks(conn, tx, streams, streamIds, startNs, endNs, mustContain);
        blocks.Sort(backward
            ? (a, b) => b.MaxTs != a.MaxTs ? b.MaxTs.CompareTo(a.MaxTs) : b.Id.CompareTo(a.Id)
            : (a, b) => a.MinTs != b.MinTs ? a.MinTs.CompareTo(b.MinTs) : a.Id.CompareTo(b.Id));

        // Merge by timestamp: a block is opened only once the merge reaches its first (last) timestamp, so a query
        // with a limit inflates just the blocks it reads from.
        var heap = new PriorityQueue<LogLineCursor, (long Ts, long Seq)>(backward ? NewestFirst.Instance : OldestFirst.Instance);
        var spare = new Stack<DecodedLogBlock>();
        long seq = 0;
        try
        {
            var headCursor = new HeadLineCursor(head, backward);
            if (headCursor.MoveNext()) heap.Enqueue(headCursor, (headCursor.Timestamp, seq++));
            int next = 0;
            while (true)
            {
                while (next < blocks.Count && (!heap.TryPeek(out _, out var top)
                                               || (backward ? blocks[next].MaxTs >= top.Ts : blocks[next].MinTs <= top.Ts)))
                {
                    var cursor = OpenBlock(conn, tx, blocks[next++], startNs, endNs, backward, needle, spare);
                    if (cursor is null) continue;
                    if (cursor.MoveNext()) heap.Enqueue(cursor, (cursor.Timestamp, seq++));
                    else spare.Push(cursor.Block);
                }
                if (!heap.TryDequeue(out var c, out _)) return;
                if (!visit(c.Current)) return;
                if (c.MoveNext()) heap.Enqueue(c, (c.Timestamp, seq++));
                else if (c is BlockLineCursor done) spare.Push(done.Block);
            }
        }
        finally
        {
            foreach (var b in spare) b.Dispose();
            while (heap.TryDequeue(out var c, out _)) (c as BlockLineCursor)?.Block.Dispose();
        }
    }

    /// <summary>
    /// The streams matching every matcher that have lines in [startNs, endNs] (Loki's /series, /labels and label
    /// values): from the head's rows and the blocks' time ranges, without reading any line.
    /// </summary>
    public IReadOnlyList<LabelSet> StreamsWithData(LabelMatcher[] matchers, long startNs, long endNs)
    {
        var streams = MatchingStreams(matchers);
        if (streams.Count == 0 || startNs > endNs) return [];
        var ids = string.Join(",", streams.Keys);
        using var conn = new SqliteConnection(_readerConnectionString);
        conn.Open();
        using var tx = conn.BeginTransaction(deferred: true);
        var found = new HashSet<long>();
        void Collect(string sql)
        {
            using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = sql;
            cmd.Parameters.AddWithValue("$start", startNs);
            cmd.Parameters.AddWithValue("$end", endNs);
            using var r = cmd.ExecuteReader();
            while (r.Read()) found.Add(r.GetInt64(0));
        }
        Collect($"SELECT DISTINCT stream_id FROM head WHERE ts >= $start AND ts <= $end AND stream_id IN ({ids})");
        foreach (var p in ReadPartitions(conn, tx))
            if (p.Overlaps(startNs, endNs))
                Collect($"SELECT DISTINCT stream_id FROM {p.BlocksTable} WHERE stream_id IN ({ids}) AND max_ts >= $start AND min_ts <= $end");
        return found.Select(id => streams[id]).ToList();
    }

    private static List<LogEntry> ReadHead(SqliteConnection conn, SqliteTransaction tx, Dictionary<long, LabelSet> streams, string streamIds,
        long startNs, long endNs, string? mustContain, bool backward)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT stream_id, ts, line FROM head WHERE ts >= $start AND ts <= $end AND stream_id IN ({streamIds})"
                          + (mustContain is null ? "" : " AND instr(line, $needle) > 0") + " ORDER BY ts, id";
        cmd.Parameters.AddWithValue("$start", startNs);
        cmd.Parameters.AddWithValue("$end", endNs);
        if (mustContain is not null) cmd.Parameters.AddWithValue("$needle", mustContain);
        using var r = cmd.ExecuteReader();
        var lines = new List<LogEntry>();
        while (r.Read()) lines.Add(new LogEntry(streams[r.GetInt64(0)], r.GetInt64(1), r.GetString(2)));
        return lines;
    }

    private static List<BlockRef> FindBlocks(SqliteConnection conn, SqliteTransaction tx, Dictionary<long, LabelSet> streams, string streamIds,
        long startNs, long endNs, string? mustContain)
    {
        var match = mustContain is null ? null : LogTextIndex.MatchExpression(mustContain);
        var result = new List<BlockRef>();
        foreach (var p in ReadPartitions(conn, tx))
        {
            if (!p.Overlaps(startNs, endNs)) continue;
            using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"SELECT id, stream_id, min_ts, max_ts, raw_bytes FROM {p.BlocksTable} WHERE stream_id IN ({streamIds}) AND max_ts >= $start AND min_ts <= $end"
                              + (match is null ? "" : $" AND id IN (SELECT rowid FROM {p.TextTable} WHERE {p.TextTable} MATCH $match)");
            cmd.Parameters.AddWithValue("$start", startNs);
            cmd.Parameters.AddWithValue("$end", endNs);
            if (match is not null) cmd.Parameters.AddWithValue("$match", match);
            using var r = cmd.ExecuteReader();
            while (r.Read())
                result.Add(new BlockRef(p, r.GetInt64(0), streams[r.GetInt64(1)], r.GetInt64(2), r.GetInt64(3), r.GetInt32(4)));
        }
        return result;
    }

    private static BlockLineCursor? OpenBlock(SqliteConnection conn, SqliteTransaction tx, BlockRef block, long startNs, long endNs, bool backward,
        byte[]? needle, Stack<DecodedLogBlock> spare)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT data FROM {block.Partition.BlocksTable} WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", block.Id);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        var data = r.GetFieldValue<byte[]>(0);
        var decoded = spare.Count > 0 ? spare.Pop() : new DecodedLogBlock();
        LogBlock.Decode(data, block.RawBytes, block.MinTs, decoded);
        return new BlockLineCursor(block.Stream, decoded, startNs, endNs, backward, needle);
    }

    private sealed class OldestFirst : IComparer<(long Ts, long Seq)>
    {
        public static readonly OldestFirst Instance = new();
        public int Compare((long Ts, long Seq) a, (long Ts, long Seq) b) => a.Ts != b.Ts ? a.Ts.CompareTo(b.Ts) : a.Seq.CompareTo(b.Seq);
    }

    private sealed class NewestFirst : IComparer<(long Ts, long Seq)>
    {
        public static readonly NewestFirst Instance = new();
        public int Compare((long Ts, long Seq) a, (long Ts, long Seq) b) => a.Ts != b.Ts ? b.Ts.CompareTo(a.Ts) : a.Seq.CompareTo(b.Seq);
    }
}
