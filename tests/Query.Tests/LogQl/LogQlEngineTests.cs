using Mlobs.Model.Labels;
using Mlobs.Query.LogQl;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Storage.Logs;
using Mlobs.Storage.Tsdb;
using Mlobs.Tests.Support;

namespace Mlobs.Query.Tests.LogQl;

/// <summary>
/// The LogQL facade every caller goes through (Loki API, dashboards, rules): constant, metric and log queries told
/// apart, Loki's window rules, and failures as the same error kinds as PromQL's.
/// </summary>
public sealed class LogQlEngineTests : IDisposable
{
    private const long S = 1_000_000_000;
    private readonly TempDir _dir = new();
    private readonly LogStore _store;
    private readonly TsdbDatabase _tsdb;
    private readonly LogQlEngine _engine;

    public LogQlEngineTests()
    {
        _store = LogStore.Open(Path.Combine(_dir.Path, "logstore.sqlite"));
        _tsdb = TsdbDatabase.Open(new TsdbOptions { Directory = Path.Combine(_dir.Path, "tsdb") });
        var api = LabelSet.From(("service", "api"));
        _store.Append(Enumerable.Range(1, 10).Select(i => new LogEntry(api, i * S, i % 2 == 0 ? $"request {i} failed" : $"request {i} ok")).ToList());
        _engine = new LogQlEngine(_store, new QueryEngine(_tsdb));
    }

    public void Dispose()
    {
        _store.Dispose();
        _tsdb.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void ConstantQueriesAreAnsweredAsPromQlDoes()
    {
        var instant = _engine.Instant("vector(1)+vector(1)", 5 * S, 100, backward: true);
        Assert.True(instant.IsMetric);
        Assert.Equal((5 * S, 2.0), Assert.Single(instant.Series!).Points.Single());
        var range = _engine.Range("2 * 3", 0, 4 * S, 2 * S, 100, backward: true);
        Assert.Equal([(0L, 6.0), (2 * S, 6.0), (4 * S, 6.0)], Assert.Single(range.Series!).Points);
    }

    [Fact]
    public void MetricQueriesGiveSeriesAtEachStep()
    {
        var result = _engine.Range("count_over_time({service=\"api\"} |= \"failed\" [4s])", 4 * S, 10 * S, 2 * S, 100, backward: true);
        Assert.Equal([(4 * S, 2.0), (6 * S, 2.0), (8 * S, 2.0), (10 * S, 2.0)], Assert.Single(result.Series!).Points);
        var instant = _engine.Instant("count_over_time({service=\"api\"}[10s])", 10 * S, 100, backward: true);
        Assert.Equal(10.0, Assert.Single(instant.Series!).Points.Single().Value);
    }

    [Fact]
    public void LogQueriesReadTheRangeWithItsEndExcluded()
    {
        var result = _engine.Range("{service=\"api\"} |= \"failed\"", 2 * S, 8 * S, S, 100, backward: false);
        Assert.False(result.IsMetric);
        Assert.Equal(["request 2 failed", "request 4 failed", "request 6 failed"], result.Lines!.Select(e => e.Line));
        var newest = _engine.Range("{service=\"api\"}", 0, 11 * S, S, 3, backward: true);
        Assert.Equal(["request 10 failed", "request 9 ok", "request 8 failed"], newest.Lines!.Select(e => e.Line));
        // An instant log query reads the hour up to its time, the time included.
        var instant = _engine.Instant("{service=\"api\"}", 10 * S, 1, backward: true);
        Assert.Equal("request 10 failed", Assert.Single(instant.Lines!).Line);
    }

    [Theory]
    [InlineData("{service=\"api\"", "parse error")]
    [InlineData("count_over_time({service=\"api\"})", "parse error")]
    [InlineData("rate({service=\"api\"}[1m]) by (x", "parse error")]
    public void SyntaxErrorsAreBadData(string query, string message)
    {
        var ex = Assert.Throws<QueryException>(() => _engine.Range(query, 0, 10 * S, S, 100, backward: true));
        Assert.Equal(QueryErrorKind.BadData, ex.Kind);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void TooManyStepsAreBadDataAsInLoki()
    {
        var ex = Assert.Throws<QueryException>(() => _engine.Range("count_over_time({service=\"api\"}[1s])", 0, 20_000 * S, S, 100, backward: true));
        Assert.Equal(QueryErrorKind.BadData, ex.Kind);
        Assert.StartsWith("exceeded maximum resolution of 11,000 points per timeseries", ex.Message);
    }

    [Fact]
    public void ReadingTooManyLinesIsAnExecutionError()
    {
        var small = new LogQlEngine(_store, new QueryEngine(_tsdb)) { MaxLines = 5 };
        var ex = Assert.Throws<QueryException>(() => small.Instant("count_over_time({service=\"api\"}[1m])", 10 * S, 100, backward: true));
        Assert.Equal(QueryErrorKind.Execution, ex.Kind);
        Assert.Contains("more than 5 lines", ex.Message);
    }

    [Fact]
    public void EndlessScansStopAsTimeoutOrCanceled()
    {
        var endless = new LogQlEngine(new EndlessLogs(), new QueryEngine(_tsdb)) { Timeout = TimeSpan.FromMilliseconds(200), MaxLines = long.MaxValue };
        var timeout = Assert.Throws<QueryException>(() => endless.Range("{service=\"api\"} |= \"never\"", 0, 10 * S, S, 100, backward: true));
        Assert.Equal(QueryErrorKind.Timeout, timeout.Kind);
        var metric = Assert.Throws<QueryException>(() => endless.Instant("count_over_time({service=\"api\"}[1m])", 10 * S, 100, backward: true));
        Assert.Equal(QueryErrorKind.Timeout, metric.Kind);

        // Cancelled from a thread of its own: a timer's callback would wait for a thread-pool thread the scan keeps busy.
        using var cancelled = new CancellationTokenSource();
        new Thread(() => { Thread.Sleep(100); cancelled.Cancel(); }).Start();
        var slow = new LogQlEngine(new EndlessLogs(), new QueryEngine(_tsdb)) { Timeout = TimeSpan.FromMinutes(1), MaxLines = long.MaxValue };
        var canceled = Assert.Throws<QueryException>(() => slow.Range("{service=\"api\"} |= \"never\"", 0, 10 * S, S, 100, backward: true, cancelled.Token));
        Assert.Equal(QueryErrorKind.Canceled, canceled.Kind);
    }

    /// <summary>A store whose scan never ends on its own (a huge store read by a query that keeps nothing).</summary>
    private sealed class EndlessLogs : ILogQueryable
    {
        public void Scan(LabelMatcher[] matchers, long startNs, long endNs, bool backward, Func<LogEntry, bool> visit, string? mustContain = null)
        {
            var stream = LabelSet.From(("service", "api"));
            for (long i = 0; ; i++)
                if (!visit(new LogEntry(stream, startNs, "line"))) return;
        }
    }
}
