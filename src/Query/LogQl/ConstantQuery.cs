using Mlobs.Query.PromQl.Ast;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Query.PromQl.Parser;

namespace Mlobs.Query.LogQl;

/// <summary>
/// Expressions without any selector — <c>vector(1)+vector(1)</c>, which Grafana's Loki data source sends to test a
/// connection, or <c>2 * 3</c> — are arithmetic that Loki answers as PromQL does; here the PromQL engine answers them.
/// </summary>
internal static class ConstantQuery
{
    public static bool IsConstant(string text)
    {
        if (text.Contains('{')) return false;
        try
        {
            return NoSelectors(PromQlParser.Parse(text));
        }
        catch (ParseException)
        {
            return false;
        }
    }

    private static bool NoSelectors(Expr e) => e switch
    {
        VectorSelector or MatrixSelector or SubqueryExpr => false,
        ParenExpr p => NoSelectors(p.Inner),
        UnaryExpr u => NoSelectors(u.Operand),
        BinaryExpr b => NoSelectors(b.Lhs) && NoSelectors(b.Rhs),
        Call c => c.Args.All(NoSelectors),
        AggregateExpr a => NoSelectors(a.Inner) && (a.Param is null || NoSelectors(a.Param)),
        _ => true,
    };

    /// <summary>The expression over [start, end] (one point at end for an instant query), as log metric series.</summary>
    public static List<LogSeries> Evaluate(QueryEngine engine, string text, long startNs, long endNs, long stepNs, bool range, CancellationToken ct)
    {
        var value = range
            ? engine.Range(text, startNs / 1_000_000, endNs / 1_000_000, Math.Max(1, stepNs / 1_000_000), ct: ct).Value
            : engine.Instant(text, endNs / 1_000_000, ct: ct).Value;
        return value switch
        {
            MatrixValue m => m.Series.Select(s => new LogSeries(s.Metric, s.Points.Select(p => (p.T * 1_000_000, p.F)).ToList())).ToList(),
            VectorValue v => v.Samples.Select(s => new LogSeries(s.Metric, [(s.T * 1_000_000, s.F)])).ToList(),
            ScalarValue s => [new LogSeries(Mlobs.Model.Labels.LabelSet.Empty, [(s.T * 1_000_000, s.F)])],
            _ => [],
        };
    }
}
