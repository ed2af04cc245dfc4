using System.Text;

namespace Mlobs.Query.PromQl.Ast;

/// <summary>
/// Multi-line formatting as Prometheus's promql/parser/prettier.go (what <c>/api/v1/format_query</c> and
/// <c>promtool promql format</c> return): a node whose one-line form is longer than 100 characters is split, its
/// children indented two spaces per level; anything shorter stays on one line.
/// </summary>
public static class Prettier
{
    private const int MaxCharactersPerLine = 100;

    public static string Format(Expr expr) => Pretty(expr, 0);

    private static string Pretty(Expr e, int level)
    {
        string s = Indent(level);
        switch (e)
        {
            case AggregateExpr a when NeedsSplit(a):
            {
                var sb = new StringBuilder(s);
                Printer.WriteAggregateHead(sb, a);
                sb.Append("(\n");
                if (a.Param is not null) sb.Append(Pretty(a.Param, level + 1)).Append(",\n");
                return sb.Append(Pretty(a.Inner, level + 1)).Append('\n').Append(s).Append(')').ToString();
            }
            case BinaryExpr b when NeedsSplit(b):
            {
                var op = new StringBuilder();
                Printer.WriteOperator(op, b);
                return $"{Pretty(b.Lhs, level + 1)}\n{s}{op}\n{Pretty(b.Rhs, level + 1)}";
            }
            case Call c when NeedsSplit(c):
                return $"{s}{c.Func.Name}(\n{PrettyArgs(c.Args, level + 1)}\n{s})";
            case ParenExpr p when NeedsSplit(p):
                return $"{s}(\n{Pretty(p.Inner, level + 1)}\n{s})";
            case SubqueryExpr sq:
            {
                // As Prometheus: an unsplit subquery is not indented.
                if (!NeedsSplit(sq)) return Printer.Format(sq);
                var sb = new StringBuilder(Pretty(sq.Inner, level));
                Printer.WriteSubquerySuffix(sb, sq);
                return sb.ToString();
            }
            case UnaryExpr u:
                return s + Printer.OpText(u.Op) + Pretty(u.Operand, level).Trim();
            default:
                return s + Printer.Format(e);
        }
    }

    private static string PrettyArgs(Expr[] args, int level)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < args.Length; i++)
        {
            if (i > 0) sb.Append(",\n");
            sb.Append(Pretty(args[i], level));
        }
        return sb.ToString();
    }

    // Go measures the string in bytes.
    private static bool NeedsSplit(Expr e) => Encoding.UTF8.GetByteCount(Printer.Format(e)) > MaxCharactersPerLine;

    private static string Indent(int level) => new(' ', 2 * level);
}
