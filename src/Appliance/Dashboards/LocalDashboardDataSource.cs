using Mlobs.Model.Labels;
using Mlobs.Query.LogQl;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Query.PromQl.Parser;
using Mlobs.Storage;
using Mlobs.Storage.Logs;
using Mlobs.Storage.Tsdb;
using Mlobs.WebUi.Dashboards;

namespace Mlobs.Appliance.Dashboards;

/// <summary>Answers a dashboard's queries from a store in this process (a data dir opened by the CLI).</summary>
public sealed class LocalDashboardDataSource(IQueryableStorage storage, QueryEngine engine, ILogQueryable? logs = null) : IDashboardDataSource, IDisposable
{
    private TsdbDatabase? _owned;
    private LogStore? _ownedLogs;

    /// <summary>Opens a data dir no server holds, for reading: nothing is deleted by retention while it is open.</summary>
    public static LocalDashboardDataSource Open(string dataDir)
    {
        var db = TsdbDatabase.Open(new TsdbOptions { Directory = Path.GetFullPath(dataDir), RetentionTime = TimeSpan.FromDays(365 * 100), CreateIfMissing = false });
        var logPath = Path.Combine(Path.GetFullPath(dataDir), "logstore.sqlite");
        var logs = File.Exists(logPath) ? LogStore.Open(logPath, new LogStoreOptions { RetentionTime = TimeSpan.FromDays(365 * 100) }) : null;
        return new LocalDashboardDataSource(db, new QueryEngine(db), logs) { _owned = db, _ownedLogs = logs };
    }

    public void Dispose()
    {
        _owned?.Dispose();
        _ownedLogs?.Dispose();
    }

    /// <summary>The same engine the Loki API answers with, so a snapshot draws a panel as the live page does.</summary>
    private readonly LogQlEngine? _logQl = logs is null ? null : new LogQlEngine(logs, engine);

    public Task<PanelQueryResult> LogMetricQueryAsync(string expr, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken ct)
    {
        if (_logQl is null) return Task.FromResult(new PanelQueryResult([], null));
        try
        {
            var result = _logQl.Range(expr, Ns(from), Ns(to), (long)step.TotalMilliseconds * 1_000_000, limit: 0, backward: true, ct);
            if (result.Series is not { } series) return Task.FromResult(PanelQueryResult.Failed("not a metric query"));
            return Task.FromResult(new PanelQueryResult(series.Select(s => new ResultSeries(s.Labels.ToDictionary(), s.Points.Select(p => (p.TimeNs / 1e9, p.Value)).ToList())).ToList(), null));
        }
        catch (QueryException ex)
        {
            return Task.FromResult(PanelQueryResult.Failed(ex.Message));
        }
    }

    public Task<LogLinesResult> LogLinesAsync(string expr, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct)
    {
        if (_logQl is null) return Task.FromResult(new LogLinesResult([], null));
        try
        {
            var result = _logQl.Range(expr, Ns(from), Ns(to), LogQlEngine.DefaultStepNs(Ns(from), Ns(to)), limit, backward: true, ct);
            if (result.Lines is not { } lines) return Task.FromResult(LogLinesResult.Failed("not a log query"));
            return Task.FromResult(new LogLinesResult(lines.Select(e =>
                new LogLine(e.TimestampNs.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Line, e.Stream.ToDictionary())).ToList(), null));
        }
        catch (QueryException ex)
        {
            return Task.FromResult(LogLinesResult.Failed(ex.Message));
        }
    }

    private static long Ns(DateTimeOffset t) => t.ToUnixTimeMilliseconds() * 1_000_000;

    public Task<IReadOnlyList<string>> LabelValuesAsync(string label, string? match, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        using var q = storage.Querier(from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
        return Task.FromResult(q.LabelValues(label, Matchers(match)));
    }

    public Task<IReadOnlyList<string>> LabelNamesAsync(string? match, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        using var q = storage.Querier(from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
        return Task.FromResult(q.LabelNames(Matchers(match)));
    }

    public Task<PanelQueryResult> RangeQueryAsync(string expr, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken ct) =>
        Task.FromResult(Run(() => engine.Range(expr, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), (long)step.TotalMilliseconds, ct: ct)));

    public Task<PanelQueryResult> InstantQueryAsync(string expr, DateTimeOffset time, CancellationToken ct) =>
        Task.FromResult(Run(() => engine.Instant(expr, time.ToUnixTimeMilliseconds(), ct: ct)));

    private static LabelMatcher[] Matchers(string? match)
    {
        if (match is null) return [];
        try
        {
            return SeriesSelectorParser.Parse(match);
        }
        catch (ParseException ex)
        {
            throw new ArgumentException($"invalid match[] {match}: {ex.Message}");
        }
    }

    private static PanelQueryResult Run(Func<QueryResult> query)
    {
        try
        {
            return query().Value switch
            {
                MatrixValue m => new PanelQueryResult(m.Series.Select(s => new ResultSeries(s.Metric.ToDictionary(), s.Points.Select(p => (p.T / 1000.0, p.F)).ToList())).ToList(), null),
                VectorValue v => new PanelQueryResult(v.Samples.Select(s => new ResultSeries(s.Metric.ToDictionary(), [(s.T / 1000.0, s.F)])).ToList(), null, "vector"),
                ScalarValue s => new PanelQueryResult([new ResultSeries(new Dictionary<string, string>(), [(s.T / 1000.0, s.F)])], null, "scalar"),
                _ => new PanelQueryResult([], null, "string"),
            };
        }
        catch (QueryException ex)
        {
            return PanelQueryResult.Failed(ex.Message);
        }
    }
}
