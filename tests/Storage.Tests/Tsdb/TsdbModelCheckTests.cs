using System.Text;
using Microsoft.Data.Sqlite;
using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Storage.Tsdb;
using Mlobs.Tests.Support;
using Xunit.Abstractions;

namespace Mlobs.Storage.Tests.Tsdb;

/// <summary>
/// A randomized model check of the store's life: random series histories — scrapes with gaps, stops and staleness
/// markers, rejected samples, imports overlapping what is stored, head GC, clean restarts, crashes (the files copied
/// mid-run and opened), retention by time and by size — applied both to the TSDB and to a trivial in-memory model.
/// After every restart and at random points the same raw reads, label queries and PromQL instant and range queries
/// must give the same answers on both.
/// </summary>
public class TsdbModelCheckTests(ITestOutputHelper output)
{
    private const long Minute = 60_000, Hour = 60 * Minute, Day = 24 * Hour;

    /// <summary>Six seeds of 400 operations; MLOBS_MODEL_CHECK_SEEDS=N runs N seeds of 1000 instead (a longer local run).</summary>
    public static IEnumerable<object[]> Seeds() =>
        int.TryParse(Environment.GetEnvironmentVariable("MLOBS_MODEL_CHECK_SEEDS"), out int n)
            ? Enumerable.Range(100, n).Select(seed => new object[] { seed, 1000 })
            : Enumerable.Range(1, 6).Select(seed => new object[] { seed, 400 });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void StoreAnswersAsTheModelThroughRestartsImportsRetentionAndCrashes(int seed, int steps) => new Run(seed, output).Execute(steps);

    private sealed class Run(int seed, ITestOutputHelper output)
    {
        private readonly Random _rng = new(seed);
        private readonly Model _model = new();
        private readonly List<TempDir> _dirs = [];
        private readonly StringBuilder _log = new();
        private TsdbDatabase _db = null!;
        private TsdbOptions _options = null!;
        // Scrapes happen at `_clock`, which walks forward from two days ago; imports reach ten days back.
        private long _clock;
        private readonly long _start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000 - 2 * Day;
        private readonly LabelSet[] _series = BuildSeries();
        private readonly ulong[] _refs = new ulong[36];
        private readonly bool[] _active = new bool[36];

        private static LabelSet[] BuildSeries()
        {
            var list = new List<LabelSet>();
            foreach (var name in new[] { "m", "n" })
                foreach (var job in new[] { "a", "b", "c" })
                    for (int i = 0; i < 6; i++)
                        list.Add(LabelSet.From(("__name__", name), ("job", job), ("instance", "i" + i)));
            return list.ToArray();
        }

        public void Execute(int steps)
        {
            _clock = _start;
            Open(NewDir());
            for (int i = 0; i < _active.Length; i++) _active[i] = _rng.Next(3) > 0;
            try
            {
                for (int step = 0; step < steps; step++)
                {
                    int op = _rng.Next(100);
                    if (op < 55) Scrape();
                    else if (op < 63) Import();
                    else if (op < 67) ToggleSeries();
                    else if (op < 70) Reload();
                    else if (op < 76) { Log("checkpoint"); _db.Checkpoint(); }
                    else if (op < 82) Restart();
                    else if (op < 86) Crash();
                    else if (op < 89) TimeRetention();
                    else if (op < 91) SizeRetention();
                    else Compare("random point");
                }
                Restart();
            }
            catch
            {
                output.WriteLine($"seed {seed}, operations:\n{_log}");
                throw;
            }
            finally
            {
                _db.Dispose();
                foreach (var d in _dirs) d.Dispose();
            }
        }

        private void Log(string s) => _log.AppendLine(s);

        private string NewDir()
        {
            var d = new TempDir();
            _dirs.Add(d);
            return d.Path;
        }

        private void Open(string dir, long retentionBytes = 0)
        {
            // Head GC either takes every idle series at each checkpoint or never: both paths get exercised.
            _options = new TsdbOptions
            {
                Directory = dir,
                RetentionTime = TimeSpan.FromDays(30),
                RetentionBytes = retentionBytes,
                SamplesPerChunk = 4 + _rng.Next(20),
                ChunksPerGroup = 1 + _rng.Next(4),
                MaxChunkSpanMs = (1 + _rng.Next(4)) * Hour,
                MaxGroupSpanMs = 6 * Hour,
                IdleSeriesMs = _rng.Next(2) == 0 ? 0 : 30 * Minute,
                StaleSeriesIdleMs = 0,
            };
            _db = TsdbDatabase.Open(_options);
            Array.Clear(_refs);
        }

        private void Scrape()
        {
            _clock += 15_000 * (1 + _rng.Next(3)) + (_rng.Next(4) == 0 ? _rng.Next(2) * 2 * Hour : 0);
            var app = _db.Appender();
            var model = new List<(int I, long T, double V)>();
            int rejectedEarly = 0; // an appender rejects what it can tell at once; the commit the rest
            for (int i = 0; i < _series.Length; i++)
            {
                if (!_active[i]) continue;
                long t = _clock;
                double v = Math.Round(_rng.NextDouble() * 100, _rng.Next(4));
                int kind = _rng.Next(40);
                if (kind == 0) t -= 15_000 * (1 + _rng.Next(3)); // out of order
                else if (kind == 1 && _model.Last(_series[i]) is { } last) { t = last.T; v = _rng.Next(2) == 0 ? last.V : v + 1; } // repeat
                if (app.Append(ref _refs[i], _series[i], t, v) != AppendStatus.Ok) rejectedEarly++;
                model.Add((i, t, v));
            }
            var result = app.Commit();
            int accepted = 0, rejected = 0;
            foreach (var (i, t, v) in model)
            {
                switch (_model.Append(_series[i], t, v))
                {
                    case true: accepted++; break;
                    case false: rejected++; break;
                }
            }
            Log($"scrape at {_clock - _start}: {accepted} stored, {rejected} rejected");
            Assert.Equal(accepted, result.Appended);
            Assert.Equal(rejected, rejectedEarly + result.OutOfOrder + result.Duplicate);
        }

        private void Import()
        {
            var app = _db.BackfillAppender();
            var batch = new List<(int I, long T, double V)>();
            int n = 1 + _rng.Next(4);
            for (int k = 0; k < n; k++)
            {
                int i = _rng.Next(_series.Length);
                long from = _start - 10 * Day + (long)(_rng.NextDouble() * (_clock - _start + 10 * Day));
                long step = (1 + _rng.Next(8)) * 15_000;
                int count = 1 + _rng.Next(300);
                for (int j = 0; j < count; j++)
                {
                    long t = from + j * step;
                    if (t > _clock) break;
                    double v = _rng.Next(3) == 0 && _model.At(_series[i], t) is { } stored ? stored : Math.Round(_rng.NextDouble() * 10, 2);
                    batch.Add((i, t, v));
                }
            }
            // imports may come in any order
            var arrival = batch.OrderBy(_ => _rng.Next()).ToList();
            foreach (var (i, t, v) in arrival) app.Append(ref _refs[i], _series[i], t, v);
            var result = app.Commit();
            // Of two samples at one timestamp in a batch the first to arrive is kept; a timestamp the series already
            // has keeps its stored value. What the store reports stored must be exactly what the model adds.
            var first = new Dictionary<(int I, long T), double>();
            foreach (var (i, t, v) in arrival) first.TryAdd((i, t), v);
            int added = 0;
            foreach (var ((i, t), v) in first)
            {
                if (_model.At(_series[i], t) is not null) continue;
                _model.Set(_series[i], t, v);
                added++;
            }
            Log($"import of {batch.Count} samples: {added} new; " + string.Join(", ", batch.GroupBy(b => b.I).Select(g => $"{_series[g.Key]} {g.Min(b => b.T) - _start}..{g.Max(b => b.T) - _start}")));
            Assert.Equal(added, result.Appended);
        }

        private void ToggleSeries()
        {
            int i = _rng.Next(_series.Length);
            _active[i] = !_active[i];
            if (_active[i]) { Log($"series {i} starts"); return; }
            // a series that stops gets a staleness marker, as the scraper writes one
            _clock += 1000;
            var app = _db.Appender();
            app.Append(ref _refs[i], _series[i], _clock, StaleNaN.Value);
            app.Commit();
            _model.Append(_series[i], _clock, StaleNaN.Value);
            Log($"series {i} stops at {_clock - _start}");
        }

        /// <summary>
        /// A config reload as the scraper applies it: the old loops stop, new ones take over some of their series and
        /// scrape once, then the old loops' staleness markers arrive for the time their next scrape would have been.
        /// Series a new loop scraped reject them (out of order); the others end.
        /// </summary>
        private void Reload()
        {
            long staleTime = _clock + 15_000;
            _clock += 20_000;
            var moved = Enumerable.Range(0, _series.Length).Where(i => _active[i]).ToList();
            var app = _db.Appender();
            var continued = new List<int>();
            foreach (int i in moved)
            {
                if (_rng.Next(3) == 0) { _active[i] = false; continue; }
                continued.Add(i);
                app.Append(ref _refs[i], _series[i], _clock, 1);
            }
            app.Commit();
            foreach (int i in continued) Assert.True(_model.Append(_series[i], _clock, 1));
            app = _db.Appender();
            int rejected = 0;
            foreach (int i in moved)
                if (app.Append(ref _refs[i], _series[i], staleTime, StaleNaN.Value) != AppendStatus.Ok) rejected++;
            var result = app.Commit();
            int expectedRejected = 0;
            foreach (int i in moved) if (_model.Append(_series[i], staleTime, StaleNaN.Value) == false) expectedRejected++;
            Assert.Equal(expectedRejected, rejected + result.OutOfOrder + result.Duplicate);
            Assert.Equal(continued.Count, expectedRejected);
            Log($"reload: {continued.Count} series continued, {moved.Count - continued.Count} ended");
        }

        private void Restart()
        {
            Log("restart");
            var dir = _options.Directory;
            _db.Dispose();
            Open(dir);
            Compare("after restart");
        }

        private void Crash()
        {
            Log("crash");
            Compare("before crash");
            var copy = NewDir();
            foreach (var f in Directory.GetFiles(_options.Directory).Where(f => Path.GetFileName(f) != "lock"))
                File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
            _db.Dispose(); // the original is left behind; the copy is what a kill -9 would have left
            Open(copy);
            Compare("after crash");
        }

        private void TimeRetention()
        {
            // retention measured from a "now" that puts the cutoff inside the imported history
            long cutoff = _start - (long)(_rng.NextDouble() * 8 * Day);
            long now = cutoff + (long)_options.RetentionTime.TotalMilliseconds;
            Log($"time retention, cutoff {cutoff - _start}");
            _db.ApplyRetention(now);
            SyncAfterDeletion(cutoff);
        }

        private void SizeRetention()
        {
            var dir = _options.Directory;
            _db.Dispose();
            long used = UsedBytes(dir);
            long limit = used * (50 + _rng.Next(45)) / 100;
            Log($"size retention to {limit} of {used} bytes");
            Open(dir, limit);
            _db.ApplyRetention(_clock);
            long after = UsedBytes(dir);
            if (after > limit)
            {
                // only the head's own chunks may keep the files over the limit
                using var conn = Connect(dir);
                Assert.Equal(0L, Scalar(conn, "SELECT count(*) FROM chunks"));
            }
            SyncAfterDeletion(long.MaxValue);
            var dirNow = _options.Directory;
            _db.Dispose();
            Open(dirNow);
        }

        /// <summary>
        /// Retention deletes whole groups: what is gone must have been older than the cutoff and, per series, a prefix
        /// of its history (oldest first); nothing may appear that was not written. The model then takes what is left.
        /// </summary>
        private void SyncAfterDeletion(long cutoff)
        {
            foreach (var labels in _series)
            {
                var modelSamples = _model.Samples(labels);
                var stored = ReadSeries(labels);
                int missing = modelSamples.Count - stored.Count;
                Assert.True(missing >= 0, $"{labels}: store has samples the model lacks");
                var prefix = modelSamples.Take(missing).ToList();
                Assert.Equal(modelSamples.Skip(missing).Select(Bits), stored.Select(Bits));
                Assert.All(prefix, p => Assert.True(p.T < cutoff, $"{labels} lost @{p.T}, after the cutoff {cutoff}"));
                foreach (var p in prefix) _model.Remove(labels, p.T);
            }
            Compare("after retention");
        }

        private static (long, long) Bits((long T, double V) s) => (s.T, BitConverter.DoubleToInt64Bits(s.V));

        private List<(long T, double V)> ReadSeries(LabelSet labels)
        {
            using var q = _db.Querier(long.MinValue, long.MaxValue);
            var set = q.Select(false, labels.AsSpan().ToArray().Select(l => LabelMatcher.Equal(l.Name, l.Value)).ToArray());
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

        private static SqliteConnection Connect(string dir)
        {
            var conn = new SqliteConnection($"Data Source={Path.Combine(dir, "tsdb.sqlite")};Pooling=false");
            conn.Open();
            return conn;
        }

        private static long Scalar(SqliteConnection conn, string sql)
        {
            using var c = conn.CreateCommand();
            c.CommandText = sql;
            return Convert.ToInt64(c.ExecuteScalar());
        }

        private static long UsedBytes(string dir)
        {
            using var conn = Connect(dir);
            Scalar(conn, "PRAGMA wal_checkpoint(TRUNCATE)");
            return (Scalar(conn, "PRAGMA page_count") - Scalar(conn, "PRAGMA freelist_count")) * Scalar(conn, "PRAGMA page_size");
        }

        private static readonly string[] Queries =
        [
            "m", "n{job=\"a\"}", "count_over_time(m[10m])", "rate(n[5m])", "last_over_time(m{instance=~\"i[0-2]\"}[1h])",
            "sum by (job) (m)", "timestamp(n)", "{__name__=~\"m|n\", job!=\"b\"}", "max by (job) ({__name__=~\"m|n\"})", "count(m) + count(n)",
        ];

        private void Compare(string when)
        {
            var modelEngine = new QueryEngine(_model);
            var storeEngine = new QueryEngine(_db);
            long lo = _start - 10 * Day, hi = _clock + Hour;
            for (int k = 0; k < 6; k++)
            {
                long mint = lo + (long)(_rng.NextDouble() * (hi - lo));
                long maxt = mint + (long)(_rng.NextDouble() * (_rng.Next(2) == 0 ? 6 * Hour : 4 * Day));
                var context = $"{when}, window {mint - _start}..{maxt - _start}";
                CompareRaw(mint, maxt, context);
                CompareLabels(mint, maxt, context);
                var query = Queries[_rng.Next(Queries.Length)];
                Same($"{context}: {query} at {maxt - _start}", Render(modelEngine.Instant(query, maxt)), Render(storeEngine.Instant(query, maxt)));
                long step = Math.Max(15_000, (maxt - mint) / 50 / 1000 * 1000);
                Same($"{context}: {query} step {step}", Render(modelEngine.Range(query, mint, maxt, step)), Render(storeEngine.Range(query, mint, maxt, step)));
            }
        }

        private static void Same(string what, string expected, string got)
        {
            if (expected != got) Assert.Fail($"{what}\nmodel:\n{expected}\nstore:\n{got}");
        }

        private void CompareRaw(long mint, long maxt, string context)
        {
            string Read(IQueryableStorage s)
            {
                using var q = s.Querier(mint, maxt);
                var set = q.Select(true, new LabelMatcher(LabelMatchType.Regex, "__name__", ".+"));
                var sb = new StringBuilder();
                while (set.Next())
                {
                    var it = set.Current.Iterator();
                    var line = new StringBuilder();
                    while (it.Next()) line.Append(it.Timestamp).Append('=').Append(BitConverter.DoubleToInt64Bits(it.Value)).Append(' ');
                    if (line.Length > 0) sb.Append(set.Current.Labels).Append(": ").Append(line).AppendLine();
                }
                return sb.ToString();
            }
            var expected = Read(_model);
            var got = Read(_db);
            if (expected != got) Assert.Fail($"{context}: raw samples differ\nmodel:\n{expected}\nstore:\n{got}");
        }

        private void CompareLabels(long mint, long maxt, string context)
        {
            using var mq = _model.Querier(mint, maxt);
            using var sq = _db.Querier(mint, maxt);
            Assert.Equal(mq.LabelNames(), sq.LabelNames());
            Assert.Equal(mq.LabelValues("instance"), sq.LabelValues("instance"));
            var job = LabelMatcher.Equal("job", "c");
            Assert.Equal(mq.LabelValues("instance", job), sq.LabelValues("instance", job));
            var re = new LabelMatcher(LabelMatchType.Regex, "instance", "i[1-4]");
            Assert.Equal(mq.SeriesLabels(re).Select(l => l.ToString()), sq.SeriesLabels(re).Select(l => l.ToString()));
            var n = LabelMatcher.Equal("__name__", "n");
            Assert.Equal(mq.SeriesLabels(n).Select(l => l.ToString()), sq.SeriesLabels(n).Select(l => l.ToString()));
        }

        private static string Render(QueryResult r) => r.Value switch
        {
            // an instant vector's order is not defined (Prometheus's API leaves it to the client)
            VectorValue v => string.Join("\n", v.Samples.Select(s => $"{s.Metric} {s.T} {BitConverter.DoubleToInt64Bits(s.F)}").Order(StringComparer.Ordinal)),
            MatrixValue m => string.Join("\n", m.Series.Select(s => $"{s.Metric} " + string.Join(",", s.Points.Select(p => $"{p.T}:{BitConverter.DoubleToInt64Bits(p.F)}")))),
            ScalarValue s => $"{s.T} {s.F}",
            _ => r.Value.ToString()!,
        };
    }

    /// <summary>The trivial model: every series' samples in a sorted dictionary; Prometheus's append rules.</summary>
    private sealed class Model : IQueryableStorage
    {
        private readonly Dictionary<LabelSet, SortedDictionary<long, double>> _data = new();

        public (long T, double V)? Last(LabelSet labels) =>
            _data.TryGetValue(labels, out var s) && s.Count > 0 ? (s.Keys.Last(), s.Values.Last()) : null;

        public double? At(LabelSet labels, long t) => _data.TryGetValue(labels, out var s) && s.TryGetValue(t, out var v) ? v : null;

        /// <summary>A scraped sample: true when stored, false when rejected, null when identical to the newest (ignored).</summary>
        public bool? Append(LabelSet labels, long t, double v)
        {
            if (!_data.TryGetValue(labels, out var s)) _data[labels] = s = new SortedDictionary<long, double>();
            if (s.Count > 0)
            {
                long last = s.Keys.Last();
                if (t < last) return false;
                if (t == last) return BitConverter.DoubleToInt64Bits(s[last]) == BitConverter.DoubleToInt64Bits(v) ? null : false;
            }
            s[t] = v;
            return true;
        }

        public void Set(LabelSet labels, long t, double v)
        {
            if (!_data.TryGetValue(labels, out var s)) _data[labels] = s = new SortedDictionary<long, double>();
            s[t] = v;
        }

        public void Remove(LabelSet labels, long t) => _data[labels].Remove(t);

        public List<(long T, double V)> Samples(LabelSet labels) =>
            _data.TryGetValue(labels, out var s) ? s.Select(kv => (kv.Key, kv.Value)).ToList() : [];

        public IQuerier Querier(long minTimeMs, long maxTimeMs) => new ModelQuerier(this, minTimeMs, maxTimeMs);

        private sealed class ModelQuerier(Model model, long mint, long maxt) : IQuerier
        {
            // As the store: a series is selected when its first..last span meets the range.
            private IEnumerable<(LabelSet Labels, SortedDictionary<long, double> Samples)> Matching(LabelMatcher[] matchers) =>
                model._data.Where(kv => kv.Value.Count > 0 && kv.Value.Keys.First() <= maxt && kv.Value.Keys.Last() >= mint
                                        && LabelMatcher.MatchAll(matchers, kv.Key))
                    .Select(kv => (kv.Key, kv.Value));

            public ISeriesSet Select(bool sorted, params LabelMatcher[] matchers)
            {
                var list = Matching(matchers)
                    .Select(m => (ISeries)new ModelSeries(m.Labels, m.Samples.Where(kv => kv.Key >= mint && kv.Key <= maxt).Select(kv => (kv.Key, kv.Value)).ToList()))
                    .ToList();
                if (sorted) list.Sort((a, b) => a.Labels.CompareTo(b.Labels));
                return new ModelSet(list);
            }

            public IReadOnlyList<string> LabelNames(params LabelMatcher[] matchers) =>
                Matching(matchers).SelectMany(m => m.Labels.AsSpan().ToArray().Select(l => l.Name)).Distinct().Order(StringComparer.Ordinal).ToList();

            public IReadOnlyList<string> LabelValues(string name, params LabelMatcher[] matchers) =>
                Matching(matchers).Select(m => m.Labels.Get(name)).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();

            public void Dispose() { }
        }

        private sealed class ModelSet(List<ISeries> series) : ISeriesSet
        {
            private int _i = -1;
            public bool Next() => ++_i < series.Count;
            public ISeries Current => series[_i];
            public Exception? Error => null;
        }

        private sealed class ModelSeries(LabelSet labels, List<(long T, double V)> samples) : ISeries
        {
            public LabelSet Labels => labels;
            public ISampleIterator Iterator(ISampleIterator? reuse = null) => new ModelIterator(samples);
        }

        private sealed class ModelIterator(List<(long T, double V)> samples) : ISampleIterator
        {
            private int _i = -1;
            public bool Next() => ++_i < samples.Count;
            public bool Seek(long t)
            {
                if (_i < 0) _i = 0;
                while (_i < samples.Count && samples[_i].T < t) _i++;
                return _i < samples.Count;
            }
            public long Timestamp => samples[_i].T;
            public double Value => samples[_i].V;
            public Exception? Error => null;
        }
    }
}
