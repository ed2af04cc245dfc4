using Mlobs.Query.PromQl.Parser;

namespace Mlobs.WebUi.Dashboards;

public enum ProblemKind { Error, NoData }

/// <summary>A problem found in a dashboard, located by panel (id 0 for the dashboard's templating).</summary>
public sealed record DashboardProblem(ProblemKind Kind, int PanelId, string PanelTitle, string? RefId, string Message)
{
    public override string ToString() =>
        PanelId == 0 && RefId is null
            ? $"{(Kind == ProblemKind.Error ? "error" : "no data")}: {Message}"
            : $"{(Kind == ProblemKind.Error ? "error" : "no data")}: panel \"{PanelTitle}\" (id {PanelId}){(RefId is null ? "" : $" query {RefId}")}: {Message}";
}

/// <summary>The outcome of checking one dashboard.</summary>
public sealed record DashboardCheck(Dashboard Dashboard, int Panels, int Queries, IReadOnlyList<DashboardProblem> Problems);

/// <summary>
/// <c>mlobs check dashboard</c>: every panel expression, after variable substitution, must parse as PromQL (LogQL for
/// Loki targets); given a data source, every query must also run and return data (lines, for a log query). What CI
/// runs over a repository's dashboards.
/// </summary>
public static class DashboardChecker
{
    public static async Task<DashboardCheck> CheckAsync(Dashboard dashboard, IDashboardDataSource? source, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var problems = new List<DashboardProblem>();
        var resolved = await VariableResolver.ResolveAsync(dashboard, source, from, to, ct);
        foreach (var r in resolved)
        {
            if (r.Error is not null) problems.Add(new DashboardProblem(ProblemKind.Error, 0, "templating", null, $"variable ${r.Variable.Name}: {r.Error}"));
            else if (source is not null && r.Variable.Type == VariableType.Query && r.Options.Count == 0)
                problems.Add(new DashboardProblem(ProblemKind.NoData, 0, "templating", null, $"variable ${r.Variable.Name}: query \"{r.Variable.Query}\" returned no values"));
        }
        var variables = VariableResolver.ValuesOf(resolved);
        var scrape = source is null ? GrafanaTime.DefaultScrapeInterval : await source.ScrapeIntervalAsync(ct);
        int queries = 0;
        foreach (var q in PanelQueries.For(dashboard, variables, from, to, scrape))
        {
            queries++;
            if (q.Target.Loki)
            {
                if (await CheckLokiAsync(q, source, from, to, ct) is { } problem) problems.Add(problem);
                continue;
            }
            try
            {
                PromQlParser.Parse(q.Expr);
            }
            catch (ParseException ex)
            {
                problems.Add(new DashboardProblem(ProblemKind.Error, q.Panel.Id, q.Panel.Title, q.Target.RefId, $"{ex.Message} in {q.Expr}"));
                continue;
            }
            if (source is null) continue;
            var result = q.Target.Instant
                ? await source.InstantQueryAsync(q.Expr, to, ct)
                : await source.RangeQueryAsync(q.Expr, from, to, q.Step, ct);
            if (result.Error is not null)
                problems.Add(new DashboardProblem(ProblemKind.Error, q.Panel.Id, q.Panel.Title, q.Target.RefId, $"{result.Error} in {q.Expr}"));
            else if (result.Series.Count == 0)
                problems.Add(new DashboardProblem(ProblemKind.NoData, q.Panel.Id, q.Panel.Title, q.Target.RefId, $"no data for {q.Expr}"));
        }
        return new DashboardCheck(dashboard, dashboard.DrawnPanels.Count(), queries, problems);
    }

    /// <summary>A Loki target: the expression must parse as LogQL; with a source, a log query must return lines, a metric query series.</summary>
    private static async Task<DashboardProblem?> CheckLokiAsync(PanelQuery q, IDashboardDataSource? source, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        DashboardProblem Problem(ProblemKind kind, string message) => new(kind, q.Panel.Id, q.Panel.Title, q.Target.RefId, message);
        try
        {
            Query.LogQl.LogMetricParser.Parse(q.Expr);
        }
        catch (Query.LogQl.LogQlParseException ex)
        {
            return Problem(ProblemKind.Error, $"{ex.Message} in {q.Expr}");
        }
        if (source is null) return null;
        if (q.Target.IsLogQuery(q.Expr))
        {
            var lines = await source.LogLinesAsync(q.Expr, from, to, q.Target.MaxLines, ct);
            if (lines.Error is not null) return Problem(ProblemKind.Error, $"{lines.Error} in {q.Expr}");
            return lines.Lines.Count == 0 ? Problem(ProblemKind.NoData, $"no log lines for {q.Expr}") : null;
        }
        var result = await source.LogMetricQueryAsync(q.Expr, from, to, q.Step, ct);
        if (result.Error is not null) return Problem(ProblemKind.Error, $"{result.Error} in {q.Expr}");
        return result.Series.Count == 0 ? Problem(ProblemKind.NoData, $"no data for {q.Expr}") : null;
    }
}
