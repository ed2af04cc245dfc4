using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Storage.Tsdb;
using Mlobs.Tests.Support;

namespace Mlobs.Storage.Tests.Tsdb;

public class TsdbDatabaseTests
{
    private static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000;

    private static TsdbOptions Options(string dir) => new() { Directory = dir, SamplesPerChunk = 120 };

    private static List<(long T, double V)> ReadAll(IQueryableStorage db, LabelMatcher[] matchers, long mint = long.MinValue, long maxt = long.MaxValue)
    {
        using var q = db.Querier(mint, maxt);
        var set = q.Select(true, matchers);
        var result = new List<(long, double)>();
        while (set.Next())
        {
            var it = set.Current.Iterator();
            while (it.Next()) result.Add((it.Timestamp, it.Value));
            Assert.Null(it.Error);
        }
        Assert.Null(set.Error);
        return result;
    }

    [Fact]
    public void SeekAndBatchedReadsSeeWhatStepwiseReadsSee()
    {
        // Persisted groups, pending chunks and the head chunk; windows cutting chunks anywhere; batches of any size.
        using var dir = new TempDir();
        var labels = LabelSet.From(("__name__", "walk"));
        using var db = TsdbDatabase.Open(Options(dir.Path) with { RetentionTime = TimeSpan.FromDays(365_000), MaxGroupSpanMs = 3_600_000 });
        long start = Now - 10 * 3_600_000L;
        var written = new List<(long T, double V)>();
        var rng = new Random(3);
        for (long t = start; t < Now; t += 15_000 + rng.Next(0, 3) * 1000)
        {
            var app = db.Appender();
            ulong r = 0;
            double v = written.Count % 97 == 5 ? StaleNaN.Value : written.Count * 0.25;
            app.Append(ref r, labels, t, v);
            app.Commit();
            written.Add((t, v));
        }
        db.Checkpoint();
        for (int round = 0; round < 200; round++)
        {
            long mint = start + rng.NextInt64(-60_000, 10 * 3_600_000L);
            long maxt = mint + rng.NextInt64(0, 4 * 3_600_000L);
            long seek = mint + rng.NextInt64(-30_000, 600_000);
            var expected = written.Where(x => x.T >= Math.Max(mint, seek) && x.T <= maxt).ToList();
            using var q = db.Querier(mint, maxt);
            var set = q.Select(false, LabelMatcher.Equal("__name__", "walk"));
            Assert.True(set.Next());
            var it = set.Current.Iterator();
            var got = new List<(long T, double V)>();
            if (it.Seek(seek))
            {
                got.Add((it.Timestamp, it.Value));
                var ts = new long[rng.Next(1, 300)];
                var vs = new double[ts.Length];
                int n;
                while ((n = it.NextBatch(ts, vs)) > 0)
                {
                    for (int i = 0; i < n; i++) got.Add((ts[i], vs[i]));
                    if (rng.Next(4) == 0 && it.Next()) got.Add((it.Timestamp, it.Value)); // mixing Next in keeps the place
                }
            }
            Assert.Null(it.Error);
            Assert.Equal(expected.Select(x => (x.T, BitConverter.DoubleToInt64Bits(x.V))), got.Select(x => (x.T, BitConverter.DoubleToInt64Bits(x.V))));
        }
    }

    [Fact]
    public void SamplesFarApartEachInTheirOwnChunkAreAllFound()
    {
        // A gap longer than a chunk's span cuts a chunk per sample (promtool's long-period test: one sample per 100 days).
        using var dir = new TempDir();
        var labels = LabelSet.From(("__name__", "test"));
        using var db = TsdbDatabase.Open(Options(dir.Path) with { RetentionTime = TimeSpan.FromDays(365_000) });
        const long Day = 86_400_000;
        for (int i = 0; i < 6; i++)
        {
            var app = db.Appender();
            ulong r = 0;
            app.Append(ref r, labels, i * Day, i);
            app.Commit();
        }
        Assert.Equal([(0L, 0.0), (Day, 1), (2 * Day, 2), (3 * Day, 3), (4 * Day, 4), (5 * Day, 5)], ReadAll(db, [LabelMatcher.Equal("__name__", "test")]));
        var found = Enumerable.Range(0, 6).Select(i => string.Join(",", ReadAll(db, [LabelMatcher.Equal("__name__", "test")], i * Day - 300_000, i * Day))).ToList();
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"({i * Day}, {i})").ToList(), found);
    }

    [Fact]
    public void AppendsSurviveReopenAcrossChunksHeadAndWal()
    {
        using var dir = new TempDir();
        var labels = LabelSet.From(("__name__", "accuracy"), ("job", "model"));
        var other = LabelSet.From(("__name__", "accuracy"), ("job", "other"));
        using (var db = TsdbDatabase.Open(Options(dir.Path)))
        {
            for (int i = 0; i < 300; i++)
            {
                var app = db.Appender();
                ulong r1 = 0, r2 = 0;
                app.Append(ref r1, labels, Now - 300_000 + i * 1000, 0.5 + i * 0.001);
                app.Append(ref r2, other, Now - 300_000 + i * 1000, i);
                app.Commit();
                if (i == 150) db.Checkpoint();
            }
        } // dispose checkpoints
        using (var db = TsdbDatabase.Open(Options(dir.Path)))
        {
            var got = ReadAll(db, [LabelMatcher.Equal("job", "model")]);
            Assert.Equal(300, got.Count);
            Assert.Equal(0.5 + 299 * 0.001, got[^1].V);
            Assert.Equal(2, db.SeriesCount);
            var range = ReadAll(db, [LabelMatcher.Equal("__name__", "accuracy")], Now - 300_000 + 100_000, Now - 300_000 + 109_000);
            Assert.Equal(20, range.Count);
        }
    }

    [Fact]
    public void GroupsPendingChunksAndCrashReplayDoNotDuplicateOrLose()
    {
        using var dir = new TempDir();
        var opts = Options(dir.Path) with { SamplesPerChunk = 20, ChunksPerGroup = 3 };
        var labels = LabelSet.From(("__name__", "g"));
        var db = TsdbDatabase.Open(opts);
        using var crashed = new TempDir();
        for (int i = 0; i < 500; i++)
        {
            var app = db.Appender();
            ulong r = 0;
            app.Append(ref r, labels, Now - 500_000 + i * 1000, i * 0.25);
            app.Commit();
            if (i == 100) db.Checkpoint();
            if (i == 300)
                foreach (var f in Directory.GetFiles(dir.Path).Where(f => Path.GetFileName(f) != "lock"))
                    File.Copy(f, Path.Combine(crashed.Path, Path.GetFileName(f)));
        }
        db.Dispose();
        using (var reopened = TsdbDatabase.Open(opts))
        {
            var all = ReadAll(reopened, [LabelMatcher.Equal("__name__", "g")]);
            Assert.Equal(Enumerable.Range(0, 500).Select(i => i * 0.25), all.Select(x => x.V));
            var mid = ReadAll(reopened, [LabelMatcher.Equal("__name__", "g")], Now - 500_000 + 95_000, Now - 500_000 + 205_000);
            Assert.Equal(Enumerable.Range(95, 111).Select(i => i * 0.25), mid.Select(x => x.V));
        }
        // The copy taken mid-run replays its WAL over the checkpoint from i=100, rebuilding groups already written.
        using (var recovered = TsdbDatabase.Open(opts))
        {
            // (same dir again: reopening twice must be stable)
        }
        using var fromCrash = TsdbDatabase.Open(opts with { Directory = crashed.Path });
        var got = ReadAll(fromCrash, [LabelMatcher.Equal("__name__", "g")]);
        Assert.Equal(Enumerable.Range(0, 301).Select(i => i * 0.25), got.Select(x => x.V));
    }

    [Fact]
    public void WalReplayRecoversUncheckpointedSamples()
    {
        using var dir = new TempDir();
        var labels = LabelSet.From(("__name__", "x"));
        var db = TsdbDatabase.Open(Options(dir.Path));
        for (int i = 0; i < 50; i++)
        {
            var app = db.Appender();
            ulong r = 0;
            app.Append(ref r, labels, Now - 100_000 + i * 1000, i);
            app.Commit();
        }
        // Simulate a crash: copy the files while the database is open (no final checkpoint).
        using var crashed = new TempDir();
        foreach (var f in Directory.GetFiles(dir.Path).Where(f => Path.GetFileName(f) != "lock")) File.Copy(f, Path.Combine(crashed.Path, Path.GetFileName(f)));
        db.Dispose();
        using var reopened = TsdbDatabase.Open(Options(crashed.Path));
        Assert.Equal(50, ReadAll(reopened, [LabelMatcher.Equal("__name__", "x")]).Count);
    }

    [Fact]
    public void ForeignFileIsReportedByPathAndLeftUntouched()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "tsdb.sqlite");
        var junk = new byte[8192];
        new Random(9).NextBytes(junk);
        File.WriteAllBytes(path, junk);
        var ex = Assert.Throws<InvalidDataException>(() => TsdbDatabase.Open(Options(dir.Path)));
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Equal(junk, File.ReadAllBytes(path));
        // the lock was released: a second attempt reports the same problem, not "in use"
        Assert.Throws<InvalidDataException>(() => TsdbDatabase.Open(Options(dir.Path)));
    }

    [Fact]
    public void OutOfOrderAndDuplicatesAreRejectedAndCounted()
    {
        using var dir = new TempDir();
        using var db = TsdbDatabase.Open(Options(dir.Path));
        var labels = LabelSet.From(("__name__", "x"));
        var app = db.Appender();
        ulong r = 0;
        Assert.Equal(AppendStatus.Ok, app.Append(ref r, labels, Now, 1));
        app.Commit();
        app = db.Appender();
        Assert.Equal(AppendStatus.OutOfOrder, app.Append(ref r, labels, Now - 1000, 1));
        Assert.Equal(AppendStatus.DuplicateTimestamp, app.Append(ref r, labels, Now, 2));
        Assert.Equal(AppendStatus.Ok, app.Append(ref r, labels, Now, 1)); // identical: ignored
        Assert.Equal(AppendStatus.OutOfBounds, app.Append(ref r, labels, Now - (long)TimeSpan.FromDays(30).TotalMilliseconds, 1));
        app.Commit();
        Assert.Single(ReadAll(db, [LabelMatcher.Equal("__name__", "x")]));
    }

    [Fact]
    public void MatchersSelectTheRightSeries()
    {
        using var dir = new TempDir();
        using var db = TsdbDatabase.Open(Options(dir.Path));
        var app = db.Appender();
        foreach (var (job, inst) in new[] { ("api", "a:1"), ("api", "b:1"), ("db", "c:1") })
        {
            ulong r = 0;
            app.Append(ref r, LabelSet.From(("__name__", "up"), ("job", job), ("instance", inst)), Now, 1);
        }
        app.Commit();
        using var q = db.Querier(Now - 1000, Now + 1000);
        int Count(params LabelMatcher[] m) { var s = q.Select(false, m); int n = 0; while (s.Next()) n++; return n; }
        Assert.Equal(2, Count(LabelMatcher.Equal("job", "api")));
        Assert.Equal(1, Count(new LabelMatcher(LabelMatchType.NotEqual, "job", "api")));
        Assert.Equal(3, Count(new LabelMatcher(LabelMatchType.Regex, "instance", ".*:1")));
        Assert.Equal(1, Count(new LabelMatcher(LabelMatchType.Regex, "instance", "a.*"), LabelMatcher.Equal("__name__", "up")));
        Assert.Equal(2, Count(new LabelMatcher(LabelMatchType.NotRegex, "instance", "c.*")));
        Assert.Equal(0, Count(LabelMatcher.Equal("missing", "x")));
        Assert.Equal(3, Count(LabelMatcher.Equal("missing", "")));
        Assert.Equal(["__name__", "instance", "job"], q.LabelNames());
        Assert.Equal(["api", "db"], q.LabelValues("job"));
        Assert.Equal(["a:1", "b:1"], q.LabelValues("instance", LabelMatcher.Equal("job", "api")));
    }

    [Fact]
    public void SizeRetentionDeletesOldestGroupsFirst()
    {
        using var dir = new TempDir();
        var opts = Options(dir.Path) with { SamplesPerChunk = 30, ChunksPerGroup = 1, RetentionBytes = 1 };
        using var db = TsdbDatabase.Open(opts);
        var labels = Enumerable.Range(0, 50).Select(i => LabelSet.From(("__name__", "m"), ("i", i.ToString()))).ToArray();
        var refs = new ulong[labels.Length];
        var rng = new Random(5);
        for (int t = 0; t < 300; t++)
        {
            var app = db.Appender();
            for (int i = 0; i < labels.Length; i++) app.Append(ref refs[i], labels[i], Now - 3_000_000 + t * 10_000, rng.NextDouble());
            app.Commit();
        }
        var before = ReadAll(db, [LabelMatcher.Equal("__name__", "m")]);
        int deleted = db.ApplyRetention(Now);
        Assert.True(deleted > 0);
        var after = ReadAll(db, [LabelMatcher.Equal("__name__", "m")]);
        Assert.True(after.Count < before.Count);
        // what remains is the newest data: the in-memory head is never deleted by size
        Assert.Equal(before.Max(s => s.T), after.Max(s => s.T));
        Assert.True(after.Min(s => s.T) > before.Min(s => s.T));
    }

    [Fact]
    public void RetentionDropsOldChunksAndEmptyColdSeries()
    {
        using var dir = new TempDir();
        using var db = TsdbDatabase.Open(Options(dir.Path) with { RetentionTime = TimeSpan.FromHours(1), IdleSeriesMs = 0 });
        var old = LabelSet.From(("__name__", "old"));
        var fresh = LabelSet.From(("__name__", "fresh"));
        for (int i = 0; i < 130; i++)
        {
            var app = db.Appender();
            ulong a = 0, b = 0;
            app.Append(ref a, old, Now - 3_500_000 + i * 1000, i);
            app.Append(ref b, fresh, Now - 130_000 + i * 1000, i);
            app.Commit();
        }
        db.Checkpoint(); // both are idle at once here: their heads are written out and they leave the head
        Assert.Equal(0, db.SeriesCount);
        db.ApplyRetention(Now + 3_000_000);
        Assert.Empty(ReadAll(db, [LabelMatcher.Equal("__name__", "old")]));
        Assert.Equal(130, ReadAll(db, [LabelMatcher.Equal("__name__", "fresh")]).Count);
        using var q = db.Querier(long.MinValue, long.MaxValue);
        Assert.Equal(["fresh"], q.LabelValues("__name__"));
    }
}
