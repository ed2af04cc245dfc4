using System.Globalization;
using System.Text;
using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Model.Strconv;
using Mlobs.Query.PromQl.Parser;

namespace Mlobs.Query.PromQl.Ast;

/// <summary>
/// Writes an expression back as PromQL the way Prometheus's promql/parser/printer.go does (the canonical form
/// <c>/api/v1/format_query</c>, rule listings and error messages show): matchers sorted, <c>by</c>/<c>without</c>
/// before the argument, durations in Prometheus units, numbers as Go's shortest 'f' form.
/// </summary>
public static class Printer
{
    public static string Format(Expr expr)
    {
        var sb = new StringBuilder();
        Write(sb, expr);
        return sb.ToString();
    }

    public static void Write(StringBuilder sb, Expr expr)
    {
        switch (expr)
        {
            case NumberLiteral n:
                sb.Append(FormatNumber(n.Value));
                break;
            case StringLiteral s:
                sb.Append(GoBytes.Quote(s.Value));
                break;
            case VectorSelector vs:
                WriteSelector(sb, vs);
                WriteAt(sb, vs.Modifiers);
                WriteOffset(sb, vs.Modifiers);
                break;
            case MatrixSelector ms:
                WriteSelector(sb, ms.Selector);
                sb.Append('[').Append(PromDuration.Format(ms.RangeMs)).Append(']');
                WriteAt(sb, ms.Selector.Modifiers);
                WriteOffset(sb, ms.Selector.Modifiers);
                break;
            case SubqueryExpr sq:
                Write(sb, sq.Inner);
                WriteSubquerySuffix(sb, sq);
                break;
            case ParenExpr p:
                sb.Append('(');
                Write(sb, p.Inner);
                sb.Append(')');
                break;
            case UnaryExpr u:
                sb.Append(OpText(u.Op));
                Write(sb, u.Operand);
                break;
            case BinaryExpr b:
                Write(sb, b.Lhs);
                sb.Append(' ');
                WriteOperator(sb, b);
                sb.Append(' ');
                Write(sb, b.Rhs);
                break;
            case Call c:
                sb.Append(c.Func.Name).Append('(');
                for (int i = 0; i < c.Args.Length; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Write(sb, c.Args[i]);
                }
                sb.Append(')');
                break;
            case AggregateExpr a:
                WriteAggregateHead(sb, a);
                sb.Append('(');
                if (a.Param is not null)
                {
                    Write(sb, a.Param);
                    sb.Append(", ");
                }
                Write(sb, a.Inner);
                sb.Append(')');
                break;
            default:
                throw new ArgumentException($"cannot print {expr.GetType().Name}");
        }
    }

    /// <summary>Go's strconv.FormatFloat(v, 'f', -1, 64): "+Inf", "-Inf", "NaN" for the specials.</summary>
    public static string FormatNumber(double v) => Mlobs.Model.Strconv.ValueFormat.Float(v);

    /// <summary>The aggregation's name and grouping: <c>sum by (job) </c>, with the trailing space Prometheus writes.</summary>
    public static void WriteAggregateHead(StringBuilder sb, AggregateExpr a)
    {
        sb.Append(AggregateOpText(a.Op));
        if (a.Without || a.Grouping.Length > 0)
        {
            sb.Append(a.Without ? " without (" : " by (");
            WriteLabels(sb, a.Grouping);
            sb.Append(") ");
        }
    }

    /// <summary>The operator with <c>bool</c> and its vector matching, e.g. <c>/ on (job) group_left (env)</c>.</summary>
    public static void WriteOperator(StringBuilder sb, BinaryExpr b)
    {
        sb.Append(OpText(b.Op));
        if (b.ReturnBool) sb.Append(" bool");
        if (b.Matching is not { } vm) return;
        bool grouped = vm.Card is VectorMatchCardinality.ManyToOne or VectorMatchCardinality.OneToMany;
        if (vm.MatchingLabels.Length > 0 || vm.On || grouped)
        {
            sb.Append(vm.On ? " on (" : " ignoring (");
            WriteLabels(sb, vm.MatchingLabels);
            sb.Append(')');
        }
        if (grouped)
        {
            sb.Append(vm.Card == VectorMatchCardinality.ManyToOne ? " group_left (" : " group_right (");
            WriteLabels(sb, vm.Include);
            sb.Append(')');
        }
    }

    public static void WriteSubquerySuffix(StringBuilder sb, SubqueryExpr sq)
    {
        sb.Append('[').Append(PromDuration.Format(sq.RangeMs)).Append(':');
        if (sq.StepMs != 0) sb.Append(PromDuration.Format(sq.StepMs));
        sb.Append(']');
        WriteAt(sb, sq.Modifiers);
        WriteOffset(sb, sq.Modifiers);
    }

    public static string OpText(BinaryOp op) => op switch
    {
        BinaryOp.Add => "+",
        BinaryOp.Sub => "-",
        BinaryOp.Mul => "*",
        BinaryOp.Div => "/",
        BinaryOp.Mod => "%",
        BinaryOp.Pow => "^",
        BinaryOp.Atan2 => "atan2",
        BinaryOp.Eql => "==",
        BinaryOp.Neq => "!=",
        BinaryOp.Gtr => ">",
        BinaryOp.Lss => "<",
        BinaryOp.Gte => ">=",
        BinaryOp.Lte => "<=",
        BinaryOp.And => "and",
        BinaryOp.Or => "or",
        BinaryOp.Unless => "unless",
        _ => op.ToString(),
    };

    public static string AggregateOpText(AggregateOp op) => op switch
    {
        AggregateOp.Sum => "sum",
        AggregateOp.Min => "min",
        AggregateOp.Max => "max",
        AggregateOp.Avg => "avg",
        AggregateOp.Count => "count",
        AggregateOp.Stddev => "stddev",
        AggregateOp.Stdvar => "stdvar",
        AggregateOp.Topk => "topk",
        AggregateOp.Bottomk => "bottomk",
        AggregateOp.Quantile => "quantile",
        AggregateOp.CountValues => "count_values",
        AggregateOp.Group => "group",
        AggregateOp.Limitk => "limitk",
        AggregateOp.LimitRatio => "limit_ratio",
        _ => op.ToString().ToLowerInvariant(),
    };

    public static string MatchTypeText(LabelMatchType t) => t switch
    {
        LabelMatchType.Equal => "=",
        LabelMatchType.NotEqual => "!=",
        LabelMatchType.Regex => "=~",
        _ => "!~",
    };

    /// <summary>A matcher as Prometheus's labels.Matcher.String(): the name quoted only when it is not a plain identifier.</summary>
    public static string FormatMatcher(LabelMatcher m) =>
        (LegacyNames.IsLabelName(m.Name) ? m.Name : GoBytes.Quote(m.Name)) + MatchTypeText(m.Type) + GoBytes.Quote(m.Value);

    private static void WriteSelector(StringBuilder sb, VectorSelector vs)
    {
        var parts = new List<string>(vs.Matchers.Length);
        foreach (var m in vs.Matchers)
        {
            // The name matcher is implied by a name written before the braces.
            if (m.Name == LabelSet.MetricName && m.Type == LabelMatchType.Equal && m.Value == vs.Name && m.Value.Length > 0) continue;
            parts.Add(FormatMatcher(m));
        }
        sb.Append(vs.Name);
        if (parts.Count == 0) return;
        parts.Sort(string.CompareOrdinal);
        sb.Append('{').AppendJoin(',', parts).Append('}');
    }

    private static void WriteAt(StringBuilder sb, TimeModifiers t)
    {
        switch (t.At)
        {
            case AtModifier.Timestamp:
                sb.Append(" @ ").Append((t.AtMs / 1000.0).ToString("F3", CultureInfo.InvariantCulture));
                break;
            case AtModifier.Start: sb.Append(" @ start()"); break;
            case AtModifier.End: sb.Append(" @ end()"); break;
        }
    }

    private static void WriteOffset(StringBuilder sb, TimeModifiers t)
    {
        if (t.OffsetMs > 0) sb.Append(" offset ").Append(PromDuration.Format(t.OffsetMs));
        else if (t.OffsetMs < 0) sb.Append(" offset -").Append(PromDuration.Format(-t.OffsetMs));
    }

    private static void WriteLabels(StringBuilder sb, string[] names)
    {
        for (int i = 0; i < names.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(LegacyNames.IsLabelName(names[i]) ? names[i] : GoBytes.Quote(names[i]));
        }
    }
}
