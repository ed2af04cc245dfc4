using Mlobs.Model.Labels;
using Mlobs.Query.LogQl;
using Mlobs.Storage.Logs;
using Mlobs.Tests.Support;

namespace Mlobs.Query.Tests.LogQl;

/// <summary>LogQL metric queries over a real log store: range aggregations per window, aggregations, comparisons.</summary>
public sealed class LogMetricEngineTests : IDisposable
{
    private const long S = 1_000_000_000;
    private readonly TempDir _dir = new();
    private readonly LogStore _store;

    public LogMetricEngineTests()
    {
        _store = LogStore.Open(Path.Combine(_dir.Path, "logstore.sqlite"));
        var api = LabelSet.From(("service", "ml-pipeline"), ("level", "error"));
        var info = LabelSet.From(("service", "ml-pipeline"), ("level", "info"));
        var other = LabelSet.From(("service", "api"), ("level", "error"));
        var entries = new List<LogEntry>();
        // ml-pipeline errors at 10..19 s (one per second), infos at 5 and 25 s, api errors at 12 and 13 s.
        for (int i = 10; i < 20; i++) entries.Add(new LogEntry(api, i * S, "{\"msg\": \"failed\", \"model\": \"" + (i % 2 == 0 ? "fraud" : "churn") + "\"}"));
        entries.Add(new LogEntry(info, 5 * S, "started"));
        entries.Add(new LogEntry(info, 25 * S, "done"));
        entries.Add(new LogEntry(other, 12 * S, "oops"));
        entries.Add(new LogEntry(other, 13 * S, "oops again"));
        _store.Append(entries);
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    private List<LogSeries> Run(string query, long start, long end, long step) =>
        new LogMetricEngine(_store).Evaluate((LogMetricExpr)LogMetricParser.Parse(query), start * S, end * S, step * S);

    private static string Text(List<LogSeries> result) =>
        string.Join("; ", result.Select(s => s.Labels + " " + string.Join(",", s.Points.Select(p => $"{p.TimeNs / S}={p.Value}"))));

    [Fact]
    public void CountsAndRatesPerWindow()
    {
        // Windows are (t − range, t], as Prometheus's: at 10 s only the line at 10 s, at 25 s none (no sample).
        Assert.Equal("{level=\"error\", service=\"ml-pipeline\"} 10=1,15=5,20=4",
            Text(Run("count_over_time({service=\"ml-pipeline\", level=\"error\"}[5s])", 10, 30, 5)));
        Assert.Equal("{level=\"error\", service=\"ml-pipeline\"} 20=0.9",
            Text(Run("rate({service=\"ml-pipeline\", level=\"error\"}[10s])", 20, 20, 1)));
        // The seeds' alert: more than 5 error lines in 5 minutes.
        Assert.Equal("{} 20=10", Text(Run("sum(count_over_time({service=\"ml-pipeline\", level=\"error\"}[5m])) > 5", 20, 20, 1)));
        Assert.Empty(Run("sum(count_over_time({service=\"ml-pipeline\", level=\"error\"}[5m])) > 50", 20, 20, 1));
        Assert.Equal("{} 20=0", Text(Run("sum(count_over_time({service=\"ml-pipeline\", level=\"error\"}[5m])) > bool 50", 20, 20, 1)));
    }

    [Fact]
    public void AggregationsBytesAbsenceAndExtractedLabels()
    {
        Assert.Equal("{level=\"error\"} 20=12; {level=\"info\"} 20=1",
            Text(Run("sum by (level) (count_over_time({service=~\".+\"}[20s]))", 20, 20, 1)));
        Assert.Equal("{service=\"api\"} 20=2",
            Text(Run("sum without (level) (count_over_time({service=\"api\"}[20s]))", 20, 20, 1)));
        Assert.Equal("{level=\"info\", service=\"ml-pipeline\"} 30=4", Text(Run("bytes_over_time({level=\"info\"}[10s])", 30, 30, 1)));
        Assert.Equal("{service=\"nothing\"} 20=1", Text(Run("absent_over_time({service=\"nothing\"}[5s])", 20, 20, 1)));
        Assert.Empty(Run("absent_over_time({service=\"api\"}[10s])", 20, 20, 1));
        // Extracted labels make series: errors per model from the JSON lines.
        Assert.Equal("{model=\"churn\"} 20=5; {model=\"fraud\"} 20=5",
            Text(Run("sum by (model) (count_over_time({service=\"ml-pipeline\"} | json | msg=\"failed\" [1m]))", 20, 20, 1)));
        Assert.Equal("{level=\"error\", service=\"ml-pipeline\"} 20=10",
            Text(Run("topk(1, count_over_time({level=\"error\"}[1m]))", 20, 20, 1)));
    }

    [Theory]
    [InlineData("count_over_time({service=\"api\"})", "parse error at line 1, col 32: syntax error: unexpected ), expecting [")]
    [InlineData("count_over_time({service=\"api\"}[5x])", "parse error at line 1, col 33: invalid duration 5x")]
    [InlineData("avg_over_time({service=\"api\"}[5m])", "parse error at line 1, col 1: syntax error: unexpected avg_over_time")]
    [InlineData("sum(count_over_time({service=\"api\"}[5m])) >", "parse error at line 1, col 44: syntax error: unexpected end of input, expecting NUMBER")]
    public void MetricParseErrors(string query, string message) =>
        Assert.Equal(message, Assert.Throws<LogQlParseException>(() => LogMetricParser.Parse(query)).Message);
}
