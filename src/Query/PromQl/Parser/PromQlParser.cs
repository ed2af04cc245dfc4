using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Ast;
using ValueType = Mlobs.Query.PromQl.Ast.ValueType;

namespace Mlobs.Query.PromQl.Parser;

/// <summary>
/// Recursive-descent PromQL parser with Prometheus's operator precedence (promql/parser/generated_parser.y):
/// <c>or</c> &lt; <c>and unless</c> &lt; comparisons &lt; <c>+ -</c> &lt; <c>* / % atan2</c> &lt; <c>^</c>
/// (right-associative); unary minus binds like <c>*</c>. Types are checked as parser.checkAST does, and errors
/// carry Prometheus's <c>line:col: parse error: ...</c> position.
/// </summary>
public sealed class PromQlParser
{
    private readonly string _input;
    private readonly List<Token> _tokens;
    private int _i;

    private PromQlParser(string input)
    {
        _input = input;
        _tokens = new Lexer(input).Tokenize();
    }

    public static Expr Parse(string input)
    {
        var p = new PromQlParser(input);
        if (p.Peek.Kind == TokenKind.Eof) throw new ParseException(input, 0, "no expression found in input");
        var expr = p.ParseExpr(0);
        if (p.Peek.Kind != TokenKind.Eof) throw p.Unexpected(p.Peek);
        if (ExprDepth.FirstBeyond(expr, ExprDepth.Max) is { } deep) throw new ParseException(input, deep.Position, TooDeep);
        new TypeChecker(input).Check(expr);
        return expr;
    }

    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "unless", "atan2", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
    };

    internal static readonly Dictionary<string, AggregateOp> Aggregators = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sum"] = AggregateOp.Sum, ["min"] = AggregateOp.Min, ["max"] = AggregateOp.Max, ["avg"] = AggregateOp.Avg,
        ["count"] = AggregateOp.Count, ["stddev"] = AggregateOp.Stddev, ["stdvar"] = AggregateOp.Stdvar,
        ["topk"] = AggregateOp.Topk, ["bottomk"] = AggregateOp.Bottomk, ["quantile"] = AggregateOp.Quantile,
        ["count_values"] = AggregateOp.CountValues, ["group"] = AggregateOp.Group,
        ["limitk"] = AggregateOp.Limitk, ["limit_ratio"] = AggregateOp.LimitRatio,
    };

    private Token Peek => _tokens[_i];
    private Token PeekAt(int ahead) => _tokens[Math.Min(_i + ahead, _tokens.Count - 1)];
    private Token Next() => _tokens[_i++];

    private bool IsWord(Token t, string word) =>
        t.Kind == TokenKind.Identifier && t.Text.Equals(word, StringComparison.OrdinalIgnoreCase);

    // ---- binary operators --------------------------------------------------------------------------------

    private static int Precedence(BinaryOp op) => op switch
    {
        BinaryOp.Or => 1,
        BinaryOp.And or BinaryOp.Unless => 2,
        BinaryOp.Eql or BinaryOp.Neq or BinaryOp.Gtr or BinaryOp.Lss or BinaryOp.Gte or BinaryOp.Lte => 3,
        BinaryOp.Add or BinaryOp.Sub => 4,
        BinaryOp.Mul or BinaryOp.Div or BinaryOp.Mod or BinaryOp.Atan2 => 5,
        BinaryOp.Pow => 6,
        _ => 0,
    };

    private const int MulPrecedence = 5, PowPrecedence = 6;

    internal static bool IsComparison(BinaryOp op) => op is BinaryOp.Eql or BinaryOp.Neq or BinaryOp.Gtr or BinaryOp.Lss or BinaryOp.Gte or BinaryOp.Lte;
    internal static bool IsSetOperator(BinaryOp op) => op is BinaryOp.And or BinaryOp.Or or BinaryOp.Unless;

    private BinaryOp? PeekBinaryOp()
    {
        var t = Peek;
        return t.Kind switch
        {
            TokenKind.Add => BinaryOp.Add,
            TokenKind.Sub => BinaryOp.Sub,
            TokenKind.Mul => BinaryOp.Mul,
            TokenKind.Div => BinaryOp.Div,
            TokenKind.Mod => BinaryOp.Mod,
            TokenKind.Pow => BinaryOp.Pow,
            TokenKind.Eql => BinaryOp.Eql,
            TokenKind.Neq => BinaryOp.Neq,
            TokenKind.Gtr => BinaryOp.Gtr,
            TokenKind.Lss => BinaryOp.Lss,
            TokenKind.Gte => BinaryOp.Gte,
            TokenKind.Lte => BinaryOp.Lte,
            TokenKind.Identifier when IsWord(t, "and") => BinaryOp.And,
            TokenKind.Identifier when IsWord(t, "or") => BinaryOp.Or,
            TokenKind.Identifier when IsWord(t, "unless") => BinaryOp.Unless,
            TokenKind.Identifier when IsWord(t, "atan2") => BinaryOp.Atan2,
            _ => null,
        };
    }

    private const string TooDeep = "expression nested too deeply (more than 4096 levels)";
    private int _depth;

    private Expr ParseExpr(int minPrecedence)
    {
        // Parentheses, calls and signs recurse through here; a left-deep chain of operators is measured once the
        // tree is built (ExprDepth).
        if (++_depth > ExprDepth.Max) throw Error(Peek, TooDeep);
        try { return ParseBinary(minPrecedence); }
        finally { _depth--; }
    }

    private Expr ParseBinary(int minPrecedence)
    {
        var lhs = ParseUnary();
        while (PeekBinaryOp() is { } op)
        {
            int prec = Precedence(op);
            if (prec < minPrecedence) break;
            var opToken = Next();
            bool returnBool = false;
            if (IsWord(Peek, "bool"))
            {
                if (!IsComparison(op)) throw Error(Peek, "bool modifier can only be used on comparison operators");
                Next();
                returnBool = true;
            }
            var matching = ParseVectorMatching(op, opToken);
            var rhs = ParseExpr(op == BinaryOp.Pow ? prec : prec + 1);
            lhs = new BinaryExpr(op, lhs, rhs, matching, returnBool, lhs.Position);
        }
        return lhs;
    }

    private VectorMatching? ParseVectorMatching(BinaryOp op, Token opToken)
    {
        var card = IsSetOperator(op) ? VectorMatchCardinality.ManyToMany : VectorMatchCardinality.OneToOne;
        if (!IsWord(Peek, "on") && !IsWord(Peek, "ignoring"))
        {
            if (IsWord(Peek, "group_left") || IsWord(Peek, "group_right")) throw Unexpected(Peek);
            return new VectorMatching(card, [], false, []);
        }
        bool on = IsWord(Next(), "on");
        var labels = ParseLabelList();
        string[] include = [];
        if (IsWord(Peek, "group_left") || IsWord(Peek, "group_right"))
        {
            var g = Next();
            if (IsSetOperator(op)) throw Error(g, $"no grouping allowed for \"{opToken.Text}\" operation");
            card = IsWord(g, "group_left") ? VectorMatchCardinality.ManyToOne : VectorMatchCardinality.OneToMany;
            if (Peek.Kind == TokenKind.LeftParen) include = ParseLabelList();
        }
        return new VectorMatching(card, labels, on, include);
    }

    /// <summary><c>(a, b, "c.d")</c>: label names, keywords allowed, trailing comma allowed.</summary>
    private string[] ParseLabelList()
    {
        var open = Next();
        if (open.Kind != TokenKind.LeftParen) throw Unexpected(open, "grouping opts, expected \"(\"");
        var labels = new List<string>();
        while (true)
        {
            var t = Next();
            if (t.Kind == TokenKind.RightParen) break;
            if (t.Kind is TokenKind.Identifier or TokenKind.String) labels.Add(t.Text);
            else if (t.Kind == TokenKind.MetricIdentifier) throw Error(t, $"unexpected identifier \"{t.Text}\" in grouping opts, expected label");
            else throw Unexpected(t, "grouping opts, expected label");
            var sep = Next();
            if (sep.Kind == TokenKind.RightParen) break;
            if (sep.Kind != TokenKind.Comma) throw Unexpected(sep, "grouping opts, expected \",\" or \")\"");
        }
        return labels.ToArray();
    }

    // ---- unary, postfix, primary ----------------------------------------------------------------------

    private Expr ParseUnary()
    {
        if (Peek.Kind is TokenKind.Add or TokenKind.Sub)
        {
            var t = Next();
            var operand = ParseExpr(PowPrecedence);
            // Prometheus folds a sign into a number literal; on anything else it is a unary expression.
            if (operand is NumberLiteral n) return new NumberLiteral(t.Kind == TokenKind.Sub ? -n.Value : n.Value, t.Position);
            if (t.Kind == TokenKind.Add) return operand is ParenExpr or NumberLiteral ? operand : new UnaryExpr(BinaryOp.Add, operand, t.Position);
            return new UnaryExpr(BinaryOp.Sub, operand, t.Position);
        }
        return ParsePostfix(ParsePrimary());
    }

    private Expr ParsePostfix(Expr expr)
    {
        while (true)
        {
            var t = Peek;
            if (t.Kind == TokenKind.LeftBracket)
            {
                expr = ParseRangeOrSubquery(expr);
            }
            else if (IsWord(t, "offset"))
            {
                Next();
                long offset = ParseSignedDuration();
                expr = SetOffset(expr, offset, t);
            }
            else if (t.Kind == TokenKind.At)
            {
                Next();
                expr = SetAt(expr, ParseAtValue(), t);
            }
            else
            {
                return expr;
            }
        }
    }

    private Expr ParseRangeOrSubquery(Expr expr)
    {
        var open = Next();
        var rangeTok = Next();
        if (rangeTok.Kind != TokenKind.Duration && rangeTok.Kind != TokenKind.Number)
            throw Unexpected(rangeTok, "duration, expected duration");
        long range = DurationValue(rangeTok);
        if (Peek.Kind == TokenKind.Colon)
        {
            Next();
            long step = 0;
            if (Peek.Kind is TokenKind.Duration or TokenKind.Number) step = DurationValue(Next());
            var close = Next();
            if (close.Kind != TokenKind.RightBracket) throw Unexpected(close, "subquery selector, expected \"]\"");
            if (range <= 0) throw Error(rangeTok, $"duration must be greater than 0");
            return new SubqueryExpr(expr, range, step, default, expr.Position);
        }
        var end = Next();
        if (end.Kind != TokenKind.RightBracket) throw Unexpected(end, "matrix selector, expected \"]\" or \":\"");
        if (expr is not VectorSelector vs)
            throw new ParseException(_input, expr.Position, "ranges only allowed for vector selectors");
        if (vs.Modifiers.OffsetMs != 0) throw Error(open, "no offset modifiers allowed before range");
        if (vs.Modifiers.At != AtModifier.None) throw Error(open, "no @ modifiers allowed before range");
        if (range <= 0) throw Error(rangeTok, "duration must be greater than 0");
        return new MatrixSelector(vs, range, vs.Position);
    }

    private long DurationValue(Token t)
    {
        if (t.Kind == TokenKind.Duration && PromDuration.TryParse(t.Text, out long ms)) return ms;
        // Prometheus 3 also takes a plain number of seconds where a duration goes.
        if (t.Kind == TokenKind.Number && Literals.TryParseNumber(t.Text, out double secs) && double.IsFinite(secs))
            return (long)Math.Round(secs * 1000);
        throw Error(t, $"bad duration syntax: \"{t.Text}\"");
    }

    private long ParseSignedDuration()
    {
        int sign = 1;
        if (Peek.Kind == TokenKind.Sub) { Next(); sign = -1; }
        else if (Peek.Kind == TokenKind.Add) Next();
        var t = Next();
        if (t.Kind is not (TokenKind.Duration or TokenKind.Number)) throw Unexpected(t, "offset, expected duration");
        return sign * DurationValue(t);
    }

    private (AtModifier, long) ParseAtValue()
    {
        var t = Peek;
        if ((IsWord(t, "start") || IsWord(t, "end")) && PeekAt(1).Kind == TokenKind.LeftParen)
        {
            Next(); Next();
            var close = Next();
            if (close.Kind != TokenKind.RightParen) throw Unexpected(close, "@ modifier, expected \")\"");
            return (IsWord(t, "start") ? AtModifier.Start : AtModifier.End, 0);
        }
        int sign = 1;
        if (Peek.Kind == TokenKind.Sub) { Next(); sign = -1; }
        else if (Peek.Kind == TokenKind.Add) Next();
        var n = Next();
        double secs;
        if (n.Kind == TokenKind.Duration) secs = DurationValue(n) / 1000.0;
        else if (n.Kind != TokenKind.Number || !Literals.TryParseNumber(n.Text, out secs))
            throw Unexpected(n, "@ modifier, expected timestamp");
        secs *= sign;
        if (!double.IsFinite(secs) || Math.Abs(secs) > long.MaxValue / 1000.0)
            throw Error(n, $"timestamp out of bounds for @ modifier: {FormatFloat(secs)}");
        return (AtModifier.Timestamp, (long)Math.Round(secs * 1000));
    }

    private static string FormatFloat(double v) => double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf"
        : v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private Expr SetOffset(Expr expr, long offset, Token at) => expr switch
    {
        VectorSelector vs when vs.Modifiers.OffsetMs != 0 => throw Error(at, "offset may not be set multiple times"),
        VectorSelector vs => vs with { Modifiers = vs.Modifiers with { OffsetMs = offset } },
        MatrixSelector { Selector.Modifiers.OffsetMs: not 0 } => throw Error(at, "offset may not be set multiple times"),
        MatrixSelector ms => ms with { Selector = ms.Selector with { Modifiers = ms.Selector.Modifiers with { OffsetMs = offset } } },
        SubqueryExpr { Modifiers.OffsetMs: not 0 } => throw Error(at, "offset may not be set multiple times"),
        SubqueryExpr sq => sq with { Modifiers = sq.Modifiers with { OffsetMs = offset } },
        _ => throw Error(at, "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"),
    };

    private Expr SetAt(Expr expr, (AtModifier Kind, long Ms) at, Token token) => expr switch
    {
        VectorSelector { Modifiers.At: not AtModifier.None } or MatrixSelector { Selector.Modifiers.At: not AtModifier.None }
            or SubqueryExpr { Modifiers.At: not AtModifier.None } => throw Error(token, "@ <timestamp> may not be set multiple times"),
        VectorSelector vs => vs with { Modifiers = vs.Modifiers with { At = at.Kind, AtMs = at.Ms } },
        MatrixSelector ms => ms with { Selector = ms.Selector with { Modifiers = ms.Selector.Modifiers with { At = at.Kind, AtMs = at.Ms } } },
        SubqueryExpr sq => sq with { Modifiers = sq.Modifiers with { At = at.Kind, AtMs = at.Ms } },
        _ => throw Error(token, "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery"),
    };

    private Expr ParsePrimary()
    {
        var t = Peek;
        switch (t.Kind)
        {
            case TokenKind.Number:
                Next();
                if (!Literals.TryParseNumber(t.Text, out double v)) throw Error(t, $"error parsing number: {t.Text}");
                return new NumberLiteral(v, t.Position);
            case TokenKind.Duration:
                // Prometheus 3 reads a lone duration as its number of seconds.
                Next();
                return new NumberLiteral(DurationValue(t) / 1000.0, t.Position);
            case TokenKind.String:
                Next();
                return new StringLiteral(t.Text, t.Position);
            case TokenKind.LeftParen:
            {
                Next();
                var inner = ParseExpr(0);
                var close = Next();
                if (close.Kind != TokenKind.RightParen) throw Unexpected(close, "parenthesized expression, expected \")\"");
                return new ParenExpr(inner, t.Position);
            }
            case TokenKind.LeftBrace:
                return ParseSelector(null, t.Position);
            case TokenKind.Identifier or TokenKind.MetricIdentifier:
            {
                if (t.Kind == TokenKind.Identifier && Aggregators.TryGetValue(t.Text, out var aggOp)
                    && PeekAt(1).Kind == TokenKind.LeftParen || IsWord(PeekAt(1), "by") || IsWord(PeekAt(1), "without"))
                {
                    if (Aggregators.TryGetValue(t.Text, out aggOp)) return ParseAggregate(aggOp);
                }
                if (PeekAt(1).Kind == TokenKind.LeftParen && t.Kind == TokenKind.Identifier)
                    return ParseCall();
                if (t.Kind == TokenKind.Identifier && Keywords.Contains(t.Text)) throw Unexpected(t);
                Next();
                return ParseSelector(t.Text, t.Position);
            }
            default:
                throw Unexpected(t);
        }
    }

    private Expr ParseCall()
    {
        var nameTok = Next();
        Next(); // (
        if (!Function.All.TryGetValue(nameTok.Text, out var fn))
        {
            if (Function.Unsupported.Contains(nameTok.Text))
                throw Error(nameTok, $"function \"{nameTok.Text}\" is not supported by mlobs (native histograms and experimental functions are not implemented)");
            throw Error(nameTok, $"unknown function with name \"{nameTok.Text}\"");
        }
        var args = new List<Expr>();
        if (Peek.Kind != TokenKind.RightParen)
        {
            while (true)
            {
                args.Add(ParseExpr(0));
                var sep = Next();
                if (sep.Kind == TokenKind.RightParen) break;
                if (sep.Kind != TokenKind.Comma) throw Unexpected(sep, "function call argument list, expected \",\" or \")\"");
                if (Peek.Kind == TokenKind.RightParen) { Next(); break; }
            }
        }
        else Next();
        return new Call(fn, args.ToArray(), nameTok.Position);
    }

    private Expr ParseAggregate(AggregateOp op)
    {
        var nameTok = Next();
        string[] grouping = [];
        bool without = false, haveModifier = false;
        if (IsWord(Peek, "by") || IsWord(Peek, "without"))
        {
            without = IsWord(Next(), "without");
            grouping = ParseLabelList();
            haveModifier = true;
        }
        var open = Next();
        if (open.Kind != TokenKind.LeftParen) throw Unexpected(open, "aggregation, expected \"(\"");
        var args = new List<Expr>();
        if (Peek.Kind == TokenKind.RightParen) throw Error(Peek, "no arguments for aggregate expression provided");
        while (true)
        {
            args.Add(ParseExpr(0));
            var sep = Next();
            if (sep.Kind == TokenKind.RightParen) break;
            if (sep.Kind != TokenKind.Comma) throw Unexpected(sep, "aggregation, expected \",\" or \")\"");
            if (Peek.Kind == TokenKind.RightParen) { Next(); break; }
        }
        if (IsWord(Peek, "by") || IsWord(Peek, "without"))
        {
            if (haveModifier) throw Error(Peek, "aggregation must only contain one grouping clause");
            without = IsWord(Next(), "without");
            grouping = ParseLabelList();
        }
        bool takesParam = op is AggregateOp.Topk or AggregateOp.Bottomk or AggregateOp.Quantile or AggregateOp.CountValues
            or AggregateOp.Limitk or AggregateOp.LimitRatio;
        if (op is AggregateOp.Limitk or AggregateOp.LimitRatio)
            throw Error(nameTok, $"function \"{nameTok.Text}\" is not supported by mlobs (experimental aggregation)");
        int expected = takesParam ? 2 : 1;
        if (args.Count != expected)
            throw Error(nameTok, $"wrong number of arguments for aggregate expression provided, expected {expected}, got {args.Count}");
        return takesParam
            ? new AggregateExpr(op, args[1], args[0], grouping, without, nameTok.Position)
            : new AggregateExpr(op, args[0], null, grouping, without, nameTok.Position);
    }

    private VectorSelector ParseSelector(string? name, int position)
    {
        var matchers = new List<LabelMatcher>();
        // Only a name written before the braces is the selector's Name (as in Prometheus, where it decides how the
        // selector prints); its matcher goes last, as Prometheus's assembleVectorSelector appends it.
        string? outsideName = name;
        if (Peek.Kind == TokenKind.LeftBrace)
        {
            Next();
            while (Peek.Kind != TokenKind.RightBrace)
            {
                var labelTok = Next();
                if (labelTok.Kind is not (TokenKind.Identifier or TokenKind.String))
                    throw Unexpected(labelTok, "label matching, expected label");
                var opTok = Next();
                if (labelTok.Kind == TokenKind.String && opTok.Kind is TokenKind.Comma or TokenKind.RightBrace)
                {
                    // {"metric.name"}: a quoted metric name.
                    if (name is not null) throw Error(labelTok, $"metric name must not be set twice: \"{name}\" or \"{labelTok.Text}\"");
                    name = labelTok.Text;
                    matchers.Add(new LabelMatcher(LabelMatchType.Equal, LabelSet.MetricName, name));
                    if (opTok.Kind == TokenKind.RightBrace) { _i--; continue; }
                    continue;
                }
                var type = opTok.Kind switch
                {
                    TokenKind.Assign => LabelMatchType.Equal,
                    TokenKind.Neq => LabelMatchType.NotEqual,
                    TokenKind.EqlRegex => LabelMatchType.Regex,
                    TokenKind.NeqRegex => LabelMatchType.NotRegex,
                    _ => throw Unexpected(opTok, "label matching, expected label matching operator"),
                };
                var valueTok = Next();
                if (valueTok.Kind != TokenKind.String) throw Unexpected(valueTok, "label matching, expected string");
                if (labelTok.Text == LabelSet.MetricName && name is not null && type == LabelMatchType.Equal)
                    throw Error(labelTok, $"metric name must not be set twice: \"{name}\" or \"{valueTok.Text}\"");
                try
                {
                    matchers.Add(new LabelMatcher(type, labelTok.Text, valueTok.Text));
                }
                catch (ArgumentException ex)
                {
                    throw Error(valueTok, $"invalid regular expression in label matcher: {ex.Message}");
                }
                if (Peek.Kind == TokenKind.Comma) { Next(); continue; }
                if (Peek.Kind != TokenKind.RightBrace) throw Unexpected(Peek, "label matching, expected \",\" or \"}\"");
            }
            Next(); // }
        }
        if (outsideName is not null) matchers.Add(new LabelMatcher(LabelMatchType.Equal, LabelSet.MetricName, outsideName));
        if (matchers.All(m => m.MatchesEmpty))
            throw new ParseException(_input, position, "vector selector must contain at least one non-empty matcher");
        return new VectorSelector(outsideName, matchers.ToArray(), default, position);
    }

    // ---- errors -------------------------------------------------------------------------------------------

    private ParseException Error(Token t, string message) => new(_input, t.Position, message);

    private ParseException Unexpected(Token t, string? context = null)
    {
        string what = Describe(t);
        return new ParseException(_input, t.Position, context is null ? $"unexpected {what}" : $"unexpected {what} in {context}");
    }

    internal static string Describe(Token t) => t.Kind switch
    {
        TokenKind.Eof => "end of input",
        TokenKind.String => $"string \"{t.Text}\"",
        TokenKind.Number => $"number \"{t.Text}\"",
        TokenKind.Duration => $"duration \"{t.Text}\"",
        TokenKind.Identifier when Aggregators.ContainsKey(t.Text) => $"<aggr:{t.Text.ToLowerInvariant()}>",
        TokenKind.Identifier when Keywords.Contains(t.Text) => $"<{t.Text.ToLowerInvariant()}>",
        TokenKind.Identifier or TokenKind.MetricIdentifier => $"identifier \"{t.Text}\"",
        TokenKind.LeftParen => "left parenthesis \"(\"",
        TokenKind.RightParen => "right parenthesis \")\"",
        TokenKind.LeftBrace => "left brace \"{\"",
        TokenKind.RightBrace => "right brace \"}\"",
        TokenKind.LeftBracket => "left bracket \"[\"",
        TokenKind.RightBracket => "right bracket \"]\"",
        TokenKind.Comma => "comma \",\"",
        TokenKind.Colon => "colon \":\"",
        TokenKind.At => "@",
        TokenKind.Assign => "\"=\"",
        _ => $"<op:{t.Text}>",
    };
}
