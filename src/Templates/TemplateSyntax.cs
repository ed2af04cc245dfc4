namespace Mlobs.Templates;

/// <summary>
/// The syntax tree of a Go text/template (text/template/parse/node.go). <see cref="Pos"/> is the offset in the
/// template text, used for <c>LINE:COL</c> in execution errors; <c>ToString</c> prints a node the way Go does in
/// the <c>at &lt;...&gt;</c> part of an error.
/// </summary>
public abstract record TemplateNode(int Pos);

public sealed record ListNode(int Pos, List<TemplateNode> Nodes) : TemplateNode(Pos)
{
    public override string ToString() => string.Concat(Nodes.Select(n => n.ToString()));
}

public sealed record TextNode(int Pos, string Text) : TemplateNode(Pos)
{
    public override string ToString() => Text;
}

public sealed record ActionNode(int Pos, int Line, PipeNode Pipe) : TemplateNode(Pos)
{
    public override string ToString() => "{{" + Pipe + "}}";
}

/// <summary>A pipeline, optionally declaring (<c>$x :=</c>) or assigning (<c>$x =</c>) variables.</summary>
public sealed record PipeNode(int Pos, int Line, bool IsAssign, List<VariableNode> Decl, List<CommandNode> Cmds) : TemplateNode(Pos)
{
    public override string ToString()
    {
        var s = "";
        if (Decl.Count > 0) s = string.Join(", ", Decl.Select(d => d.ToString())) + (IsAssign ? " = " : " := ");
        return s + string.Join(" | ", Cmds.Select(c => c.ToString()));
    }
}

public sealed record CommandNode(int Pos, List<TemplateNode> Args) : TemplateNode(Pos)
{
    public override string ToString() =>
        string.Join(" ", Args.Select(a => a is PipeNode ? "(" + a + ")" : a.ToString()));
}

public sealed record IdentifierNode(int Pos, string Name) : TemplateNode(Pos)
{
    public override string ToString() => Name;
}

/// <summary><c>$x</c> or <c>$x.Field.Sub</c>: the variable name first, then fields.</summary>
public sealed record VariableNode(int Pos, List<string> Ident) : TemplateNode(Pos)
{
    public override string ToString() => string.Join(".", Ident);
}

public sealed record DotNode(int Pos) : TemplateNode(Pos)
{
    public override string ToString() => ".";
}

public sealed record NilNode(int Pos) : TemplateNode(Pos)
{
    public override string ToString() => "nil";
}

public sealed record FieldNode(int Pos, List<string> Ident) : TemplateNode(Pos)
{
    public override string ToString() => string.Concat(Ident.Select(i => "." + i));
}

/// <summary>Fields of a parenthesized pipeline or other operand: <c>(query "up" | first).Labels</c>.</summary>
public sealed record ChainNode(int Pos, TemplateNode Node, List<string> Field) : TemplateNode(Pos)
{
    public override string ToString() =>
        (Node is PipeNode ? "(" + Node + ")" : Node.ToString()) + string.Concat(Field.Select(f => "." + f));
}

public sealed record BoolNode(int Pos, bool Value) : TemplateNode(Pos)
{
    public override string ToString() => Value ? "true" : "false";
}

/// <summary>A number constant: Go keeps integer and float forms; an untyped constant becomes int or float64.</summary>
public sealed record NumberNode(int Pos, string Text, bool IsInt, long Int, bool IsFloat, double Float) : TemplateNode(Pos)
{
    public override string ToString() => Text;
}

public sealed record StringNode(int Pos, string Quoted, string Text) : TemplateNode(Pos)
{
    public override string ToString() => Quoted;
}

public enum BranchKind { If, Range, With }

public sealed record BranchNode(int Pos, int Line, BranchKind Kind, PipeNode Pipe, ListNode List, ListNode? ElseList) : TemplateNode(Pos)
{
    public override string ToString()
    {
        string name = Kind switch { BranchKind.If => "if", BranchKind.Range => "range", _ => "with" };
        return "{{" + name + " " + Pipe + "}}" + List + (ElseList is null ? "" : "{{else}}" + ElseList) + "{{end}}";
    }
}

/// <summary><c>{{template "name" pipeline}}</c>.</summary>
public sealed record TemplateCallNode(int Pos, int Line, string Name, PipeNode? Pipe) : TemplateNode(Pos)
{
    public override string ToString() => "{{template " + GoQuote.Quote(Name) + (Pipe is null ? "" : " " + Pipe) + "}}";
}

public sealed record BreakNode(int Pos, int Line) : TemplateNode(Pos)
{
    public override string ToString() => "{{break}}";
}

public sealed record ContinueNode(int Pos, int Line) : TemplateNode(Pos)
{
    public override string ToString() => "{{continue}}";
}
