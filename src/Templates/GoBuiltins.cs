using System.Globalization;
using System.Text;
using static Mlobs.Templates.TemplateParam;

namespace Mlobs.Templates;

/// <summary>text/template's predefined functions (text/template/funcs.go): and, or, not, len, index, slice, print,
/// printf, println, html, js, urlquery, eq, ne, lt, le, gt, ge.</summary>
public static class GoBuiltins
{
    public static readonly IReadOnlyDictionary<string, TemplateFunction> Functions = new Dictionary<string, TemplateFunction>(StringComparer.Ordinal)
    {
        // and/or short-circuit in the executor; these entries give their signature.
        ["and"] = TemplateFunction.Varargs("and", a => a[^1], Value, Value),
        ["or"] = TemplateFunction.Varargs("or", a => a[^1], Value, Value),
        ["not"] = TemplateFunction.Of("not", a => !GoValueFormat.IsTrue(a[0]), Value),
        ["len"] = TemplateFunction.Of("len", a => Len(a[0]), Value),
        ["index"] = TemplateFunction.Varargs("index", a => Index(a[0], a[1..]), Value, Value),
        ["slice"] = TemplateFunction.Varargs("slice", a => Slice(a[0], a[1..]), Value, Value),
        ["print"] = TemplateFunction.Varargs("print", a => GoFmt.Sprint(a), Any),
        ["println"] = TemplateFunction.Varargs("println", a => GoFmt.Sprintln(a), Any),
        ["printf"] = TemplateFunction.Varargs("printf", a => GoFmt.Sprintf((string)a[0]!, a[1..]), Text, Any),
        ["html"] = TemplateFunction.Varargs("html", a => HtmlEscape(EvalArgs(a)), Any),
        ["js"] = TemplateFunction.Varargs("js", a => JsEscape(EvalArgs(a)), Any),
        ["urlquery"] = TemplateFunction.Varargs("urlquery", a => QueryEscape(EvalArgs(a)), Any),
        ["eq"] = TemplateFunction.Varargs("eq", a => Eq(a[0], a[1..]), Value, Value),
        ["ne"] = TemplateFunction.Of("ne", a => !Eq(a[0], [a[1]]), Value, Value),
        ["lt"] = TemplateFunction.Of("lt", a => Less(a[0], a[1]), Value, Value),
        ["le"] = TemplateFunction.Of("le", a => Less(a[0], a[1]) || Eq(a[0], [a[1]]), Value, Value),
        ["gt"] = TemplateFunction.Of("gt", a => !Less(a[0], a[1]) && !Eq(a[0], [a[1]]), Value, Value),
        ["ge"] = TemplateFunction.Of("ge", a => !Less(a[0], a[1]), Value, Value),
    };

    /// <summary>As Go's evalArgs: one string argument as is, otherwise fmt.Sprint of them all.</summary>
    private static string EvalArgs(object?[] a) => a.Length == 1 && a[0] is string s ? s : GoFmt.Sprint(a);

    private static object Len(object? item) => item switch
    {
        null => throw new TemplateFunctionException("len of nil pointer"),
        string s => (long)Encoding.UTF8.GetByteCount(s),
        IReadOnlyDictionary<string, string> m => (long)m.Count,
        IReadOnlyDictionary<string, object?> m => (long)m.Count,
        IReadOnlyCollection<object?> c => (long)c.Count,
        _ => throw new TemplateFunctionException($"len of type {GoValueFormat.TypeName(item)}"),
    };

    private static object? Index(object? item, object?[] indexes)
    {
        if (item is null) throw new TemplateFunctionException("index of untyped nil");
        foreach (var ix in indexes)
        {
            switch (item)
            {
                case IReadOnlyDictionary<string, string> m:
                    if (ix is not string k) throw new TemplateFunctionException($"value has type {GoValueFormat.TypeName(ix)}; should be string");
                    item = m.TryGetValue(k, out var v) ? v : "";
                    break;
                case IReadOnlyDictionary<string, object?> m:
                    if (ix is not string k2) throw new TemplateFunctionException($"value has type {GoValueFormat.TypeName(ix)}; should be string");
                    item = m.TryGetValue(k2, out var v2) ? v2 : null;
                    break;
                case IReadOnlyList<object?> l:
                    long i = ToIndex(ix);
                    if (i < 0 || i >= l.Count) throw new TemplateFunctionException($"index out of range: {i}");
                    item = l[(int)i];
                    break;
                case string s:
                    long j = ToIndex(ix);
                    var bytes = Encoding.UTF8.GetBytes(s);
                    if (j < 0 || j >= bytes.Length) throw new TemplateFunctionException($"index out of range: {j}");
                    item = (long)bytes[j];
                    break;
                case null:
                    throw new TemplateFunctionException("index of untyped nil");
                default:
                    throw new TemplateFunctionException($"can't index item of type {GoValueFormat.TypeName(item)}");
            }
        }
        return item;
    }

    private static long ToIndex(object? ix) => ix switch
    {
        long l => l,
        int i => i,
        null => throw new TemplateFunctionException("cannot index slice/array with nil"),
        _ => throw new TemplateFunctionException($"cannot index slice/array with type {GoValueFormat.TypeName(ix)}"),
    };

    private static object? Slice(object? item, object?[] indexes)
    {
        if (item is null) throw new TemplateFunctionException("slice of untyped nil");
        if (indexes.Length > 3) throw new TemplateFunctionException($"too many slice indexes: {indexes.Length}");
        int length = item switch
        {
            string s => s.Length,
            IReadOnlyList<object?> l => l.Count,
            _ => throw new TemplateFunctionException($"can't slice item of type {GoValueFormat.TypeName(item)}"),
        };
        if (item is string && indexes.Length == 3) throw new TemplateFunctionException("cannot 3-index slice a string");
        long from = indexes.Length > 0 ? ToIndex(indexes[0]) : 0, to = indexes.Length > 1 ? ToIndex(indexes[1]) : length;
        if (from < 0 || to > length || from > to) throw new TemplateFunctionException($"index out of range: {(from < 0 || from > length ? from : to)}");
        return item is string str ? str[(int)from..(int)to] : ((IReadOnlyList<object?>)item).Skip((int)from).Take((int)(to - from)).ToList();
    }

    private enum Kind { Bool, Int, Float, String, Other }

    private static Kind KindOf(object? v) => v switch
    {
        bool => Kind.Bool,
        long or int => Kind.Int,
        double => Kind.Float,
        string => Kind.String,
        _ => Kind.Other,
    };

    private static bool Eq(object? arg1, object?[] others)
    {
        var k1 = KindOf(arg1);
        if (arg1 is null || (k1 == Kind.Other && arg1 is not ITemplateObject)) throw new TemplateFunctionException("invalid type for comparison");
        if (others.Length == 0) throw new TemplateFunctionException("missing argument for comparison");
        foreach (var arg in others)
        {
            var k = KindOf(arg);
            bool truth;
            if (k1 != k)
            {
                if (arg is null || k == Kind.Other) throw new TemplateFunctionException("incompatible types for comparison");
                throw new TemplateFunctionException("incompatible types for comparison");
            }
            truth = k1 switch
            {
                Kind.Bool => (bool)arg1 == (bool)arg!,
                Kind.Int => Convert.ToInt64(arg1, CultureInfo.InvariantCulture) == Convert.ToInt64(arg, CultureInfo.InvariantCulture),
                Kind.Float => (double)arg1 == (double)arg!,
                Kind.String => (string)arg1 == (string)arg!,
                _ => ReferenceEquals(arg1, arg),
            };
            if (truth) return true;
        }
        return false;
    }

    private static bool Less(object? a, object? b)
    {
        var k1 = KindOf(a);
        var k2 = KindOf(b);
        if (a is null || b is null) throw new TemplateFunctionException("incompatible types for comparison");
        if (k1 is Kind.Other or Kind.Bool || k2 is Kind.Other or Kind.Bool) throw new TemplateFunctionException("invalid type for comparison");
        if (k1 != k2) throw new TemplateFunctionException("incompatible types for comparison");
        return k1 switch
        {
            Kind.Int => Convert.ToInt64(a, CultureInfo.InvariantCulture) < Convert.ToInt64(b, CultureInfo.InvariantCulture),
            Kind.Float => (double)a < (double)b,
            _ => string.CompareOrdinal((string)a, (string)b) < 0,
        };
    }

    /// <summary>Go's template.HTMLEscapeString.</summary>
    public static string HtmlEscape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s)
            sb.Append(c switch { '"' => "&#34;", '\'' => "&#39;", '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", '\0' => "\uFFFD", _ => c.ToString() });
        return sb.ToString();
    }

    private static string JsEscape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\'': sb.Append(@"\'"); break;
                case '"': sb.Append(@"\"""); break;
                case '<': sb.Append(@"\u003C"); break;
                case '>': sb.Append(@"\u003E"); break;
                case '&': sb.Append(@"\u0026"); break;
                case '=': sb.Append(@"\u003D"); break;
                case '\n': sb.Append(@"\u000A"); break;
                case '\r': sb.Append(@"\u000D"); break;
                case '\t': sb.Append(@"\u0009"); break;
                default:
                    if (c < ' ') sb.Append($"\\u{(int)c:X4}"); else sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Go's url.QueryEscape: space as '+', unreserved characters kept, the rest %XX.</summary>
    public static string QueryEscape(string s)
    {
        var sb = new StringBuilder();
        foreach (byte b in Encoding.UTF8.GetBytes(s))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~') sb.Append(c);
            else if (c == ' ') sb.Append('+');
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
