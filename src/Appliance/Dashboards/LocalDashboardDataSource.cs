using Mlobs.Query.PromQl.Engine;
using Mlobs.Query.PromQl.Parser;
using Mlobs.Storage;
using Mlobs.Storage.Labels;
using Mlobs.Storage.Tsdb;
using Mlobs.WebUi.Dashboards;

namespace Mlobs.Appliance.Dashboards;

/// <summary>Answers a dashboard's queries from a store in this process (a data dir opened by the CLI).</summary>
public sealed class LocalDashboardDataSource(IQueryableStorage storage, QueryEngine engine) : IDashboardDataSource, IDisposable
{
    private TsdbDatabase? _owned;

    /// <summary>Opens a data dir no server holds, for reading: nothing is deleted by retention while it is open.</summary>
    public static LocalDashboardDataSource Open(string dataDir)
    {
        var db = TsdbDatabase.Open(new TsdbOptions { Directory = Path.GetFullPath(dataDir), RetentionTime = TimeSpan.FromDays(365 * 100) });
        return new LocalDashboardDataSource(db, new QueryEngine(db)) { _owned = db };
    }

    public void Dispose() => _owned?.Dispose();

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
                MatrixValue m => new PanelQueryResult(m.Series.Select(s => new ResultSeries(Labels(s.Metric), s.Points.Select(p => (p.T / 1000.0, p.F)).ToList())).ToList(), null),
                VectorValue v => new PanelQueryResult(v.Samples.Select(s => new ResultSeries(Labels(s.Metric), [(s.T / 1000.0, s.F)])).ToList(), null, "vector"),
                ScalarValue s => new PanelQueryResult([new ResultSeries(new Dictionary<string, string>(), [(s.T / 1000.0, s.F)])], null, "scalar"),
                _ => new PanelQueryResult([], null, "string"),
            };
        }
        catch (QueryException ex)
        {
            return PanelQueryResult.Failed(ex.Message);
        }
    }

    private static Dictionary<string, string> Labels(LabelSet labels)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var l in labels.AsSpan()) d[l.Name] = l.Value;
        return d;
    }
}
