namespace Mlobs.Query.PromQl.Ast;

/// <summary>
/// How deeply a syntax tree nests, measured without recursion. Every walk of the tree (type check, evaluation,
/// printing) recurses, so the parser refuses a tree deeper than <see cref="Max"/>: one hostile query must not
/// overflow a thread's stack and take the server with it.
/// </summary>
public static class ExprDepth
{
    /// <summary>Far beyond any query a person or a dashboard writes (a chain of a thousand <c>or</c>s is 1,000).</summary>
    public const int Max = 4096;

    /// <summary>The first node deeper than <paramref name="limit"/>, or null when the tree fits.</summary>
    public static Expr? FirstBeyond(Expr root, int limit)
    {
        var pending = new Stack<(Expr Node, int Depth)>();
        pending.Push((root, 1));
        while (pending.TryPop(out var item))
        {
            if (item.Depth > limit) return item.Node;
            int next = item.Depth + 1;
            switch (item.Node)
            {
                case MatrixSelector m: pending.Push((m.Selector, next)); break;
                case SubqueryExpr s: pending.Push((s.Inner, next)); break;
                case ParenExpr p: pending.Push((p.Inner, next)); break;
                case UnaryExpr u: pending.Push((u.Operand, next)); break;
                case BinaryExpr b: pending.Push((b.Lhs, next)); pending.Push((b.Rhs, next)); break;
                case Call c: foreach (var arg in c.Args) pending.Push((arg, next)); break;
                case AggregateExpr a:
                    pending.Push((a.Inner, next));
                    if (a.Param is not null) pending.Push((a.Param, next));
                    break;
            }
        }
        return null;
    }
}
