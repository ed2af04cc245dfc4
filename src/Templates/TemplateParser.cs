using System.Globalization;

namespace Mlobs.Templates;

/// <summary>
/// Parses Go text/template source into trees (text/template/parse/parse.go): the main template plus any
/// <c>{{define}}</c>d ones. Functions are checked against <paramref name="functionExists"/> and variables against
/// their declarations, as Go does at parse time, so <c>{{ $label.x }}</c> fails with
/// <c>template: NAME:1: undefined variable "$label"</c> before anything runs.
/// </summary>
public sealed class TemplateParser
{
    private readonly string _name;
    private readonly List<Token> _tokens;
    private readonly Func<string, bool> _functionExists;
    private readonly Dictionary<string, ListNode> _templates;
    private int _index;
    private List<string> _vars = ["$"];
    private int _rangeDepth;

    /// <summary>
    /// Nesting of parenthesised pipelines and control blocks. Go's parser refuses parentheses deeper than 10,000
    /// ("max expression depth exceeded"); execution here recurses per level too, so blocks count and the limit is lower.
    /// </summary>
    public const int MaxStackDepth = 1000;
    private int _stackDepth;

    private void Deeper(Token at)
    {
        if (++_stackDepth > MaxStackDepth) throw Error("max expression depth exceeded", at);
    }

    private TemplateParser(string name, List<Token> tokens, Func<string, bool> functionExists, Dictionary<string, ListNode> templates)
    {
        _name = name;
        _tokens = tokens;
        _functionExists = functionExists;
        _templates = templates;
    }

    /// <summary>Parses <paramref name="text"/> as template <paramref name="name"/>; defined templates land in the result too.</summary>
    public static Dictionary<string, ListNode> Parse(string name, string text, Func<string, bool> functionExists)
    {
        var templates = new Dictionary<string, ListNode>(StringComparer.Ordinal);
        var p = new TemplateParser(name, TemplateLexer.Lex(text), functionExists, templates);
        var root = p.ParseRoot();
        // As Go's (*Tree).add: a definition that is only whitespace does not replace an existing one.
        if (!templates.ContainsKey(name) || !IsEmptyTree(root)) templates[name] = root;
        return templates;
    }

    private static bool IsEmptyTree(ListNode n) => n.Nodes.All(x => x is TextNode t && string.IsNullOrWhiteSpace(t.Text));

    // ---- token stream ----

    private Token Next() => _tokens[Math.Min(_index++, _tokens.Count - 1)];
    private Token Peek() => _tokens[Math.Min(_index, _tokens.Count - 1)];
    private void Backup(int n = 1) => _index -= n;

    private Token NextNonSpace()
    {
        Token t;
        do t = Next(); while (t.Kind == TokenKind.Space);
        return t;
    }

    private Token PeekNonSpace()
    {
        var t = NextNonSpace();
        Backup();
        return t;
    }

    private TemplateException Error(string message, Token? at = null)
    {
        var t = at ?? _tokens[Math.Clamp(_index - 1, 0, _tokens.Count - 1)];
        return new TemplateException($"template: {_name}:{t.Line}: {message}");
    }

    private TemplateException Unexpected(Token t, string context) =>
        t.Kind == TokenKind.Error ? Error(t.Text, t) : Error($"unexpected {t} in {context}", t);

    private Token Expect(TokenKind kind, string context)
    {
        var t = NextNonSpace();
        if (t.Kind != kind) throw Unexpected(t, context);
        return t;
    }

    // ---- structure ----

    private ListNode ParseRoot()
    {
        var root = new ListNode(Peek().Pos, []);
        while (Peek().Kind != TokenKind.Eof)
        {
            if (Peek().Kind == TokenKind.LeftDelim)
            {
                Next();
                if (NextNonSpace().Kind == TokenKind.Define)
                {
                    ParseDefinition();
                    continue;
                }
                // back to the delimiter (spaces skipped by NextNonSpace are re-read; they are insignificant here)
                while (_tokens[--_index].Kind != TokenKind.LeftDelim) { }
            }
            var n = TextOrAction();
            if (n is EndMarker or ElseMarker) throw Error($"unexpected {n}");
            root.Nodes.Add(n);
        }
        if (Peek().Kind == TokenKind.Error) throw Error(Peek().Text, Peek());
        return root;
    }

    private void ParseDefinition()
    {
        const string context = "define clause";
        var nameToken = NextNonSpace();
        if (nameToken.Kind is not (TokenKind.String or TokenKind.RawString)) throw Unexpected(nameToken, context);
        string name = Unquote(nameToken);
        Expect(TokenKind.RightDelim, context);
        var saved = _vars;
        _vars = ["$"];
        var (list, end) = ItemList();
        _vars = saved;
        if (end is not EndMarker) throw Error($"unexpected {end} in {context}");
        if (!_templates.TryGetValue(name, out var existing) || IsEmptyTree(existing) || !IsEmptyTree(list))
            _templates[name] = list;
    }

    /// <summary>Markers for {{end}} and {{else}}: they end a list and never reach the tree.</summary>
    private sealed record EndMarker(int Pos) : TemplateNode(Pos) { public override string ToString() => "{{end}}"; }
    private sealed record ElseMarker(int Pos, int Line) : TemplateNode(Pos) { public override string ToString() => "{{else}}"; }

    private (ListNode List, TemplateNode End) ItemList()
    {
        var list = new ListNode(PeekNonSpace().Pos, []);
        while (PeekNonSpace().Kind != TokenKind.Eof)
        {
            if (PeekNonSpace().Kind == TokenKind.Error) throw Error(PeekNonSpace().Text, PeekNonSpace());
            var n = TextOrAction();
            if (n is EndMarker or ElseMarker) return (list, n);
            list.Nodes.Add(n);
        }
        NextNonSpace();
        throw Error("unexpected EOF");
    }

    private TemplateNode TextOrAction()
    {
        var t = NextNonSpace();
        return t.Kind switch
        {
            TokenKind.Text => new TextNode(t.Pos, t.Text),
            TokenKind.LeftDelim => Action(),
            _ => throw Unexpected(t, "input"),
        };
    }

    private TemplateNode Action()
    {
        var t = NextNonSpace();
        switch (t.Kind)
        {
            case TokenKind.Block: throw Error("{{block}} is not supported", t);
            case TokenKind.Break:
                if (NextNonSpace() is var b && b.Kind != TokenKind.RightDelim) throw Unexpected(b, "{{break}}");
                if (_rangeDepth == 0) throw Error("{{break}} outside {{range}}", t);
                return new BreakNode(t.Pos, t.Line);
            case TokenKind.Continue:
                if (NextNonSpace() is var c && c.Kind != TokenKind.RightDelim) throw Unexpected(c, "{{continue}}");
                if (_rangeDepth == 0) throw Error("{{continue}} outside {{range}}", t);
                return new ContinueNode(t.Pos, t.Line);
            case TokenKind.Else:
                var peek = PeekNonSpace();
                if (peek.Kind is TokenKind.If or TokenKind.With) return new ElseMarker(peek.Pos, peek.Line);
                var e = Expect(TokenKind.RightDelim, "else");
                return new ElseMarker(e.Pos, e.Line);
            case TokenKind.End:
                return new EndMarker(Expect(TokenKind.RightDelim, "end").Pos);
            case TokenKind.If: return Control(BranchKind.If);
            case TokenKind.Range: return Control(BranchKind.Range);
            case TokenKind.With: return Control(BranchKind.With);
            case TokenKind.Template: return TemplateControl();
        }
        Backup();
        var first = Peek();
        // Variables declared here persist until the enclosing {{end}}.
        return new ActionNode(first.Pos, first.Line, Pipeline("command", TokenKind.RightDelim));
    }

    private BranchNode Control(BranchKind kind)
    {
        string context = kind switch { BranchKind.If => "if", BranchKind.Range => "range", _ => "with" };
        int varCount = _vars.Count;
        Deeper(Peek());
        try
        {
            var pipe = Pipeline(context, TokenKind.RightDelim);
            if (kind == BranchKind.Range) _rangeDepth++;
            var (list, next) = ItemList();
            if (kind == BranchKind.Range) _rangeDepth--;
            ListNode? elseList = null;
            if (next is ElseMarker em)
            {
                if (kind == BranchKind.If && Peek().Kind == TokenKind.If)
                {
                    Next();
                    elseList = new ListNode(em.Pos, [Control(BranchKind.If)]);
                }
                else if (kind == BranchKind.With && Peek().Kind == TokenKind.With)
                {
                    Next();
                    elseList = new ListNode(em.Pos, [Control(BranchKind.With)]);
                }
                else
                {
                    (elseList, next) = ItemList();
                    if (next is not EndMarker) throw Error($"expected end; found {next}");
                }
            }
            return new BranchNode(pipe.Pos, pipe.Line, kind, pipe, list, elseList);
        }
        finally
        {
            _stackDepth--;
            _vars = _vars.Take(varCount).ToList();
        }
    }

    private TemplateCallNode TemplateControl()
    {
        const string context = "template clause";
        var t = NextNonSpace();
        if (t.Kind is not (TokenKind.String or TokenKind.RawString)) throw Unexpected(t, context);
        string name = Unquote(t);
        PipeNode? pipe = null;
        if (NextNonSpace().Kind != TokenKind.RightDelim)
        {
            Backup();
            pipe = Pipeline(context, TokenKind.RightDelim);
        }
        return new TemplateCallNode(t.Pos, t.Line, name, pipe);
    }

    private PipeNode Pipeline(string context, TokenKind end)
    {
        var start = PeekNonSpace();
        var decl = new List<VariableNode>();
        bool isAssign = false;
        while (PeekNonSpace() is { Kind: TokenKind.Variable } v)
        {
            int save = _index;
            NextNonSpace();
            var afterVariable = Peek();
            var next = PeekNonSpace();
            if (next.Kind is TokenKind.Assign or TokenKind.Declare)
            {
                isAssign = next.Kind == TokenKind.Assign;
                NextNonSpace();
                decl.Add(new VariableNode(v.Pos, [v.Text]));
                _vars.Add(v.Text);
                if (isAssign && !_vars.Take(_vars.Count - 1).Contains(v.Text)) throw Error($"undefined variable {GoQuote.Quote(v.Text)}", v);
                break;
            }
            if (next.Kind == TokenKind.Char && next.Text == ",")
            {
                NextNonSpace();
                decl.Add(new VariableNode(v.Pos, [v.Text]));
                _vars.Add(v.Text);
                if (context == "range" && decl.Count < 2)
                {
                    if (PeekNonSpace().Kind is TokenKind.Variable or TokenKind.RightDelim or TokenKind.RightParen) continue;
                    throw Error("range can only initialize variables");
                }
                throw Error($"too many declarations in {context}");
            }
            _ = afterVariable;
            _index = save;
            break;
        }
        var cmds = new List<CommandNode>();
        while (true)
        {
            var t = NextNonSpace();
            if (t.Kind == end)
            {
                if (cmds.Count == 0) throw Error($"missing value for {context}");
                for (int i = 1; i < cmds.Count; i++)
                    if (cmds[i].Args[0] is BoolNode or DotNode or NilNode or NumberNode or StringNode)
                        throw Error($"non executable command in pipeline stage {i + 1}");
                return new PipeNode(start.Pos, start.Line, isAssign, decl, cmds);
            }
            switch (t.Kind)
            {
                case TokenKind.Bool or TokenKind.CharConstant or TokenKind.Dot or TokenKind.Field or TokenKind.Identifier
                    or TokenKind.Number or TokenKind.Nil or TokenKind.RawString or TokenKind.String or TokenKind.Variable
                    or TokenKind.LeftParen:
                    Backup();
                    cmds.Add(Command());
                    break;
                default:
                    throw Unexpected(t, context);
            }
        }
    }

    private CommandNode Command()
    {
        var cmd = new CommandNode(PeekNonSpace().Pos, []);
        while (true)
        {
            PeekNonSpace();
            var operand = Operand();
            if (operand is not null) cmd.Args.Add(operand);
            var t = Next();
            if (t.Kind == TokenKind.Space) continue;
            if (t.Kind is TokenKind.RightDelim or TokenKind.RightParen) Backup();
            else if (t.Kind != TokenKind.Pipe) throw Unexpected(t, "operand");
            break;
        }
        if (cmd.Args.Count == 0) throw Error("empty command");
        return cmd;
    }

    private TemplateNode? Operand()
    {
        var node = Term();
        if (node is null) return null;
        if (Peek().Kind != TokenKind.Field) return node;
        int pos = Peek().Pos;
        var fields = new List<string>();
        while (Peek().Kind == TokenKind.Field) fields.Add(Next().Text[1..]);
        return node switch
        {
            FieldNode f => new FieldNode(f.Pos, [.. f.Ident, .. fields]),
            VariableNode v => new VariableNode(v.Pos, [.. v.Ident, .. fields]),
            BoolNode or StringNode or NumberNode or NilNode or DotNode => throw Error($"unexpected . after term {GoQuote.Quote(node.ToString()!)}"),
            _ => new ChainNode(pos, node, fields),
        };
    }

    private TemplateNode? Term()
    {
        var t = NextNonSpace();
        switch (t.Kind)
        {
            case TokenKind.Identifier:
                if (!_functionExists(t.Text)) throw Error($"function {GoQuote.Quote(t.Text)} not defined", t);
                return new IdentifierNode(t.Pos, t.Text);
            case TokenKind.Dot: return new DotNode(t.Pos);
            case TokenKind.Nil: return new NilNode(t.Pos);
            case TokenKind.Variable:
                var v = new VariableNode(t.Pos, [.. t.Text.Split('.')]);
                if (!_vars.Contains(v.Ident[0])) throw Error($"undefined variable {GoQuote.Quote(v.Ident[0])}", t);
                return v;
            case TokenKind.Field: return new FieldNode(t.Pos, [t.Text[1..]]);
            case TokenKind.Bool: return new BoolNode(t.Pos, t.Text == "true");
            case TokenKind.Number or TokenKind.CharConstant: return Number(t);
            case TokenKind.LeftParen:
                Deeper(t);
                try { return Pipeline("parenthesized pipeline", TokenKind.RightParen); }
                finally { _stackDepth--; }
            case TokenKind.String or TokenKind.RawString: return new StringNode(t.Pos, t.Text, Unquote(t));
        }
        Backup();
        return null;
    }

    private string Unquote(Token t)
    {
        try { return GoQuote.Unquote(t.Text); }
        catch (Exception e) when (e is FormatException or ArgumentException) { throw Error("invalid syntax", t); }
    }

    private NumberNode Number(Token t)
    {
        if (t.Kind == TokenKind.CharConstant)
        {
            string r = Unquote(t);
            int rune = char.ConvertToUtf32(r, 0);
            return new NumberNode(t.Pos, t.Text, true, rune, true, rune);
        }
        string text = t.Text.Replace("_", "");
        bool neg = text.StartsWith('-');
        string body = text.TrimStart('+', '-');
        bool isInt = false, isFloat = false;
        long i = 0;
        double f = 0;
        try
        {
            ulong u;
            if (body.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && !body.Contains('.') && !body.Contains('p', StringComparison.OrdinalIgnoreCase))
                u = ulong.Parse(body[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            else if (body.StartsWith("0b", StringComparison.OrdinalIgnoreCase)) u = Convert.ToUInt64(body[2..], 2);
            else if (body.StartsWith("0o", StringComparison.OrdinalIgnoreCase)) u = Convert.ToUInt64(body[2..], 8);
            else if (body.Length > 1 && body[0] == '0' && body.All(char.IsAsciiDigit)) u = Convert.ToUInt64(body[1..], 8);
            else u = ulong.Parse(body, NumberStyles.None, CultureInfo.InvariantCulture);
            if (u <= (neg ? 9223372036854775808UL : long.MaxValue)) { i = neg ? (long)(0 - u) : (long)u; isInt = true; f = i; isFloat = true; }
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException) { }
        if (!isInt && !body.StartsWith("0x", StringComparison.OrdinalIgnoreCase) &&
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out f))
        {
            isFloat = true;
            if (f == Math.Floor(f) && Math.Abs(f) < 9.2e18) { i = (long)f; isInt = true; }
        }
        if (!isInt && !isFloat) throw Error($"illegal number syntax: {GoQuote.Quote(t.Text)}", t);
        return new NumberNode(t.Pos, t.Text, isInt, i, isFloat, f);
    }
}
