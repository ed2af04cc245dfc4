using Mlobs.Model.Labels;

namespace Mlobs.Query.PromQl.Ast;

/// <summary>The type a PromQL expression evaluates to (promql/parser.ValueType).</summary>
public enum ValueType { None, Scalar, Vector, Matrix, String }

/// <summary>A PromQL syntax tree node (promql/parser/ast.go). <see cref="Position"/> is the byte offset where it starts.</summary>
public abstract record Expr(int Position)
{
    public abstract ValueType Type { get; }
}

public sealed record NumberLiteral(double Value, int Position) : Expr(Position)
{
    public override ValueType Type => ValueType.Scalar;
}

public sealed record StringLiteral(string Value, int Position) : Expr(Position)
{
    public override ValueType Type => ValueType.String;
}

/// <summary>Which evaluation time an <c>@</c> modifier names when it is not a fixed timestamp.</summary>
public enum AtModifier { None, Timestamp, Start, End }

/// <summary>
/// <c>offset</c> and <c>@</c> of a selector or subquery. <see cref="AtMs"/> holds the fixed timestamp, or (once the
/// engine has resolved <c>start()</c>/<c>end()</c> for a query) the query's start or end.
/// </summary>
public readonly record struct TimeModifiers(long OffsetMs, AtModifier At, long AtMs);

public sealed record VectorSelector(string? Name, LabelMatcher[] Matchers, TimeModifiers Modifiers, int Position) : Expr(Position)
{
    public override ValueType Type => ValueType.Vector;
}

public sealed record MatrixSelector(VectorSelector Selector, long RangeMs, int Position) : Expr(Position)
{
    public override ValueType Type => ValueType.Matrix;
}

public sealed record SubqueryExpr(Expr Inner, long RangeMs, long StepMs, TimeModifiers Modifiers, int Position) : Expr(Position)
{
    public override ValueType Type => ValueType.Matrix;
}

public sealed record ParenExpr(Expr Inner, int Position) : Expr(Position)
{
    public override ValueType Type => Inner.Type;
}

public sealed record UnaryExpr(BinaryOp Op, Expr Operand, int Position) : Expr(Position)
{
    public override ValueType Type => Operand.Type;
}

public enum BinaryOp
{
    Add, Sub, Mul, Div, Mod, Pow, Atan2,
    Eql, Neq, Gtr, Lss, Gte, Lte,
    And, Or, Unless,
}

public enum VectorMatchCardinality { OneToOne, ManyToOne, OneToMany, ManyToMany }

/// <summary><c>on</c>/<c>ignoring</c> and <c>group_left</c>/<c>group_right</c> of a binary operation between vectors.</summary>
public sealed record VectorMatching(VectorMatchCardinality Card, string[] MatchingLabels, bool On, string[] Include);

public sealed record BinaryExpr(BinaryOp Op, Expr Lhs, Expr Rhs, VectorMatching? Matching, bool ReturnBool, int Position) : Expr(Position)
{
    public override ValueType Type => Lhs.Type == ValueType.Scalar && Rhs.Type == ValueType.Scalar ? ValueType.Scalar : ValueType.Vector;
}

public sealed record Call(Function Func, Expr[] Args, int Position) : Expr(Position)
{
    public override ValueType Type => Func.ReturnType;
}

public enum AggregateOp { Sum, Min, Max, Avg, Count, Stddev, Stdvar, Topk, Bottomk, Quantile, CountValues, Group, Limitk, LimitRatio }

public sealed record AggregateExpr(AggregateOp Op, Expr Inner, Expr? Param, string[] Grouping, bool Without, int Position) : Expr(Position)
{
    public override ValueType Type => ValueType.Vector;
}
