using Mlobs.Model;
using Mlobs.Query.PromQl.Ast;
using Mlobs.Query.PromQl.Parser;

namespace Mlobs.Query.Tests.PromQl.Parser;

public class PromQlParserTests
{
    [Theory]
    [InlineData("1 + 2 * 3", "Add")]
    [InlineData("2 ^ 3 ^ 2", "Pow")]
    [InlineData("a or b and c", "Or")]
    [InlineData("a unless b or c", "Or")]
    [InlineData("a == bool b + 1", "Eql")]
    public void PrecedenceAsPrometheus(string query, string topOp)
    {
        var e = (BinaryExpr)PromQlParser.Parse(query);
        Assert.Equal(topOp, e.Op.ToString());
    }

    [Fact]
    public void PowIsRightAssociativeAndUnaryMinusBindsBelowIt()
    {
        var e = (BinaryExpr)PromQlParser.Parse("2 ^ 3 ^ 2");
        Assert.IsType<BinaryExpr>(e.Rhs);
        var u = Assert.IsType<UnaryExpr>(PromQlParser.Parse("-a ^ 2"));
        Assert.IsType<BinaryExpr>(u.Operand);
        Assert.Equal(-1, Assert.IsType<NumberLiteral>(PromQlParser.Parse("-1")).Value);
    }

    [Fact]
    public void ModifiersSubqueriesAndGrouping()
    {
        var ms = Assert.IsType<MatrixSelector>(PromQlParser.Parse("http_requests_total{job=~\"api|web\"}[5m] offset -1h30m @ 1700000000"));
        Assert.Equal(300_000, ms.RangeMs);
        Assert.Equal(-5_400_000, ms.Selector.Modifiers.OffsetMs);
        Assert.Equal(1_700_000_000_000, ms.Selector.Modifiers.AtMs);
        var sq = Assert.IsType<SubqueryExpr>(((Call)PromQlParser.Parse("max_over_time(rate(x[1m])[1h:30s] @ end())")).Args[0]);
        Assert.Equal(AtModifier.End, sq.Modifiers.At);
        Assert.Equal(30_000, sq.StepMs);
        var agg = Assert.IsType<AggregateExpr>(PromQlParser.Parse("topk(5, x) by (job, \"dotted.label\",)"));
        Assert.Equal(["job", "dotted.label"], agg.Grouping);
        var b = Assert.IsType<BinaryExpr>(PromQlParser.Parse("a * on(instance) group_left(team) b"));
        Assert.Equal(VectorMatchCardinality.ManyToOne, b.Matching!.Card);
        Assert.Equal(["team"], b.Matching.Include);
        Assert.Equal(0x1F, Assert.IsType<NumberLiteral>(PromQlParser.Parse("0x1F")).Value);
    }

    [Theory]
    [InlineData("sum(up", "1:7: parse error: unclosed left parenthesis")]
    [InlineData("sum(up))", "1:8: parse error: unexpected right parenthesis ')'")]
    [InlineData("sum(up{job=\"a\"", "1:15: parse error: unexpected end of input inside braces")]
    [InlineData("rate(up)", "1:6: parse error: expected type range vector in call to function \"rate\", got instant vector")]
    [InlineData("{}", "1:1: parse error: vector selector must contain at least one non-empty matcher")]
    [InlineData("1 > 2", "1:1: parse error: comparisons between scalars must use BOOL modifier")]
    [InlineData("up offset 5m offset 1m", "1:14: parse error: offset may not be set multiple times")]
    [InlineData("nosuchfn(up)", "1:1: parse error: unknown function with name \"nosuchfn\"")]
    [InlineData("sum(up)[5m]", "1:1: parse error: ranges only allowed for vector selectors")]
    [InlineData("up and 1", "1:1: parse error: set operator \"and\" not allowed in binary scalar expression")]
    [InlineData("label_replace(up, \"a\")", "1:1: parse error: expected 5 argument(s) in call to \"label_replace\", got 2")]
    public void ErrorsNamePositionAndProblem(string query, string message)
    {
        var ex = Assert.Throws<ParseException>(() => PromQlParser.Parse(query));
        Assert.Equal(message, ex.Message);
    }

    [Theory]
    [InlineData("1h30m", 5_400_000L)]
    [InlineData("1m30s", 90_000L)]
    [InlineData("1y", 31_536_000_000L)]
    [InlineData("250ms", 250L)]
    public void Durations(string text, long ms)
    {
        Assert.True(PromDuration.TryParse(text, out long parsed));
        Assert.Equal(ms, parsed);
        Assert.Equal(text, PromDuration.Format(ms));
    }
}
