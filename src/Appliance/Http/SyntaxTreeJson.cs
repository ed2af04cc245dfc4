using System.Text.Json;
using Mlobs.Model.Strconv;
using Mlobs.Query.PromQl.Ast;
using Mlobs.Query.PromQl.Engine;
using ValueType = Mlobs.Query.PromQl.Ast.ValueType;

namespace Mlobs.Appliance.Http;

/// <summary>
/// <c>/api/v1/parse_query</c>'s answer: the syntax tree as Prometheus's web/api/v1/translate_ast.go shapes it for
/// the UI's tree view. Go marshals those maps with sorted keys, so every object here is written in key order.
/// </summary>
public sealed class SyntaxTreeJson(Expr expr) : StreamedJsonResult
{
    protected override void WriteBody(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("status", "success");
        w.WritePropertyName("data");
        Write(w, expr);
        w.WriteEndObject();
    }

    public static void Write(Utf8JsonWriter w, Expr? e)
    {
        if (e is null)
        {
            w.WriteNullValue();
            return;
        }
        w.WriteStartObject();
        switch (e)
        {
            case AggregateExpr a:
                w.WritePropertyName("expr"); Write(w, a.Inner);
                WriteStrings(w, "grouping", a.Grouping);
                w.WriteString("op", Printer.AggregateOpText(a.Op));
                w.WritePropertyName("param"); Write(w, a.Param);
                w.WriteString("type", "aggregation");
                w.WriteBoolean("without", a.Without);
                break;
            case BinaryExpr b:
                w.WriteBoolean("bool", b.ReturnBool);
                w.WritePropertyName("lhs"); Write(w, b.Lhs);
                w.WritePropertyName("matching"); WriteMatching(w, b);
                w.WriteString("op", Printer.OpText(b.Op));
                w.WritePropertyName("rhs"); Write(w, b.Rhs);
                w.WriteString("type", "binaryExpr");
                break;
            case Call c:
                w.WriteStartArray("args");
                foreach (var arg in c.Args) Write(w, arg);
                w.WriteEndArray();
                w.WriteStartObject("func");
                w.WriteStartArray("argTypes");
                foreach (var t in c.Func.ArgTypes) w.WriteStringValue(TypeName(t));
                w.WriteEndArray();
                w.WriteString("name", c.Func.Name);
                w.WriteString("returnType", TypeName(c.Func.ReturnType));
                w.WriteNumber("variadic", c.Func.Variadic);
                w.WriteEndObject();
                w.WriteString("type", "call");
                break;
            case MatrixSelector m:
                WriteMatchers(w, m.Selector);
                w.WriteString("name", m.Selector.Name ?? "");
                w.WriteNumber("offset", m.Selector.Modifiers.OffsetMs);
                w.WriteNumber("range", m.RangeMs);
                WriteAt(w, m.Selector.Modifiers);
                w.WriteString("type", "matrixSelector");
                break;
            case SubqueryExpr sq:
                w.WritePropertyName("expr"); Write(w, sq.Inner);
                w.WriteNumber("offset", sq.Modifiers.OffsetMs);
                w.WriteNumber("range", sq.RangeMs);
                WriteStartOrEnd(w, sq.Modifiers);
                w.WriteNumber("step", sq.StepMs);
                WriteTimestamp(w, sq.Modifiers);
                w.WriteString("type", "subquery");
                break;
            case NumberLiteral n:
                w.WriteString("type", "numberLiteral");
                w.WriteString("val", ValueFormat.Float(n.Value));
                break;
            case ParenExpr p:
                w.WritePropertyName("expr"); Write(w, p.Inner);
                w.WriteString("type", "parenExpr");
                break;
            case StringLiteral s:
                w.WriteString("type", "stringLiteral");
                w.WriteString("val", s.Value);
                break;
            case UnaryExpr u:
                w.WritePropertyName("expr"); Write(w, u.Operand);
                w.WriteString("op", Printer.OpText(u.Op));
                w.WriteString("type", "unaryExpr");
                break;
            case VectorSelector vs:
                WriteMatchers(w, vs);
                w.WriteString("name", vs.Name ?? "");
                w.WriteNumber("offset", vs.Modifiers.OffsetMs);
                WriteAt(w, vs.Modifiers);
                w.WriteString("type", "vectorSelector");
                break;
            default:
                throw new ArgumentException($"unsupported node type {e.GetType().Name}");
        }
        w.WriteEndObject();
    }

    private static void WriteMatching(Utf8JsonWriter w, BinaryExpr b)
    {
        // Prometheus gives every operation between two vectors a matching (one-to-one, or many-to-many for and/or/unless).
        var vm = b.Matching;
        if (vm is null)
        {
            if (b.Lhs.Type != ValueType.Vector || b.Rhs.Type != ValueType.Vector) { w.WriteNullValue(); return; }
            bool set = b.Op is BinaryOp.And or BinaryOp.Or or BinaryOp.Unless;
            vm = new VectorMatching(set ? VectorMatchCardinality.ManyToMany : VectorMatchCardinality.OneToOne, [], false, []);
        }
        w.WriteStartObject();
        w.WriteString("card", vm.Card switch
        {
            VectorMatchCardinality.OneToOne => "one-to-one",
            VectorMatchCardinality.ManyToOne => "many-to-one",
            VectorMatchCardinality.OneToMany => "one-to-many",
            _ => "many-to-many",
        });
        WriteStrings(w, "include", vm.Include);
        WriteStrings(w, "labels", vm.MatchingLabels);
        w.WriteBoolean("on", vm.On);
        w.WriteEndObject();
    }

    private static void WriteMatchers(Utf8JsonWriter w, VectorSelector vs)
    {
        w.WriteStartArray("matchers");
        foreach (var m in vs.Matchers)
        {
            w.WriteStartObject();
            w.WriteString("name", m.Name);
            w.WriteString("type", Printer.MatchTypeText(m.Type));
            w.WriteString("value", m.Value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>startOrEnd then timestamp: the two keys sit apart in sorted order only for subqueries.</summary>
    private static void WriteAt(Utf8JsonWriter w, TimeModifiers t)
    {
        WriteStartOrEnd(w, t);
        WriteTimestamp(w, t);
    }

    private static void WriteStartOrEnd(Utf8JsonWriter w, TimeModifiers t)
    {
        switch (t.At)
        {
            case AtModifier.Start: w.WriteString("startOrEnd", "start"); break;
            case AtModifier.End: w.WriteString("startOrEnd", "end"); break;
            default: w.WriteNull("startOrEnd"); break;
        }
    }

    private static void WriteTimestamp(Utf8JsonWriter w, TimeModifiers t)
    {
        if (t.At == AtModifier.Timestamp) w.WriteNumber("timestamp", t.AtMs);
        else w.WriteNull("timestamp");
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, string[] values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static string TypeName(ValueType t) => t switch
    {
        ValueType.Scalar => "scalar",
        ValueType.Vector => "vector",
        ValueType.Matrix => "matrix",
        ValueType.String => "string",
        _ => "none",
    };
}
