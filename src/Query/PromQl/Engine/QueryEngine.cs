using Mlobs.Query.PromQl.Ast;
using Mlobs.Query.PromQl.Parser;
using Mlobs.Storage;
using ValueType = Mlobs.Query.PromQl.Ast.ValueType;

namespace Mlobs.Query.PromQl.Engine;

/// <summary>Engine limits and defaults (Prometheus's --query.* flags).</summary>
public sealed record EngineOptions
{
    public long LookbackDeltaMs { get; init; } = 5 * 60 * 1000;
    public long MaxSamples { get; init; } = 50_000_000;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);
    public int MaxConcurrent { get; init; } = 20;
    /// <summary>Step of a subquery written without one (<c>x[1h:]</c>): the global evaluation_interval.</summary>
    public long DefaultSubqueryStepMs { get; init; } = 60_000;
    public int MaxRangeSteps { get; init; } = 11_000;
    /// <summary>Threads one query may use to decode series and evaluate range functions over them (one per core, up to 4).</summary>
    public int Parallelism { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 4);
}

/// <summary>
/// Runs PromQL instant and range queries against storage (promql.Engine): parses, enforces the limits,
/// evaluates and shapes the result the way Prometheus's API returns it.
/// </summary>
public sealed class QueryEngine(IQueryableStorage storage, EngineOptions? options = null) : IQueryEngine
{
    private readonly EngineOptions _options = options ?? new EngineOptions();
    private readonly SemaphoreSlim _slots = new((options ?? new EngineOptions()).MaxConcurrent);

    public EngineOptions Options => _options;

    /// <summary>Parses a query; a syntax error becomes a bad_data <see cref="QueryException"/>.</summary>
    public static Expr ParseOrThrow(string query)
    {
        try
        {
            return PromQlParser.Parse(query);
        }
        catch (ParseException ex)
        {
            // As Prometheus's API (invalidParamError): the parameter is named before the parser's position and text.
            throw new QueryException(QueryErrorKind.BadData, $"invalid parameter \"query\": {ex.Message}");
        }
    }

    public QueryResult Instant(string query, long timeMs, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var expr = ParseOrThrow(query);
        return Run(query, expr, timeMs, timeMs, 1, timeout, ct, (ev, e) =>
        {
            var series = ev.Eval(e);
            QueryValue result = e.Type switch
            {
                ValueType.Scalar => new ScalarValue(timeMs, series.Count > 0 && series[0].Points.Count > 0 ? series[0].Points[0].F : double.NaN),
                ValueType.String => new StringValue(timeMs, ((StringLiteral)Evaluator.Unwrap(e)).Value),
                ValueType.Matrix => new MatrixValue(series),
                _ => new VectorValue(SortInstant(e, series.Where(s => s.Points.Count > 0).Select(s => new Sample(s.Metric, timeMs, s.Points[0].F)).ToList())),
            };
            return result;
        });
    }

    public QueryResult Range(string query, long startMs, long endMs, long stepMs, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        if (stepMs <= 0) throw new QueryException(QueryErrorKind.BadData, "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer");
        if (endMs < startMs) throw new QueryException(QueryErrorKind.BadData, "invalid parameter \"end\": end timestamp must not be before start time");
        if ((endMs - startMs) / stepMs > _options.MaxRangeSteps)
            throw new QueryException(QueryErrorKind.BadData, "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
        // Parameters are checked before the expression, in the order Prometheus's API checks them.
        var expr = ParseOrThrow(query);
        if (expr.Type is not (ValueType.Scalar or ValueType.Vector))
            throw new QueryException(QueryErrorKind.BadData,
                $"invalid expression type \"{TypeChecker.Describe(expr.Type)}\" for range query, must be Scalar or instant Vector");
        return Run(query, expr, startMs, endMs, stepMs, timeout, ct, (ev, e) =>
        {
            var series = ev.Eval(e).Where(s => s.Points.Count > 0).ToList();
            series.Sort((a, b) => a.Metric.CompareTo(b.Metric));
            return new MatrixValue(series);
        });
    }

    /// <param name="query">The query text, so annotations can name their position in it as Prometheus's API does.</param>
    private QueryResult Run(string? query, Expr expr, long start, long end, long step, TimeSpan? timeout, CancellationToken ct,
        Func<Evaluator, Expr, QueryValue> evaluate)
    {
        expr = AtModifierResolver.Resolve(expr, start, end);
        var limit = timeout is { } t && t > TimeSpan.Zero && t < _options.Timeout ? t : _options.Timeout;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(limit);
        try
        {
            _slots.Wait(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw Cancelled(ct, "query timed out in query queue");
        }
        try
        {
            var annotations = new Annotations();
            var ev = new Evaluator(storage, _options, start, end, step, cts.Token, annotations);
            return new QueryResult(evaluate(ev, expr), annotations.Warnings(query), annotations.Infos(query));
        }
        catch (OperationCanceledException)
        {
            throw Cancelled(ct, "query timed out in expression evaluation");
        }
        finally
        {
            _slots.Release();
        }
    }

    private static QueryException Cancelled(CancellationToken caller, string timeoutMessage) => caller.IsCancellationRequested
        ? new QueryException(QueryErrorKind.Canceled, "query was canceled in expression evaluation")
        : new QueryException(QueryErrorKind.Timeout, timeoutMessage);

    /// <summary>sort(), sort_desc() and sort_by_label[_desc]() at the top of an instant query order its result.</summary>
    private static List<Sample> SortInstant(Expr e, List<Sample> samples)
    {
        if (Evaluator.Unwrap(e) is not Call { Func.Name: "sort" or "sort_desc" or "sort_by_label" or "sort_by_label_desc" } c) return samples;
        switch (c.Func.Name)
        {
            case "sort":
                samples.Sort((a, b) => double.IsNaN(a.F) ? (double.IsNaN(b.F) ? 0 : 1) : double.IsNaN(b.F) ? -1 : a.F.CompareTo(b.F));
                break;
            case "sort_desc":
                samples.Sort((a, b) => double.IsNaN(a.F) ? (double.IsNaN(b.F) ? 0 : 1) : double.IsNaN(b.F) ? -1 : b.F.CompareTo(a.F));
                break;
            default:
                var labels = c.Args.Skip(1).Select(a => ((StringLiteral)Evaluator.Unwrap(a)).Value).ToArray();
                int sign = c.Func.Name == "sort_by_label" ? 1 : -1;
                samples.Sort((a, b) =>
                {
                    foreach (var l in labels)
                    {
                        int cmp = NaturalCompare(a.Metric.Get(l) ?? "", b.Metric.Get(l) ?? "");
                        if (cmp != 0) return sign * cmp;
                    }
                    return sign * a.Metric.CompareTo(b.Metric);
                });
                break;
        }
        return samples;
    }

    /// <summary>Natural order: runs of digits compare by number ("a2" before "a10"), as sort_by_label does.</summary>
    internal static int NaturalCompare(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                int si = i, sj = j;
                while (i < a.Length && char.IsAsciiDigit(a[i])) i++;
                while (j < b.Length && char.IsAsciiDigit(b[j])) j++;
                var na = a[si..i].TrimStart('0');
                var nb = b[sj..j].TrimStart('0');
                if (na.Length != nb.Length) return na.Length.CompareTo(nb.Length);
                int c = string.CompareOrdinal(na, nb);
                if (c != 0) return c;
                continue;
            }
            if (a[i] != b[j]) return a[i].CompareTo(b[j]);
            i++; j++;
        }
        return (a.Length - i).CompareTo(b.Length - j);
    }
}

/// <summary>Replaces <c>@ start()</c> and <c>@ end()</c> with the query's start and end (promql's preprocessing).</summary>
internal static class AtModifierResolver
{
    public static Expr Resolve(Expr e, long start, long end) => e switch
    {
        VectorSelector vs => vs with { Modifiers = Fix(vs.Modifiers, start, end) },
        MatrixSelector ms => ms with { Selector = (VectorSelector)Resolve(ms.Selector, start, end) },
        SubqueryExpr sq => sq with { Inner = Resolve(sq.Inner, start, end), Modifiers = Fix(sq.Modifiers, start, end) },
        ParenExpr p => p with { Inner = Resolve(p.Inner, start, end) },
        UnaryExpr u => u with { Operand = Resolve(u.Operand, start, end) },
        BinaryExpr b => b with { Lhs = Resolve(b.Lhs, start, end), Rhs = Resolve(b.Rhs, start, end) },
        Call c => c with { Args = c.Args.Select(a => Resolve(a, start, end)).ToArray() },
        AggregateExpr a => a with { Inner = Resolve(a.Inner, start, end), Param = a.Param is null ? null : Resolve(a.Param, start, end) },
        _ => e,
    };

    private static TimeModifiers Fix(TimeModifiers m, long start, long end) => m.At switch
    {
        AtModifier.Start => m with { At = AtModifier.Timestamp, AtMs = start },
        AtModifier.End => m with { At = AtModifier.Timestamp, AtMs = end },
        _ => m,
    };
}
