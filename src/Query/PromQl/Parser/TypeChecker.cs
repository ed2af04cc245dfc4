using Mlobs.Query.PromQl.Ast;
using ValueType = Mlobs.Query.PromQl.Ast.ValueType;

namespace Mlobs.Query.PromQl.Parser;

/// <summary>The type rules parser.checkAST enforces, with its messages.</summary>
internal sealed class TypeChecker(string input)
{
    public static string Describe(ValueType t) => t switch
    {
        ValueType.Scalar => "scalar",
        ValueType.Vector => "instant vector",
        ValueType.Matrix => "range vector",
        ValueType.String => "string",
        _ => "none",
    };

    private ParseException Error(Expr at, string message) => new(input, at.Position, message);

    public void Check(Expr expr)
    {
        switch (expr)
        {
            case ParenExpr p:
                Check(p.Inner);
                break;
            case UnaryExpr u:
                Check(u.Operand);
                if (u.Operand.Type is not (ValueType.Scalar or ValueType.Vector))
                    throw Error(u, $"unary expression only allowed on expressions of type scalar or instant vector, got \"{Describe(u.Operand.Type)}\"");
                break;
            case BinaryExpr b:
                CheckBinary(b);
                break;
            case Call c:
                CheckCall(c);
                break;
            case AggregateExpr a:
                Check(a.Inner);
                if (a.Param is not null) Check(a.Param);
                if (a.Inner.Type != ValueType.Vector)
                    throw Error(a.Inner, $"expected type instant vector in aggregation expression, got {Describe(a.Inner.Type)}");
                if (a.Op == AggregateOp.CountValues)
                {
                    if (a.Param!.Type != ValueType.String)
                        throw Error(a.Param, $"expected type string in aggregation parameter, got {Describe(a.Param.Type)}");
                }
                else if (a.Param is not null && a.Param.Type != ValueType.Scalar)
                {
                    throw Error(a.Param, $"expected type scalar in aggregation parameter, got {Describe(a.Param.Type)}");
                }
                break;
            case SubqueryExpr s:
                Check(s.Inner);
                if (s.Inner.Type != ValueType.Vector)
                    throw Error(s, $"subquery is only allowed on instant vector, got {Describe(s.Inner.Type)} instead");
                break;
            case MatrixSelector m:
                Check(m.Selector);
                break;
        }
    }

    private void CheckBinary(BinaryExpr b)
    {
        Check(b.Lhs);
        Check(b.Rhs);
        var l = b.Lhs.Type;
        var r = b.Rhs.Type;
        if (l is not (ValueType.Scalar or ValueType.Vector) || r is not (ValueType.Scalar or ValueType.Vector))
            throw Error(b, "binary expression must contain only scalar and instant vector types");
        if (PromQlParser.IsComparison(b.Op) && !b.ReturnBool && l == ValueType.Scalar && r == ValueType.Scalar)
            throw Error(b, "comparisons between scalars must use BOOL modifier");
        bool bothVectors = l == ValueType.Vector && r == ValueType.Vector;
        if (PromQlParser.IsSetOperator(b.Op))
        {
            if (l == ValueType.Scalar || r == ValueType.Scalar)
                throw Error(b, $"set operator \"{Printer.OpText(b.Op)}\" not allowed in binary scalar expression");
        }
        if (!bothVectors && b.Matching is { } m && (m.MatchingLabels.Length > 0 || m.On))
            throw Error(b, "vector matching only allowed between instant vectors");
        if (b.Matching is { } vm && vm.On && vm.Card is VectorMatchCardinality.ManyToOne or VectorMatchCardinality.OneToMany)
        {
            foreach (var inc in vm.Include)
                if (vm.MatchingLabels.Contains(inc))
                    throw Error(b, $"label \"{inc}\" must not occur in ON and GROUP clause at once");
        }
    }

    private void CheckCall(Call c)
    {
        var fn = c.Func;
        int n = c.Args.Length, required = fn.ArgTypes.Length;
        if (fn.Variadic == 0)
        {
            if (n != required)
                throw Error(c, $"expected {required} argument(s) in call to \"{fn.Name}\", got {n}");
        }
        else
        {
            int min = required - 1, max = min + fn.Variadic;
            if (n < min)
                throw Error(c, $"expected at least {min} argument(s) in call to \"{fn.Name}\", got {n}");
            if (fn.Variadic > 0 && n > max)
                throw Error(c, $"expected at most {max} argument(s) in call to \"{fn.Name}\", got {n}");
        }
        for (int i = 0; i < n; i++)
        {
            Check(c.Args[i]);
            var want = i < fn.ArgTypes.Length ? fn.ArgTypes[i] : fn.ArgTypes[^1];
            var got = c.Args[i].Type;
            if (got != want)
                throw Error(c.Args[i], $"expected type {Describe(want)} in call to function \"{fn.Name}\", got {Describe(got)}");
        }
    }
}
