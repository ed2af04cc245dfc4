using System.Globalization;

namespace Mlobs.Templates;

/// <summary>
/// A struct-like value a template reads fields of (Go's structs and pointers to them): <c>.Labels</c> of an alert's
/// data, <c>.Value</c> of a query sample. Values a template handles are plain CLR objects: <see cref="string"/>,
/// <see cref="double"/> (float64), <see cref="long"/> (int), <see cref="bool"/>, null (nil),
/// <c>IReadOnlyDictionary&lt;string, string&gt;</c> (map[string]string),
/// <c>IReadOnlyDictionary&lt;string, object?&gt;</c> (map[string]interface{}), <c>IReadOnlyList&lt;object?&gt;</c>
/// (slices) and these objects. No reflection, so templates run under Native AOT.
/// </summary>
public interface ITemplateObject
{
    /// <summary>The Go type name used in error texts, e.g. <c>*template.sample</c>.</summary>
    string GoTypeName { get; }

    /// <summary>A field or a method without arguments; false when the type has no such member.</summary>
    bool TryGetField(string name, out object? value);

    /// <summary>How <c>%v</c> prints the value (Go prints a struct as <c>{field1 field2}</c>).</summary>
    string FormatV();
}

/// <summary>
/// A value with methods a template can call, with or without arguments (<c>.Alerts.Firing</c>,
/// <c>.CommonLabels.Remove .GroupLabels.Names</c>); the receiver is bound in the returned function.
/// </summary>
public interface ITemplateMethods
{
    bool TryGetMethod(string name, out TemplateFunction method);
}

/// <summary>A query result element as Prometheus's templates see it (template.sample): labels and value.</summary>
public sealed class TemplateSample(IReadOnlyDictionary<string, string> labels, double value) : ITemplateObject
{
    public IReadOnlyDictionary<string, string> Labels { get; } = labels;
    public double Value { get; } = value;
    public string GoTypeName => "*template.sample";

    public bool TryGetField(string name, out object? value)
    {
        value = name switch { "Labels" => Labels, "Value" => Value, _ => null };
        return name is "Labels" or "Value";
    }

    public string FormatV() => "&{" + GoValueFormat.V(Labels) + " " + GoValueFormat.V(Value) + "}";
}

/// <summary>Go's view of the CLR values templates handle: type names, truth, and <c>%v</c> printing.</summary>
public static class GoValueFormat
{
    public static string TypeName(object? v) => v switch
    {
        null => "<nil>",
        string => "string",
        double => "float64",
        long or int => "int",
        bool => "bool",
        IReadOnlyDictionary<string, string> => "map[string]string",
        IReadOnlyDictionary<string, object?> => "map[string]interface {}",
        IReadOnlyList<TemplateSample> => "template.queryResult",
        IReadOnlyList<object?> => "[]interface {}",
        ITemplateObject o => o.GoTypeName,
        _ => v.GetType().Name,
    };

    /// <summary>text/template's truth: false, 0, nil and empty strings, maps and slices are false.</summary>
    public static bool IsTrue(object? v) => v switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        double d => d != 0,
        long l => l != 0,
        int i => i != 0,
        IReadOnlyDictionary<string, string> m => m.Count > 0,
        IReadOnlyDictionary<string, object?> m => m.Count > 0,
        System.Collections.ICollection c => c.Count > 0,
        IReadOnlyCollection<object?> c => c.Count > 0,
        _ => true,
    };

    /// <summary>fmt's <c>%v</c>: floats as strconv 'g' shortest, maps with sorted keys, nil as <c>&lt;nil&gt;</c>.</summary>
    public static string V(object? v) => v switch
    {
        null => "<nil>",
        string s => s,
        double d => Mlobs.Model.Strconv.ValueFormat.GoG(d),
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IReadOnlyDictionary<string, string> m =>
            "map[" + string.Join(" ", m.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + ":" + kv.Value)) + "]",
        IReadOnlyDictionary<string, object?> m =>
            "map[" + string.Join(" ", m.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + ":" + V(kv.Value))) + "]",
        ITemplateObject o => o.FormatV(),
        System.Collections.IEnumerable e => "[" + string.Join(" ", e.Cast<object?>().Select(V)) + "]",
        _ => v.ToString() ?? "",
    };
}
