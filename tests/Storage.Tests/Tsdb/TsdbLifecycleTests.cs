using Microsoft.Data.Sqlite;
using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Storage.Tsdb;
using Mlobs.Tests.Support;

namespace Mlobs.Storage.Tests.Tsdb;

/// <summary>
/// The life of stored data beyond its first minutes: restarts, history imported long after the fact, series that
/// stop, leave the head and come back, retention by time and size racing appends, and files of schema version 1.
/// </summary>
public class TsdbLifecycleTests
{
    private static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000;
    private const long Hour = 3_600_000, Day = 24 * Hour;

    private static TsdbOptions Options(string dir) => new() { Directory = dir, RetentionTime = TimeSpan.FromDays(30) };

    private static List<(long T, double V)> Read(IQueryableStorage db, string metric, long mint = long.MinValue, long maxt = long.MaxValue)
    {
        using var q = db.Querier(mint, maxt);
        var set = q.Select(true, LabelMatcher.Equal("__name__", metric));
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

    private static List<(long T, double V)> ReadSeries(IQueryableStorage db, params LabelMatcher[] m)
    {
        using var q = db.Querier(long.MinValue, long.MaxValue);
        var set = q.Select(true, m);
        var result = new List<(long, double)>();
        while (set.Next())
        {
            var it = set.Current.Iterator();
            while (it.Next()) result.Add((it.Timestamp, it.Value));
        }
        return result;
    }

    private static int SeriesIn(IQueryableStorage db, long mint, long maxt, params LabelMatcher[] m)
    {
        using var q = db.Querier(mint, maxt);
        var set = q.Select(false, m);
        int n = 0;
        while (set.Next()) n++;
        return n;
    }

    private static void Write(IAppendable db, LabelSet labels, IEnumerable<(long T, double V)> samples, int perCommit = 1)
    {
        var app = db.Appender();
        ulong r = 0;
        int n = 0;
        foreach (var (t, v) in samples)
        {
            app.Append(ref r, labels, t, v);
            if (++n % perCommit == 0) { app.Commit(); app = db.Appender(); }
        }
        app.Commit();
    }

    private static IEnumerable<(long T, double V)> Every(long from, long to, long step, Func<long, double>? value = null)
    {
        for (long t = from; t <= to; t += step) yield return (t, value?.Invoke(t) ?? (t - from) / 1000.0);
    }

    [Theory]
    [InlineData(10 * Hour)]
    [InlineData(3 * Day)]
    [InlineData(14 * Day)]
    public void HistoryWhoseSamplesAreAllStoredIsAnsweredAfterReopen(long age)
    {
        // The issue's first report: an hour of samples imported `age` ago, then the store reopened. Every read path
        // decides from the bounds stored with the series, not from what the head happened to keep.
        using var dir = new TempDir();
        var old = LabelSet.From(("__name__", "old_metric"), ("job", "batch"));
        var samples = Every(Now - age, Now - age + Hour, 15_000).ToList();
        using (var db = TsdbDatabase.Open(Options(dir.Path)))
        {
            var app = db.BackfillAppender();
            ulong r = 0;
            foreach (var (t, v) in samples) app.Append(ref r, old, t, v);
            Assert.Equal(samples.Count, app.Commit().Appended);
        }
        using (var db = TsdbDatabase.Open(Options(dir.Path)))
        {
            Assert.Equal(samples, Read(db, "old_metric"));
            Assert.Equal(samples.Where(s => s.T >= Now - age + 600_000 && s.T <= Now - age + 1_200_000),
                Read(db, "old_metric", Now - age + 600_000, Now - age + 1_200_000));
            Assert.Equal(1, SeriesIn(db, Now - age - Hour, Now - age + 2 * Hour, LabelMatcher.Equal("job", "batch")));
            Assert.Equal(0, SeriesIn(db, Now - age + 2 * Hour, Now, LabelMatcher.Equal("job", "batch")));
            using var q = db.Querier(Now - age, Now - age + Hour);
            Assert.Equal(["__name__", "job"], q.LabelNames());
            Assert.Equal(["batch"], q.LabelValues("job"));
            Assert.Equal(["old_metric"], q.LabelValues("__name__", LabelMatcher.Equal("job", "batch")));
            // a sample older than the stored newest is out of order, as before the restart
            var app = db.Appender();
            ulong r = 0;
            Assert.Equal(AppendStatus.OutOfOrder, app.Append(ref r, old, Now - age + 1000, 1));
        }
    }

    [Fact]
    public void StoppedSeriesLeavesTheHeadStaysAnsweredAndComesBackAsTheSameSeries()
    {
        using var dir = new TempDir();
        var opts = Options(dir.Path) with { IdleSeriesMs = 60_000, StaleSeriesIdleMs = 0 };
        var gone = LabelSet.From(("__name__", "up"), ("instance", "old:9100"));
        var kept = LabelSet.From(("__name__", "up"), ("instance", "new:9100"));
        var history = Every(Now - 20 * 60_000, Now - 10 * 60_000, 15_000, _ => 1).ToList();
        using (var db = TsdbDatabase.Open(opts))
        {
            Write(db, gone, history.Append((Now - 10 * 60_000 + 15_000, StaleNaN.Value)));
            Write(db, kept, Every(Now - 20 * 60_000, Now, 15_000, _ => 1));
            db.Checkpoint(); // the stale-ended series leaves the head; the other is active
            Assert.Equal(1, db.SeriesCount);
            Assert.Equal(history.Count + 1, ReadSeries(db, LabelMatcher.Equal("instance", "old:9100")).Count);
            Assert.Equal(2, SeriesIn(db, Now - 15 * 60_000, Now - 14 * 60_000, LabelMatcher.Equal("__name__", "up")));
            Assert.Equal(1, SeriesIn(db, Now - 60_000, Now, LabelMatcher.Equal("__name__", "up")));
        }
        using (var db = TsdbDatabase.Open(opts))
        {
            Assert.Equal(1, db.SeriesCount); // the cold series is not loaded into memory
            using (var q = db.Querier(Now - 15 * 60_000, Now - 14 * 60_000))
                Assert.Equal(["new:9100", "old:9100"], q.LabelValues("instance"));
            var got = new List<(long, double)>();
            using (var q = db.Querier(long.MinValue, long.MaxValue))
            {
                var set = q.Select(true, LabelMatcher.Equal("instance", "old:9100"));
                Assert.True(set.Next());
                var it = set.Current.Iterator();
                while (it.Next()) got.Add((it.Timestamp, it.Value));
                Assert.False(set.Next());
            }
            Assert.Equal(history, got.Take(history.Count));
            Assert.True(StaleNaN.Is(got[^1].Item2));
            // The target returns: the same series (no second row), continuing after its stored samples.
            var app = db.Appender();
            ulong r = 0;
            Assert.Equal(AppendStatus.OutOfOrder, app.Append(ref r, gone, Now - 15 * 60_000, 1));
            Assert.Equal(AppendStatus.Ok, app.Append(ref r, gone, Now, 2));
            app.Commit();
            Assert.Equal(2, db.SeriesCount);
            Assert.Equal(2, SeriesIn(db, long.MinValue, long.MaxValue, LabelMatcher.Equal("__name__", "up")));
        }
        using (var db = TsdbDatabase.Open(opts))
        {
            Assert.Equal(history.Count + 2, ReadSeries(db, LabelMatcher.Equal("instance", "old:9100")).Count);
            using var conn = new SqliteConnection($"Data Source={Path.Combine(dir.Path, "tsdb.sqlite")};Mode=ReadOnly;Pooling=false");
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM series";
            Assert.Equal(2L, cmd.ExecuteScalar());
        }
    }

    [Fact]
    public void HeadGcAndRetentionNeverTakeASeriesAnAppenderHolds()
    {
        // The 80k-gauge report: retention ran while a scrape's batch held new series, removed them, and the commit
        // wrote samples for a series that was gone (and later a second row for the same labels).
        using var dir = new TempDir();
        var opts = Options(dir.Path) with { IdleSeriesMs = 0, StaleSeriesIdleMs = 0 };
        using var db = TsdbDatabase.Open(opts);
        var labels = Enumerable.Range(0, 200).Select(i => LabelSet.From(("__name__", "g"), ("i", i.ToString()))).ToArray();
        var refs = new ulong[labels.Length];
        for (int round = 0; round < 5; round++)
        {
            var app = db.Appender();
            for (int i = 0; i < labels.Length; i++) Assert.Equal(AppendStatus.Ok, app.Append(ref refs[i], labels[i], Now - 5000 + round * 1000, round));
            // between append and commit: head GC and both kinds of retention run
            db.Checkpoint();
            db.ApplyRetention(Now);
            Assert.Equal(labels.Length, app.Commit().Appended);
            db.Checkpoint(); // everything is idle at once (IdleSeriesMs = 0): all leave the head after each round
        }
        var all = Read(db, "g");
        Assert.Equal(labels.Length * 5, all.Count);
        Assert.Equal(labels.Length, SeriesIn(db, long.MinValue, long.MaxValue, LabelMatcher.Equal("__name__", "g")));
        using var conn = new SqliteConnection($"Data Source={Path.Combine(dir.Path, "tsdb.sqlite")};Mode=ReadOnly;Pooling=false");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT count(*), count(DISTINCT labels) FROM series";
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal(r.GetInt64(1), r.GetInt64(0));
        Assert.Equal(labels.Length, r.GetInt64(0));
    }

    [Fact]
    public void AnOverlappingSecondImportIsMergedNotDropped()
    {
        // f1: now-3h..now-2h; f2: now-3h..now-1h plus the last five minutes (a store that lost data kept 258 of 497).
        using var dir = new TempDir();
        var m = LabelSet.From(("__name__", "m"));
        var f1 = Every(Now - 3 * Hour, Now - 2 * Hour, 30_000).ToList();
        var f2 = Every(Now - 3 * Hour, Now - Hour, 30_000).Concat(Every(Now - 300_000, Now, 30_000)).ToList();
        foreach (long shift in new long[] { 0, 7_000 })
        {
            using var sub = new TempDir();
            using (var db = TsdbDatabase.Open(Options(sub.Path)))
            {
                var app = db.BackfillAppender();
                ulong r = 0;
                foreach (var (t, v) in f1) app.Append(ref r, m, t, v);
                app.Commit();
            }
            var second = f2.Select(s => (T: s.T + shift, s.V)).ToList();
            CommitResult result;
            using (var db = TsdbDatabase.Open(Options(sub.Path)))
            {
                var app = db.BackfillAppender();
                ulong r = 0;
                foreach (var (t, v) in second) app.Append(ref r, m, t, v);
                result = app.Commit();
            }
            var expected = f1.Concat(second).GroupBy(s => s.T).Select(g => g.First()).OrderBy(s => s.T).ToList();
            using (var db = TsdbDatabase.Open(Options(sub.Path)))
            {
                var got = Read(db, "m");
                Assert.Equal(expected, got);
                Assert.Equal(expected.Count - f1.Count, result.Appended);
                // values differ where both files hold a timestamp only when shifted by 0 (same series, same values)
                Assert.Equal(0, result.Duplicate);
            }
        }
    }

    [Fact]
    public void BackfillIntoTheHeadsRangeAndConflictingValuesAreHandled()
    {
        using var dir = new TempDir();
        var m = LabelSet.From(("__name__", "m"));
        using var db = TsdbDatabase.Open(Options(dir.Path));
        Write(db, m, Every(Now - 600_000, Now, 10_000, t => 1)); // in the head (open chunk and pending)
        var app = db.BackfillAppender();
        ulong r = 0;
        // between the head's samples, on one of them with another value, and far before
        app.Append(ref r, m, Now - 595_000, 2);
        app.Append(ref r, m, Now - 300_000, 9);
        app.Append(ref r, m, Now - 5 * Hour, 3);
        app.Append(ref r, m, Now + 10_000, 4);
        var result = app.Commit();
        Assert.Equal(3, result.Appended);
        Assert.Equal(1, result.Duplicate);
        var got = Read(db, "m");
        Assert.Equal(got.OrderBy(s => s.T).ToList(), got);
        Assert.Equal(61 + 3, got.Count);
        Assert.Contains((Now - 595_000, 2.0), got);
        Assert.Contains((Now - 300_000, 1.0), got);
        Assert.Equal((Now + 10_000, 4.0), got[^1]);
        // and a scrape continues after the newest
        Write(db, m, [(Now + 20_000, 5)]);
        Assert.Equal(65, Read(db, "m").Count);
    }

    [Fact]
    public void SizeRetentionDeletesOldestGroupsUntilTheFilesFitAndIgnoresFutureSamples()
    {
        foreach (bool futureSample in new[] { false, true })
        {
            using var dir = new TempDir();
            var labels = Enumerable.Range(0, 300).Select(i => LabelSet.From(("__name__", "m"), ("i", i.ToString()))).ToArray();
            long start = Now - 10 * Hour;
            using (var db = TsdbDatabase.Open(Options(dir.Path)))
            {
                var app = db.BackfillAppender();
                var refs = new ulong[labels.Length];
                var rng = new Random(5);
                for (long t = start; t < Now; t += 15_000)
                    for (int i = 0; i < labels.Length; i++) app.Append(ref refs[i], labels[i], t, rng.Next(1000) / 10.0);
                if (futureSample) app.Append(ref refs[0], labels[0], Now + 30 * Day, 1);
                app.Commit();
            }
            long full;
            using (var db = TsdbDatabase.Open(Options(dir.Path) with { IdleSeriesMs = 0 }))
            {
                db.Checkpoint(); // everything into the chunks table
                full = UsedBytes(dir.Path);
            }
            long limit = full * 80 / 100;
            using (var db = TsdbDatabase.Open(Options(dir.Path) with { RetentionBytes = limit }))
            {
                var before = Read(db, "m").Count;
                db.ApplyRetention(Now);
                long after = UsedBytes(dir.Path);
                Assert.True(after <= limit, $"{after} bytes left over a limit of {limit} (full {full})");
                var left = Read(db, "m");
                double kept = (double)left.Count / before;
                // ~80% of the bytes is ~80% of the samples: not a few percent (the future sample inflated the
                // old step), not everything (a step shorter than a group deleted nothing)
                Assert.InRange(kept, 0.6, 0.85);
                // oldest first: what is left is the newest data of every series
                Assert.True(left.Min(s => s.T) > start + Hour);
                Assert.Equal(labels.Length, SeriesIn(db, Now - Hour, Now, LabelMatcher.Equal("__name__", "m")));
            }
        }
    }

    private static long UsedBytes(string dir)
    {
        using var conn = new SqliteConnection($"Data Source={Path.Combine(dir, "tsdb.sqlite")};Pooling=false");
        conn.Open();
        long Scalar(string sql) { using var c = conn.CreateCommand(); c.CommandText = sql; return (long)c.ExecuteScalar()!; }
        Scalar("PRAGMA wal_checkpoint(TRUNCATE)");
        return (Scalar("PRAGMA page_count") - Scalar("PRAGMA freelist_count")) * Scalar("PRAGMA page_size");
    }

    [Fact]
    public void EqualTimestampAfterRestartIsJudgedAgainstTheStoredValue()
    {
        using var dir = new TempDir();
        var m = LabelSet.From(("__name__", "m"));
        using (var db = TsdbDatabase.Open(Options(dir.Path) with { IdleSeriesMs = 0 }))
        {
            Write(db, m, Every(Now - 600_000, Now - 300_000, 10_000, _ => 7));
            db.Checkpoint();
        }
        using (var db = TsdbDatabase.Open(Options(dir.Path)))
        {
            var app = db.Appender();
            ulong r = 0;
            app.Append(ref r, m, Now - 300_000, 7); // the stored sample again: accepted, not stored twice
            app.Append(ref r, m, Now - 300_000, 8); // another value at its timestamp: a duplicate
            var result = app.Commit();
            Assert.Equal(0, result.Appended);
            Assert.Equal(1, result.Duplicate);
            Assert.Equal(31, Read(db, "m").Count);
        }
    }

    [Fact]
    public void CrashAfterGroupsWereWrittenPastTheSnapshotNeitherLosesNorDuplicates()
    {
        using var dir = new TempDir();
        var opts = Options(dir.Path) with { SamplesPerChunk = 10, ChunksPerGroup = 2 };
        var m = LabelSet.From(("__name__", "m"));
        var db = TsdbDatabase.Open(opts);
        var written = new List<(long, double)>();
        var copies = new List<TempDir>();
        for (int i = 0; i < 200; i++)
        {
            long t = Now - 200_000 + i * 1000;
            Write(db, m, [(t, i)]);
            written.Add((t, i));
            if (i == 15) db.Checkpoint();
            if (i % 17 == 0)
            {
                var copy = new TempDir();
                foreach (var f in Directory.GetFiles(dir.Path).Where(f => Path.GetFileName(f) != "lock"))
                    File.Copy(f, Path.Combine(copy.Path, Path.GetFileName(f)));
                copies.Add(copy);
            }
        }
        db.Dispose();
        for (int c = 0; c < copies.Count; c++)
        {
            int upTo = c * 17;
            using (var recovered = TsdbDatabase.Open(opts with { Directory = copies[c].Path }))
            {
                Assert.Equal(written.Take(upTo + 1), Read(recovered, "m"));
                Write(recovered, m, [(Now + 1000, -1)]);
            }
            using (var again = TsdbDatabase.Open(opts with { Directory = copies[c].Path }))
                Assert.Equal(written.Take(upTo + 1).Append((Now + 1000, -1.0)), Read(again, "m"));
            copies[c].Dispose();
        }
    }

    [Fact]
    public void VersionOneFileWithDuplicateSeriesIsMigratedAndJoined()
    {
        using var dir = new TempDir();
        var m = LabelSet.From(("__name__", "m"), ("job", "a"));
        var other = LabelSet.From(("__name__", "m"), ("job", "b"));
        using (var db = TsdbDatabase.Open(Options(dir.Path) with { IdleSeriesMs = 0 }))
        {
            Write(db, m, Every(Now - 3 * Hour, Now - 2 * Hour, 60_000, _ => 1));
            Write(db, other, Every(Now - 3 * Hour, Now - 2 * Hour, 60_000, _ => 5));
            db.Checkpoint();
        }
        // What version 1 could leave behind: a second row for m's labels holding later samples (some of them on
        // the same timestamps), no bounds, no cold index.
        using (var conn = new SqliteConnection($"Data Source={Path.Combine(dir.Path, "tsdb.sqlite")};Pooling=false"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = """
                DROP INDEX series_by_labels;
                INSERT INTO series(id, labels) SELECT 100, labels FROM series WHERE id = 1; DROP TABLE cold_postings;
                UPDATE series SET cold = 0;
                ALTER TABLE series DROP COLUMN min_time; ALTER TABLE series DROP COLUMN max_time; ALTER TABLE series DROP COLUMN cold;
                UPDATE meta SET value = '1' WHERE key = 'schema_version';
                """;
            cmd.ExecuteNonQuery();
        }
        // the second row's samples: an hour later, plus the first row's last sample again
        using (var conn = new SqliteConnection($"Data Source={Path.Combine(dir.Path, "tsdb.sqlite")};Pooling=false"))
        {
            conn.Open();
            var group = new Mlobs.Storage.Tsdb.Chunks.GroupBuilder(Options(dir.Path));
            var ts = Every(Now - 2 * Hour, Now - Hour, 60_000).Select(s => s.T).ToArray();
            var built = group.Build(ts, ts.Select(_ => 2.0).ToArray());
            foreach (var g in built)
            {
                using var cmd = conn.CreateCommand();
                cmd.CommandText = "INSERT INTO chunks(series_id, min_time, max_time, data) VALUES(100, $a, $b, $c)";
                cmd.Parameters.AddWithValue("$a", g.MinTime);
                cmd.Parameters.AddWithValue("$b", g.MaxTime);
                cmd.Parameters.AddWithValue("$c", g.Data);
                cmd.ExecuteNonQuery();
            }
            // version 1 numbered chunk rows 1, 2, 3...
            using var renumber = conn.CreateCommand();
            renumber.CommandText = "UPDATE chunks SET id = id - (SELECT MIN(id) FROM chunks) + 1";
            renumber.ExecuteNonQuery();
        }
        using (var db = TsdbDatabase.Open(Options(dir.Path)))
        {
            // re-keyed by the hours they end in: retention does not take version 1's rows for 1970's
            Assert.Equal(0, db.ApplyRetention(Now));
            using var q = db.Querier(long.MinValue, long.MaxValue);
            var set = q.Select(true, LabelMatcher.Equal("__name__", "m"));
            var series = new List<(LabelSet, List<(long, double)>)>();
            while (set.Next())
            {
                var it = set.Current.Iterator();
                var samples = new List<(long, double)>();
                while (it.Next()) samples.Add((it.Timestamp, it.Value));
                series.Add((set.Current.Labels, samples));
            }
            Assert.Equal(2, series.Count);
            var joined = series.Single(s => s.Item1.Equals(m)).Item2;
            // the first row's hour, then the duplicate's hour; at the shared timestamp the first row's value stays
            Assert.Equal(121, joined.Count);
            Assert.Equal((Now - 2 * Hour, 1.0), joined[60]);
            Assert.Equal((Now - Hour, 2.0), joined[^1]);
            Assert.Equal(61, series.Single(s => s.Item1.Equals(other)).Item2.Count);
        }
        using (var conn = new SqliteConnection($"Data Source={Path.Combine(dir.Path, "tsdb.sqlite")};Mode=ReadOnly;Pooling=false"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT (SELECT value FROM meta WHERE key='schema_version'), (SELECT count(*) FROM series), (SELECT count(*) FROM chunks WHERE series_id = 100)";
            using var r = cmd.ExecuteReader();
            Assert.True(r.Read());
            Assert.Equal("2", r.GetString(0));
            Assert.Equal(2, r.GetInt64(1));
            Assert.Equal(0, r.GetInt64(2));
        }
    }
}

/// <summary>Head GC by wall clock: a series leaves after head_series_idle without samples, a slow one after four of its intervals.</summary>
public class HeadGcTimingTests
{
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void ASeriesWithSamplesEveryTenMinutesStaysInTheHeadForFourOfThem()
    {
        using var dir = new TempDir();
        var start = DateTimeOffset.UtcNow.AddHours(-3);
        var clock = new ManualClock(start);
        using var db = TsdbDatabase.Open(new TsdbOptions { Directory = dir.Path, IdleSeriesMs = 30 * 60_000, Clock = clock });
        var slow = LabelSet.From(("__name__", "dbt_source_freshness"));
        var fast = LabelSet.From(("__name__", "up"));
        ulong rs = 0, rf = 0;
        for (int minute = 0; minute <= 30; minute++)
        {
            clock.Now = start.AddMinutes(minute);
            var app = db.Appender();
            if (minute % 10 == 0) app.Append(ref rs, slow, clock.Now.ToUnixTimeMilliseconds(), minute);
            app.Append(ref rf, fast, clock.Now.ToUnixTimeMilliseconds(), 1);
            app.Commit();
        }
        // 35 minutes after the last samples: past head_series_idle for the fast one, within 4 × 10 min for the slow one
        clock.Now = start.AddMinutes(65);
        db.Checkpoint();
        Assert.Equal(1, db.SeriesCount);
        using (var q = db.Querier(long.MinValue, long.MaxValue)) Assert.Equal(["dbt_source_freshness", "up"], q.LabelValues("__name__"));
        clock.Now = start.AddMinutes(71);
        db.Checkpoint();
        Assert.Equal(0, db.SeriesCount);
        using var q2 = db.Querier(long.MinValue, long.MaxValue);
        var set = q2.Select(false, LabelMatcher.Equal("__name__", "dbt_source_freshness"));
        Assert.True(set.Next());
        var it = set.Current.Iterator();
        int n = 0;
        while (it.Next()) n++;
        Assert.Equal(4, n);
    }
}
