using Mlobs.Model.Labels;
using Mlobs.Storage.Logs;
using Mlobs.Tests.Support;

namespace Mlobs.Storage.Tests.Logs;

public class LogStoreTests
{
    private static readonly LabelSet Api = LabelSet.From(("service", "api"), ("level", "error"));
    private static readonly LabelSet Worker = LabelSet.From(("service", "worker"), ("level", "info"));

    [Fact]
    public void LinesComeBackByStreamTimeAndFilterAndSurviveReopening()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "logstore.sqlite");
        using (var store = LogStore.Open(path))
        {
            store.Append([
                new LogEntry(Api, 1_000, "GET /predict timeout after 30s"),
                new LogEntry(Api, 2_000, "GET /predict ok"),
                new LogEntry(Worker, 1_500, "batch done"),
                new LogEntry(Api, 3_000, "POST /train timeout"),
            ]);
        }
        using var reopened = LogStore.Open(path);
        var newest = reopened.ReadLines([LabelMatcher.Equal("service", "api")], 0, 10_000, 10, backward: true, _ => true);
        Assert.Equal([3_000L, 2_000, 1_000], newest.Select(e => e.TimestampNs));
        Assert.All(newest, e => Assert.Equal(Api, e.Stream));
        // A substring filter goes through the trigram index and is still checked exactly.
        var timeouts = reopened.ReadLines([LabelMatcher.Equal("service", "api")], 0, 10_000, 10, backward: false, l => l.Contains("timeout"), mustContain: "timeout");
        Assert.Equal(["GET /predict timeout after 30s", "POST /train timeout"], timeouts.Select(e => e.Line));
        Assert.Single(reopened.ReadLines([], 0, 10_000, 1, backward: true, _ => true));
        Assert.Empty(reopened.ReadLines([LabelMatcher.Equal("service", "api")], 2_500, 2_900, 10, backward: true, _ => true));
        Assert.Equal(["level", "service"], reopened.LabelNames());
        Assert.Equal(["api", "worker"], reopened.LabelValues("service"));
        // New lines after reopening join the same stream.
        reopened.Append([new LogEntry(Api, 4_000, "again")]);
        Assert.Equal(4, reopened.ReadLines([LabelMatcher.Equal("level", "error")], 0, 10_000, 10, backward: true, _ => true).Count);
    }
}

public class LogStoreLayoutTests
{
    private static readonly LabelSet A = LabelSet.From(("service", "api"));
    private static readonly LabelSet B = LabelSet.From(("service", "worker"));
    private const long Day = 86_400_000_000_000;

    private static LogStoreOptions Small => new() { BlockBytes = 300, HeadFlushBytes = 1_000 };

    /// <summary>Lines in two streams, several partitions, timestamps repeating and out of arrival order.</summary>
    private static List<LogEntry> Lines(int n, int seed)
    {
        var rnd = new Random(seed);
        var result = new List<LogEntry>();
        for (int i = 0; i < n; i++)
        {
            long ts = 3 * Day / 2 + rnd.NextInt64(0, 2 * Day) / 1_000_000 * 1_000_000;
            var text = rnd.Next(10) == 0 ? $"line {i} ERROR timeout talking to 🦀 store" : $"line {i} ok latency={rnd.Next(1000)}ms";
            result.Add(new LogEntry(rnd.Next(3) == 0 ? B : A, ts, text));
        }
        return result;
    }

    private static List<LogEntry> Expected(IEnumerable<LogEntry> all, LabelSet? stream, long start, long end, bool backward, string? needle)
    {
        var q = all.Select((e, i) => (e, i)).Where(x => (stream is null || x.e.Stream == stream) && x.e.TimestampNs >= start && x.e.TimestampNs <= end
                                                        && (needle is null || x.e.Line.Contains(needle, StringComparison.Ordinal)));
        var sorted = q.OrderBy(x => x.e.TimestampNs).ThenBy(x => x.i).Select(x => x.e).ToList();
        if (backward) sorted.Reverse();
        return sorted;
    }

    [Theory]
    [InlineData(37)]  // small batches: lines go through the head and are flushed
    [InlineData(200)] // big batches: each stream's lines go straight into blocks
    public void ScansMergeHeadAndBlocksAcrossStreamsAndPartitionsInTimeOrder(int batchSize)
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "logstore.sqlite");
        var all = Lines(600, 7);
        using (var store = LogStore.Open(path, Small))
        {
            // Batches flush as the head fills: most lines end up in blocks of ~300 bytes over three daily
            // partitions; the last batch stays in the head.
            foreach (var batch in all.Chunk(batchSize)) store.Append(batch);
        }
        using var reopened = LogStore.Open(path, Small with { HeadFlushBytes = 1 << 30 });
        var extra = Lines(50, 8);
        reopened.Append(extra);
        all.AddRange(extra);
        foreach (bool backward in new[] { false, true })
            foreach (var needle in new string?[] { null, "timeout", "🦀", "ok", "latency=99", "absent text" })
                foreach (var (start, end) in new[] { (0L, long.MaxValue), (2 * Day, 2 * Day + Day / 3), (Day, 3 * Day) })
                    foreach (var stream in new LabelSet?[] { null, A })
                    {
                        LabelMatcher[] matchers = stream is null ? [] : [LabelMatcher.Equal("service", "api")];
                        var expected = Expected(all, stream, start, end, backward, needle);
                        var got = new List<LogEntry>();
                        reopened.Scan(matchers, start, end, backward, e => { got.Add(e); return true; }, needle);
                        // Lines with equal timestamps may come in any order between streams: compare (time, line) sets per timestamp.
                        Assert.Equal(expected.Select(e => e.TimestampNs), got.Select(e => e.TimestampNs));
                        Assert.Equal(expected.Select(e => (e.TimestampNs, e.Stream, e.Line)).Order(), got.Select(e => (e.TimestampNs, e.Stream, e.Line)).Order());
                        var limited = reopened.ReadLines(matchers, start, end, 5, backward, _ => true, needle);
                        Assert.Equal(expected.Take(5).Select(e => e.TimestampNs), limited.Select(e => e.TimestampNs));
                    }
    }

    [Fact]
    public void SelectorsFindTheirStreamsThroughTheLabelIndex()
    {
        using var dir = new TempDir();
        using var store = LogStore.Open(Path.Combine(dir.Path, "logstore.sqlite"));
        var streams = Enumerable.Range(0, 60).Select(i => i % 10 == 0
            ? LabelSet.From(("service", "svc" + i % 7))
            : LabelSet.From(("service", "svc" + i % 7), ("level", i % 3 == 0 ? "error" : "info"), ("pod", "p" + i))).ToList();
        store.Append(streams.Select((l, i) => new LogEntry(l, i, "line " + i)).ToList());
        LabelMatcher[][] selectors =
        [
            [LabelMatcher.Equal("service", "svc3")],
            [new LabelMatcher(LabelMatchType.Regex, "service", "svc[12]"), LabelMatcher.Equal("level", "error")],
            [new LabelMatcher(LabelMatchType.NotEqual, "level", "info")],
            [LabelMatcher.Equal("level", "")],
            [new LabelMatcher(LabelMatchType.NotRegex, "pod", "p1.*"), new LabelMatcher(LabelMatchType.Regex, "service", ".+")],
        ];
        foreach (var selector in selectors)
        {
            var expected = streams.Where(l => selector.All(m => m.Matches(l.Get(m.Name) ?? ""))).Distinct().Order().ToList();
            var got = new List<LabelSet>();
            store.Scan(selector, 0, long.MaxValue, false, e => { got.Add(e.Stream); return true; });
            Assert.Equal(expected, got.Distinct().Order().ToList());
            Assert.Equal(expected, store.StreamsWithData(selector, 0, long.MaxValue).Order().ToList());
        }
        Assert.Equal(["level", "pod", "service"], store.LabelNames());
    }

    [Fact]
    public void RetentionDropsOldPartitionsThenOldBlocksThenHeadLines()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "logstore.sqlite");
        using var store = LogStore.Open(path, Small with { RetentionTime = TimeSpan.FromDays(1) });
        var all = Lines(600, 3);
        foreach (var batch in all.Chunk(50)) store.Append(batch);
        store.Append([new LogEntry(A, 3 * Day + 5, "late line, still in the head")]);
        all.Add(new LogEntry(A, 3 * Day + 5, "late line, still in the head"));
        long now = 3 * Day + Day / 2; // cutoff 2.5 days: the day-1 partition goes, day 2 loses blocks ending before noon
        var (partitions, blocks) = store.ApplyRetention(now);
        Assert.Equal(1, partitions);
        Assert.True(blocks > 0);
        var left = new List<LogEntry>();
        store.Scan([], 0, long.MaxValue, false, e => { left.Add(e); return true; });
        // Nothing older than a block that still has a young line survives; everything young does.
        Assert.Equal(Expected(all, null, now - Day, long.MaxValue, false, null).Select(e => e.Line).Order(),
            left.Where(e => e.TimestampNs >= now - Day).Select(e => e.Line).Order());
        Assert.All(left, e => Assert.True(e.TimestampNs >= 2 * Day, "day-1 lines are gone with their partition"));
        Assert.True(left.Count(e => e.TimestampNs < now - Day) < all.Count(e => e.TimestampNs >= 2 * Day && e.TimestampNs < now - Day));
    }

    [Fact]
    public void RetentionBySizeDropsOldestDataFirstAndShrinksTheFile()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "logstore.sqlite");
        var options = new LogStoreOptions { BlockBytes = 4_000, HeadFlushBytes = 20_000, RetentionTime = TimeSpan.FromDays(3650) };
        using (var store = LogStore.Open(path, options))
        {
            var rnd = new Random(5);
            for (int day = 0; day < 4; day++)
                store.Append(Enumerable.Range(0, 3000).Select(i => new LogEntry(A, day * Day + i * 1_000_000_000L,
                    $"{day} {i} {Convert.ToHexString(BitConverter.GetBytes(rnd.NextInt64()))}")).ToList());
            store.Flush();
            long before = store.UsedBytes();
            store.ApplyRetention(4 * Day);
            Assert.Equal(before, store.UsedBytes()); // no size limit yet
        }
        long fileBefore = new FileInfo(path).Length;
        using (var store = LogStore.Open(path, options with { RetentionBytes = new FileInfo(path).Length / 3 }))
        {
            store.ApplyRetention(4 * Day);
            Assert.True(store.UsedBytes() <= store.Options.RetentionBytes, $"{store.UsedBytes()} > {store.Options.RetentionBytes}");
            var left = new List<LogEntry>();
            store.Scan([], 0, long.MaxValue, false, e => { left.Add(e); return true; });
            Assert.NotEmpty(left);
            Assert.Equal(3 * Day + 2999 * 1_000_000_000L, left[^1].TimestampNs); // the newest line stays
            Assert.True(left[0].TimestampNs >= 2 * Day, "the oldest days went first");
        }
        Assert.True(new FileInfo(path).Length < fileBefore / 2, "freed pages go back to the file system");
    }

    [Fact]
    public void StoreOfTheFirstRowPerLineLayoutIsMigratedWithoutLosingLines()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "logstore.sqlite");
        Mlobs.Storage.Tsdb.Sqlite.SqliteProvider.EnsureInitialized();
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = """
                CREATE TABLE streams(id INTEGER PRIMARY KEY, labels TEXT NOT NULL UNIQUE);
                CREATE TABLE entries(id INTEGER PRIMARY KEY, stream_id INTEGER NOT NULL, ts INTEGER NOT NULL, line TEXT NOT NULL);
                CREATE VIRTUAL TABLE entries_fts USING fts5(line, content='entries', content_rowid='id', tokenize='trigram');
                CREATE TABLE positions(path TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, offset INTEGER NOT NULL);
                INSERT INTO streams VALUES (1, 'service' || char(0) || 'api' || char(0));
                INSERT INTO entries(stream_id, ts, line) VALUES (1, 10, 'first'), (1, 20, 'second');
                INSERT INTO positions VALUES ('/var/log/a.log', 'abc', 42);
                """;
            cmd.ExecuteNonQuery();
        }
        using var store = LogStore.Open(path);
        Assert.Equal(["second", "first"], store.ReadLines([LabelMatcher.Equal("service", "api")], 0, 100, 10, true, _ => true).Select(e => e.Line));
        Assert.Equal(42, store.Positions().Single(p => p.Path == "/var/log/a.log").Offset);
        store.Flush();
        Assert.Equal(["first", "second"], store.ReadLines([], 0, 100, 10, false, _ => true).Select(e => e.Line));
    }
}

public class LogStoreDuplicateTests
{
    [Fact]
    public void ARetriedPushStoresNothingTwiceButEqualTimesWithOtherTextAreKept()
    {
        using var dir = new TempDir();
        using var store = LogStore.Open(Path.Combine(dir.Path, "logstore.sqlite"));
        var api = LabelSet.From(("service", "api"));
        var batch = Enumerable.Range(1, 5).Select(i => new LogEntry(api, 1000 + i, $"line {i}")).ToList();
        store.Append(batch, dropDuplicates: true);
        store.Append(batch, dropDuplicates: true); // the client retried
        // within one batch too; the same time with another text is another line
        store.Append([new LogEntry(api, 2000, "x"), new LogEntry(api, 2000, "x"), new LogEntry(api, 2000, "y")], dropDuplicates: true);
        List<string> All() => store.ReadLines([LabelMatcher.Equal("service", "api")], 0, long.MaxValue, 1000, false, _ => true).Select(e => e.Line).ToList();
        Assert.Equal(["line 1", "line 2", "line 3", "line 4", "line 5", "x", "y"], All());
        // after the head was flushed into blocks, and after a reopen
        store.Flush();
        store.Append(batch.Take(2).Append(new LogEntry(api, 1003, "line 3 again")).ToList(), dropDuplicates: true);
        Assert.Equal(8, All().Count);
        Assert.Equal(8, store.DuplicatesDropped); // the retry's 5, the batch's 1, the 2 after the flush
    }

    [Fact]
    public void DuplicatesAreFoundAfterAReopen()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "logstore.sqlite");
        var api = LabelSet.From(("service", "api"));
        var batch = Enumerable.Range(1, 3).Select(i => new LogEntry(api, 1000 + i, $"line {i}")).ToList();
        using (var store = LogStore.Open(path)) store.Append(batch, dropDuplicates: true);
        using (var store = LogStore.Open(path))
        {
            store.Append(batch, dropDuplicates: true);
            Assert.Equal(3, store.ReadLines([], 0, long.MaxValue, 1000, false, _ => true).Count);
        }
    }
}

public class LogBlockTests
{
    [Fact]
    public void BlocksRoundTripLinesTimestampsAndUnicode()
    {
        (long, string)[] lines = [(100, "a"), (100, ""), (250, "ünïcødé 🦀 line"), (1_000_000_000_000, new string('x', 70_000))];
        var (data, raw) = LogBlock.Encode(lines, 100);
        Assert.True(data.Length < raw / 10);
        using var decoded = new DecodedLogBlock();
        LogBlock.Decode(data, raw, 100, decoded);
        Assert.Equal(4, decoded.Count);
        for (int i = 0; i < lines.Length; i++)
        {
            Assert.Equal(lines[i].Item1, decoded.Timestamps[i]);
            Assert.Equal(lines[i].Item2, System.Text.Encoding.UTF8.GetString(decoded.Line(i)));
        }
        Assert.Throws<InvalidDataException>(() => LogBlock.Decode(data, raw + 1, 100, decoded));
    }

    [Theory]
    [InlineData("ab", null)]
    [InlineData("timeout", "\"74696d\" AND \"696d65\" AND \"6d656f\" AND \"656f75\" AND \"6f7574\"")]
    [InlineData("TimeOUT", "\"74696d\" AND \"696d65\" AND \"6d656f\" AND \"656f75\" AND \"6f7574\"")]
    [InlineData("aaaa", "\"616161\"")]
    [InlineData("é!", "\"c3a921\"")]
    public void SubstringsBecomeQueriesForTheirByteTrigrams(string needle, string? expected) =>
        Assert.Equal(expected, LogTextIndex.MatchExpression(needle));

    [Fact]
    public void TrigramDocumentsListEachTrigramOnceAndTheSetStartsEmptyAgain()
    {
        var set = new TrigramSet();
        set.Add("abcabc"u8);
        set.Add("ABCD"u8);
        Assert.Equal("616263 626361 626364 636162 ", set.TakeDocument());
        Assert.Equal("", set.TakeDocument());
    }
}
