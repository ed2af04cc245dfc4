using System.Text;

namespace Mlobs.Templates;

/// <summary>
/// Runs a parsed template (text/template/exec.go): walks the tree with a dot value and a variable stack, calls
/// functions with Go's argument checks, and reports failures as Go does, located by line and column in the source.
/// </summary>
internal sealed class TemplateExecutor
{
    private const int MaxDepth = 10000;

    /// <summary>No final value: the command is the first of its pipeline (Go's missingVal).</summary>
    private static readonly object Missing = new();

    private readonly GoTemplate _template;
    private readonly StringBuilder _out;
    private readonly List<(string Name, object? Value)> _vars = [];
    private string _current;
    private TemplateNode? _node;
    private int _depth;

    private sealed class BreakSignal : Exception;
    private sealed class ContinueSignal : Exception;

    public TemplateExecutor(GoTemplate template, StringBuilder output, string name)
    {
        _template = template;
        _out = output;
        _current = name;
    }

    public void Run(object? data)
    {
        _vars.Add(("$", data));
        Walk(data, _template.Trees[_current]);
    }

    // ---- errors ----

    private TemplateException Error(string message)
    {
        if (_node is null) return new TemplateException($"template: {_current}: {message}");
        string text = _template.Source;
        int pos = Math.Min(_node.Pos, text.Length);
        int lastNewline = text.LastIndexOf('\n', Math.Max(pos - 1, 0));
        if (pos == 0) lastNewline = -1;
        int line = 1 + text.AsSpan(0, pos).Count('\n');
        int col = lastNewline < 0 ? pos : pos - (lastNewline + 1);
        string context = _node.ToString() ?? "";
        if (context.Length > 20) context = context[..20] + "...";
        return new TemplateException($"template: {_template.Name}:{line}:{col}: executing {GoQuote.Quote(_current)} at <{context}>: {message}");
    }

    // ---- walking ----

    private void Walk(object? dot, TemplateNode node)
    {
        _node = node;
        switch (node)
        {
            case ActionNode a:
                var value = EvalPipeline(dot, a.Pipe);
                if (a.Pipe.Decl.Count == 0) Print(a, value);
                break;
            case ListNode l:
                foreach (var n in l.Nodes) Walk(dot, n);
                break;
            case TextNode t:
                _out.Append(t.Text);
                break;
            case BranchNode { Kind: BranchKind.Range } r:
                WalkRange(dot, r);
                break;
            case BranchNode b:
                WalkIfOrWith(dot, b);
                break;
            case TemplateCallNode tc:
                WalkTemplate(dot, tc);
                break;
            case BreakNode:
                throw new BreakSignal();
            case ContinueNode:
                throw new ContinueSignal();
            default:
                throw Error($"unknown node: {node}");
        }
    }

    private void Print(TemplateNode node, object? value)
    {
        _node = node;
        if (_out.Length > GoTemplate.MaxOutputChars) throw Error("template output exceeds the size limit");
        _out.Append(value is null ? "<no value>" : GoValueFormat.V(value));
    }

    private void WalkIfOrWith(object? dot, BranchNode b)
    {
        int mark = _vars.Count;
        try
        {
            var value = EvalPipeline(dot, b.Pipe);
            if (GoValueFormat.IsTrue(value)) Walk(b.Kind == BranchKind.With ? value : dot, b.List);
            else if (b.ElseList is not null) Walk(dot, b.ElseList);
        }
        finally { Pop(mark); }
    }

    private void WalkRange(object? dot, BranchNode r)
    {
        _node = r;
        int outer = _vars.Count;
        try
        {
            var value = EvalPipeline(dot, r.Pipe);
            int mark = _vars.Count;
            var items = Iterate(value);
            if (items is null)
            {
                if (value is not null) throw Error($"range can't iterate over {GoValueFormat.V(value)}");
            }
            else if (items.Count > 0)
            {
                foreach (var (index, elem) in items)
                {
                    if (r.Pipe.Decl.Count > 0)
                    {
                        if (r.Pipe.IsAssign) SetVar(r.Pipe.Decl[0].Ident[0], r.Pipe.Decl.Count > 1 ? index : elem);
                        else SetTopVar(1, elem);
                    }
                    if (r.Pipe.Decl.Count > 1)
                    {
                        if (r.Pipe.IsAssign) SetVar(r.Pipe.Decl[1].Ident[0], elem);
                        else SetTopVar(2, index);
                    }
                    try { Walk(elem, r.List); }
                    catch (ContinueSignal) { }
                    catch (BreakSignal) { Pop(mark); return; }
                    finally { Pop(mark); }
                }
                return;
            }
            if (r.ElseList is not null) Walk(dot, r.ElseList);
        }
        finally { Pop(outer); }
    }

    /// <summary>The (index, element) pairs <c>range</c> visits: slices in order, maps by sorted key, 0..n-1 for an int.</summary>
    private static List<(object? Index, object? Elem)>? Iterate(object? value) => value switch
    {
        null => null,
        string => null,
        IReadOnlyDictionary<string, string> m => m.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => ((object?)kv.Key, (object?)kv.Value)).ToList(),
        IReadOnlyDictionary<string, object?> m => m.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => ((object?)kv.Key, kv.Value)).ToList(),
        IReadOnlyList<object?> l => l.Select((e, i) => ((object?)(long)i, e)).ToList(),
        long n => Enumerable.Range(0, (int)Math.Clamp(n, 0, int.MaxValue)).Select(i => ((object?)(long)i, (object?)(long)i)).ToList(),
        _ => null,
    };

    private void WalkTemplate(object? dot, TemplateCallNode t)
    {
        _node = t;
        if (!_template.Trees.TryGetValue(t.Name, out var tree)) throw Error($"template {GoQuote.Quote(t.Name)} not defined");
        if (_depth >= MaxDepth) throw Error($"exceeded maximum template depth ({MaxDepth})");
        var newDot = t.Pipe is null ? dot : EvalPipeline(dot, t.Pipe);
        var savedVars = _vars.ToList();
        string savedName = _current;
        _vars.Clear();
        _vars.Add(("$", newDot));
        _current = t.Name;
        _depth++;
        try { Walk(newDot, tree); }
        finally
        {
            _depth--;
            _current = savedName;
            _vars.Clear();
            _vars.AddRange(savedVars);
        }
    }

    // ---- variables ----

    private void Pop(int mark) { if (_vars.Count > mark) _vars.RemoveRange(mark, _vars.Count - mark); }

    private void SetVar(string name, object? value)
    {
        for (int i = _vars.Count - 1; i >= 0; i--)
            if (_vars[i].Name == name) { _vars[i] = (name, value); return; }
        throw Error($"undefined variable: {name}");
    }

    private void SetTopVar(int n, object? value) => _vars[^n] = (_vars[^n].Name, value);

    private object? VarValue(string name)
    {
        for (int i = _vars.Count - 1; i >= 0; i--)
            if (_vars[i].Name == name) return _vars[i].Value;
        throw Error($"undefined variable: {name}");
    }

    // ---- evaluation ----

    private object? EvalPipeline(object? dot, PipeNode pipe)
    {
        _node = pipe;
        object? value = Missing;
        foreach (var cmd in pipe.Cmds) value = EvalCommand(dot, cmd, value);
        foreach (var v in pipe.Decl)
        {
            if (pipe.IsAssign) SetVar(v.Ident[0], value);
            else _vars.Add((v.Ident[0], value));
        }
        return value;
    }

    private object? EvalCommand(object? dot, CommandNode cmd, object? final)
    {
        var first = cmd.Args[0];
        switch (first)
        {
            case FieldNode f:
                _node = f;
                return EvalFieldChain(dot, dot, f, f.Ident, cmd.Args, final);
            case ChainNode c:
                return EvalChain(dot, c, cmd.Args, final);
            case IdentifierNode id:
                return EvalFunction(dot, id, cmd, cmd.Args, final);
            case PipeNode p:
                NotAFunction(cmd.Args, final);
                return EvalPipeline(dot, p);
            case VariableNode v:
                return EvalVariable(dot, v, cmd.Args, final);
        }
        _node = first;
        NotAFunction(cmd.Args, final);
        return first switch
        {
            BoolNode b => b.Value,
            DotNode => dot,
            NilNode => throw Error("nil is not a command"),
            NumberNode n => IdealConstant(n),
            StringNode s => s.Text,
            _ => throw Error($"can't evaluate command {GoQuote.Quote(first.ToString()!)}"),
        };
    }

    private void NotAFunction(List<TemplateNode> args, object? final)
    {
        if (args.Count > 1 || final != Missing) throw Error($"can't give argument to non-function {args[0]}");
    }

    private object IdealConstant(NumberNode n)
    {
        _node = n;
        bool hexInt = n.Text.Length > 2 && n.Text.TrimStart('+', '-').StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && !n.Text.Contains('p', StringComparison.OrdinalIgnoreCase);
        if (n.IsFloat && !hexInt && !n.Text.StartsWith('\'') && n.Text.IndexOfAny(['.', 'e', 'E', 'p', 'P']) >= 0) return n.Float;
        if (n.IsInt) return n.Int;
        throw Error($"{n.Text} overflows int");
    }

    private object? EvalVariable(object? dot, VariableNode v, List<TemplateNode>? args, object? final)
    {
        _node = v;
        var value = VarValue(v.Ident[0]);
        if (v.Ident.Count == 1)
        {
            if (args is not null) NotAFunction(args, final);
            return value;
        }
        return EvalFieldChain(dot, value, v, v.Ident.Skip(1).ToList(), args, final);
    }

    private object? EvalChain(object? dot, ChainNode chain, List<TemplateNode>? args, object? final)
    {
        _node = chain;
        if (chain.Field.Count == 0) throw Error("internal error: no fields in evalChainNode");
        if (chain.Node is NilNode) throw Error("indirection through explicit nil in " + chain);
        var pipe = EvalArg(dot, TemplateParam.Value, chain.Node);
        return EvalFieldChain(dot, pipe, chain, chain.Field, args, final);
    }

    private object? EvalFieldChain(object? dot, object? receiver, TemplateNode node, List<string> ident, List<TemplateNode>? args, object? final)
    {
        int n = ident.Count;
        for (int i = 0; i < n - 1; i++) receiver = EvalField(dot, ident[i], node, null, Missing, receiver);
        return EvalField(dot, ident[n - 1], node, args, final, receiver);
    }

    private object? EvalField(object? dot, string name, TemplateNode node, List<TemplateNode>? args, object? final, object? receiver)
    {
        _node = node;
        bool hasArgs = (args?.Count ?? 0) > 1 || final != Missing;
        // Methods first, as Go looks up a method before a field or map key (KV.SortedPairs, Alerts.Firing...).
        if (receiver is ITemplateMethods methods && methods.TryGetMethod(name, out var method))
            return EvalCall(dot, method, node, args is null ? [node] : args, final);
        switch (receiver)
        {
            case null:
                return null;
            case ITemplateObject o:
                if (o.TryGetField(name, out var value))
                {
                    if (hasArgs) throw Error($"{name} has arguments but cannot be invoked as function");
                    return value;
                }
                break;
            case IReadOnlyDictionary<string, string> m:
                if (hasArgs) throw Error($"{name} is not a method but has arguments");
                if (m.TryGetValue(name, out var s)) return s;
                return _template.MissingKeyZero ? "" : null;
            case IReadOnlyDictionary<string, object?> m:
                if (hasArgs) throw Error($"{name} is not a method but has arguments");
                return m.TryGetValue(name, out var o2) ? o2 : null;
        }
        throw Error($"can't evaluate field {name} in type {GoValueFormat.TypeName(receiver)}");
    }

    private object? EvalFunction(object? dot, IdentifierNode id, CommandNode cmd, List<TemplateNode>? args, object? final)
    {
        _node = id;
        if (!_template.Functions.TryGetValue(id.Name, out var fn)) throw Error($"{GoQuote.Quote(id.Name)} is not a defined function");
        return EvalCall(dot, fn, cmd, args, final);
    }

    private object? EvalCall(object? dot, TemplateFunction fn, TemplateNode node, List<TemplateNode>? allArgs, object? final)
    {
        var args = allArgs is null ? [] : allArgs.Skip(1).ToList();
        int numIn = args.Count + (final != Missing ? 1 : 0);
        int numParams = fn.Params.Length;
        int numFixed = args.Count;
        if (fn.Variadic)
        {
            numFixed = numParams - 1;
            if (numIn < numFixed) throw Error($"wrong number of args for {fn.Name}: want at least {numParams - 1} got {args.Count}");
        }
        else if (numIn != numParams) throw Error($"wrong number of args for {fn.Name}: want {numParams} got {numIn}");

        if (fn.Name is "and" or "or") return ShortCircuit(dot, fn.Name == "and", args, final);

        var argv = new object?[numIn];
        int i = 0;
        for (; i < numFixed && i < args.Count; i++) argv[i] = EvalArg(dot, fn.Params[i], args[i]);
        if (fn.Variadic)
            for (; i < args.Count; i++) argv[i] = EvalArg(dot, fn.Params[^1], args[i]);
        if (final != Missing)
        {
            var t = fn.Params[^1];
            if (fn.Variadic && numIn - 1 < numFixed) t = fn.Params[numIn - 1];
            argv[i] = ValidateType(final, t);
        }
        try
        {
            return fn.Invoke(argv);
        }
        catch (Exception e) when (e is TemplateFunctionException or ArgumentException or FormatException or OverflowException or System.Text.RegularExpressions.RegexParseException)
        {
            _node = node;
            throw Error($"error calling {fn.Name}: {e.Message}");
        }
    }

    /// <summary>Go 1.18+ <c>and</c>/<c>or</c>: arguments are evaluated only until the result is known.</summary>
    private object? ShortCircuit(object? dot, bool isAnd, List<TemplateNode> args, object? final)
    {
        object? v = null;
        foreach (var a in args)
        {
            v = EvalArg(dot, TemplateParam.Value, a);
            if (GoValueFormat.IsTrue(v) != isAnd) return v;
        }
        if (final != Missing) v = final;
        return v;
    }

    private object? EvalArg(object? dot, TemplateParam type, TemplateNode n)
    {
        _node = n;
        switch (n)
        {
            case DotNode: return ValidateType(dot, type);
            case NilNode:
                if (type is TemplateParam.Any or TemplateParam.Value or TemplateParam.Sample or TemplateParam.QueryResult) return null;
                throw Error($"cannot assign nil to {TemplateFunction.GoTypeName(type)}");
            case FieldNode f: return ValidateType(EvalFieldChain(dot, dot, f, f.Ident, [n], Missing), type);
            case VariableNode v: return ValidateType(EvalVariable(dot, v, null, Missing), type);
            case PipeNode p: return ValidateType(EvalPipeline(dot, p), type);
            case IdentifierNode id: return ValidateType(EvalFunction(dot, id, new CommandNode(id.Pos, [id]), null, Missing), type);
            case ChainNode c: return ValidateType(EvalChain(dot, c, null, Missing), type);
        }
        switch (type)
        {
            case TemplateParam.Bool:
                if (n is BoolNode b) return b.Value;
                throw Error($"expected bool; found {n}");
            case TemplateParam.Float:
                if (n is NumberNode { IsFloat: true } f) return f.Float;
                throw Error($"expected float; found {n}");
            case TemplateParam.Int:
                if (n is NumberNode { IsInt: true } i) return i.Int;
                throw Error($"expected integer; found {n}");
            case TemplateParam.Text:
                if (n is StringNode s) return s.Text;
                throw Error($"expected string; found {n}");
            case TemplateParam.Any or TemplateParam.Value:
                return n switch
                {
                    BoolNode b2 => b2.Value,
                    NumberNode num => IdealConstant(num),
                    StringNode s2 => s2.Text,
                    _ => throw Error($"can't handle {n} for arg of type {TemplateFunction.GoTypeName(type)}"),
                };
        }
        throw Error($"can't handle {n} for arg of type {TemplateFunction.GoTypeName(type)}");
    }

    private object? ValidateType(object? value, TemplateParam type)
    {
        if (value is null)
        {
            if (type is TemplateParam.Any or TemplateParam.Value or TemplateParam.Sample or TemplateParam.QueryResult) return null;
            throw Error($"invalid value; expected {TemplateFunction.GoTypeName(type)}");
        }
        bool ok = type switch
        {
            TemplateParam.Any or TemplateParam.Value => true,
            TemplateParam.Text => value is string,
            TemplateParam.Float => value is double,
            TemplateParam.Int => value is long,
            TemplateParam.Bool => value is bool,
            TemplateParam.Sample => value is TemplateSample,
            TemplateParam.Strings => value is IReadOnlyList<object?> l && l.All(x => x is string),
            _ => value is IReadOnlyList<TemplateSample>,
        };
        if (!ok) throw Error($"wrong type for value; expected {TemplateFunction.GoTypeName(type)}; got {GoValueFormat.TypeName(value)}");
        return value;
    }
}
