using Microsoft.Data.Sqlite;
using Mlobs.Model.Labels;

namespace Mlobs.Storage.Logs;

public sealed partial class LogStore
{
    private long _headBytes;
    private TrigramSet? _trigrams; // 2 MiB, reused by every flush (under the write lock)
    private DateTime? _headSince;

    /// <summary>
    /// Stores a batch of lines in one transaction, with the file positions they were read up to: a restart resumes
    /// exactly after the last stored line, neither losing nor repeating one. Flushes the head into blocks when it is full.
    /// With <paramref name="dropDuplicates"/> (pushed lines), lines the stream already holds are ignored, as Loki does.
    /// </summary>
    public void Append(IReadOnlyList<LogEntry> entries, IReadOnlyList<FilePosition>? positions = null, bool dropDuplicates = false)
    {
        if (entries.Count == 0 && (positions is null || positions.Count == 0)) return;
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var added = new Dictionary<LabelSet, long>();
            var created = new List<LogPartition>();
            long bytes = 0;
            using (var tx = _db.BeginTransaction())
            {
                if (dropDuplicates) entries = WithoutDuplicates(entries, tx);
                var direct = DirectStreams(entries);
                if (positions is { Count: > 0 }) SavePositions(positions, tx);
                using var insert = _db.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = "INSERT INTO head(stream_id, ts, line) VALUES ($s, $t, $l)";
                var s = insert.Parameters.Add("$s", SqliteType.Integer);
                var t = insert.Parameters.Add("$t", SqliteType.Integer);
                var l = insert.Parameters.Add("$l", SqliteType.Text);
                insert.Prepare();
                var blocks = new Dictionary<long, List<(long Ts, string Line)>>();
                foreach (var e in entries)
                {
                    long id = StreamId(e.Stream, tx, added);
                    NoteNewest(id, e.TimestampNs);
                    if (direct is not null && direct.Contains(e.Stream))
                    {
                        if (!blocks.TryGetValue(id, out var list)) blocks[id] = list = [];
                        list.Add((e.TimestampNs, e.Line));
                        continue;
                    }
                    s.Value = id;
                    t.Value = e.TimestampNs;
                    l.Value = e.Line;
                    insert.ExecuteNonQuery();
                    bytes += e.Line.Length;
                }
                foreach (var (id, list) in blocks)
                {
                    // Stable: lines of equal time keep the order they came in.
                    var ordered = list.Select((x, i) => (x, i)).OrderBy(p => p.x.Ts).ThenBy(p => p.i).Select(p => p.x).ToList();
                    WriteStreamBlocks(id, ordered, tx, created);
                }
                tx.Commit();
            }
            // Streams and partitions become visible only once committed: a failed batch leaves nothing the file lacks.
            if (added.Count > 0)
            {
                foreach (var (labels, id) in added.OrderBy(kv => kv.Value))
                {
                    _streamIds[labels] = id;
                    IndexStream(id, labels);
                }
            }
            AddPartitions(created);
            if (bytes > 0)
            {
                _headBytes += bytes;
                _headSince ??= DateTime.UtcNow;
            }
            if (_headBytes >= Options.HeadFlushBytes) FlushHead();
        }
        if (entries.Count > 0) Appended?.Invoke(entries);
    }

    /// <summary>
    /// Streams with at least a block's worth of lines in this batch (a tailer catching up, a bulk push): their lines
    /// go straight into blocks in the batch's transaction instead of through the head, which saves writing the text
    /// twice. Null when there are none.
    /// </summary>
    private HashSet<LabelSet>? DirectStreams(IReadOnlyList<LogEntry> entries)
    {
        if (entries.Count < 64) return null;
        var bytes = new Dictionary<LabelSet, long>();
        foreach (var e in entries) bytes[e.Stream] = bytes.GetValueOrDefault(e.Stream) + e.Line.Length;
        var direct = bytes.Where(kv => kv.Value >= Options.BlockBytes).Select(kv => kv.Key).ToHashSet();
        return direct.Count > 0 ? direct : null;
    }

    private void AddPartitions(List<LogPartition> created)
    {
        if (created.Count == 0) return;
        _partitions.AddRange(created);
        _partitions.Sort((a, b) => a.StartNs.CompareTo(b.StartNs));
    }

    /// <summary>Raised with each batch once it is stored (live tails listen here); handlers must not block.</summary>
    public event Action<IReadOnlyList<LogEntry>>? Appended;

    private void SavePositions(IReadOnlyList<FilePosition> positions, SqliteTransaction tx)
    {
        using var save = _db.CreateCommand();
        save.Transaction = tx;
        save.CommandText = """
            INSERT INTO tailed_files(identity, path, fingerprint, offset) VALUES ($i, $p, $f, $o)
            ON CONFLICT(identity) DO UPDATE SET path=excluded.path, fingerprint=excluded.fingerprint, offset=excluded.offset;
            DELETE FROM positions WHERE path = $p;
            """;
        var pi = save.Parameters.Add("$i", SqliteType.Text);
        var pp = save.Parameters.Add("$p", SqliteType.Text);
        var pf = save.Parameters.Add("$f", SqliteType.Text);
        var po = save.Parameters.Add("$o", SqliteType.Integer);
        foreach (var pos in positions)
        {
            pi.Value = pos.Identity.Length > 0 ? pos.Identity : "path:" + pos.Path;
            pp.Value = pos.Path;
            pf.Value = pos.Fingerprint;
            po.Value = pos.Offset;
            save.ExecuteNonQuery();
        }
    }


    private long StreamId(LabelSet labels, SqliteTransaction tx, Dictionary<LabelSet, long> added)
    {
        if (_streamIds.TryGetValue(labels, out long id) || added.TryGetValue(labels, out id)) return id;
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO streams(labels) VALUES ($l) RETURNING id";
        cmd.Parameters.AddWithValue("$l", EncodeLabels(labels));
        id = (long)cmd.ExecuteScalar()!;
        added[labels] = id;
        return id;
    }

    /// <summary>Flushes the head when its oldest line has waited longer than <see cref="LogStoreOptions.HeadMaxAge"/>.</summary>
    public void FlushIfAged()
    {
        lock (_writeLock)
        {
            if (_disposed || _headSince is not { } since || DateTime.UtcNow - since < Options.HeadMaxAge) return;
            FlushHead();
        }
    }

    /// <summary>Moves every head line into blocks now (tests, benchmarks and shutdown).</summary>
    public void Flush()
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            FlushHead();
        }
    }

    /// <summary>
    /// Moves the head's lines into compressed, indexed blocks: per stream, in time order, cut at partition bounds and
    /// at <see cref="LogStoreOptions.BlockBytes"/>; the head rows go in the same transaction, so a crash leaves the
    /// lines either all in the head or all in blocks.
    /// </summary>
    private void FlushHead()
    {
        if (_headBytes == 0 && _headSince is null) return;
        var created = new List<LogPartition>();
        using (var tx = _db.BeginTransaction())
        {
            long maxId = 0;
            using (var read = _db.CreateCommand())
            {
                read.Transaction = tx;
                read.CommandText = "SELECT id, stream_id, ts, line FROM head ORDER BY stream_id, ts, id";
                using var r = read.ExecuteReader();
                var lines = new List<(long Ts, string Line)>();
                long stream = -1;
                while (r.Read())
                {
                    long id = r.GetInt64(0), streamId = r.GetInt64(1);
                    if (streamId != stream)
                    {
                        WriteStreamBlocks(stream, lines, tx, created);
                        lines.Clear();
                        stream = streamId;
                    }
                    lines.Add((r.GetInt64(2), r.GetString(3)));
                    if (id > maxId) maxId = id;
                }
                WriteStreamBlocks(stream, lines, tx, created);
            }
            Execute(_db, $"DELETE FROM head WHERE id <= {maxId}", tx);
            tx.Commit();
        }
        AddPartitions(created);
        _headBytes = 0;
        _headSince = null;
    }

    private void WriteStreamBlocks(long streamId, List<(long Ts, string Line)> lines, SqliteTransaction tx, List<LogPartition> created)
    {
        if (lines.Count == 0) return;
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(lines);
        int from = 0;
        long bytes = 0;
        LogPartition? partition = null;
        for (int i = 0; i < span.Length; i++)
        {
            if (partition is null || span[i].Ts >= partition.EndNs || (bytes >= Options.BlockBytes && i > from))
            {
                if (i > from) WriteBlock(streamId, partition!, span[from..i], tx);
                from = i;
                bytes = 0;
                partition = PartitionFor(span[i].Ts, tx, created);
            }
            bytes += span[i].Line.Length + 1;
        }
        WriteBlock(streamId, partition!, span[from..], tx);
    }

    private void WriteBlock(long streamId, LogPartition partition, ReadOnlySpan<(long Ts, string Line)> lines, SqliteTransaction tx)
    {
        long minTs = lines[0].Ts, maxTs = lines[^1].Ts;
        var (data, rawBytes) = LogBlock.Encode(lines, minTs, _trigrams ??= new TrigramSet());
        using var insert = _db.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = $"INSERT INTO {partition.BlocksTable}(stream_id, min_ts, max_ts, lines, raw_bytes, data) VALUES ($s, $min, $max, $n, $raw, $data) RETURNING id";
        insert.Parameters.AddWithValue("$s", streamId);
        insert.Parameters.AddWithValue("$min", minTs);
        insert.Parameters.AddWithValue("$max", maxTs);
        insert.Parameters.AddWithValue("$n", lines.Length);
        insert.Parameters.AddWithValue("$raw", rawBytes);
        insert.Parameters.AddWithValue("$data", data);
        long id = (long)insert.ExecuteScalar()!;
        using var index = _db.CreateCommand();
        index.Transaction = tx;
        index.CommandText = $"INSERT INTO {partition.TextTable}(rowid, text) VALUES ($id, $text)";
        index.Parameters.AddWithValue("$id", id);
        index.Parameters.AddWithValue("$text", _trigrams.TakeDocument());
        index.ExecuteNonQuery();
    }

    /// <summary>The partition holding a timestamp, created (with its tables) when there is none yet.</summary>
    private LogPartition PartitionFor(long ts, SqliteTransaction tx, List<LogPartition> created)
    {
        foreach (var p in _partitions) if (ts >= p.StartNs && ts < p.EndNs) return p;
        foreach (var p in created) if (ts >= p.StartNs && ts < p.EndNs) return p;
        long period = Options.PartitionPeriod.Ticks * 100;
        long start = ts - Mod(ts, period);
        long end = start + period;
        // A partition laid out with another period may border this one: never overlap it.
        foreach (var p in _partitions.Concat(created))
        {
            if (p.EndNs <= ts && p.EndNs > start) start = p.EndNs;
            if (p.StartNs > ts && p.StartNs < end) end = p.StartNs;
        }
        var partition = new LogPartition(start, end);
        Execute(_db, $"""
            CREATE TABLE {partition.BlocksTable}(id INTEGER PRIMARY KEY AUTOINCREMENT, stream_id INTEGER NOT NULL, min_ts INTEGER NOT NULL,
                max_ts INTEGER NOT NULL, lines INTEGER NOT NULL, raw_bytes INTEGER NOT NULL, data BLOB NOT NULL);
            CREATE INDEX {partition.BlocksTable}_stream ON {partition.BlocksTable}(stream_id, min_ts);
            CREATE VIRTUAL TABLE {partition.TextTable} USING fts5(text, content='', detail=none, columnsize=0, tokenize='ascii');
            INSERT INTO partitions(start_ns, end_ns) VALUES ({start}, {end});
            """, tx);
        created.Add(partition);
        return partition;
    }

    private static long Mod(long a, long m) => ((a % m) + m) % m;
}
