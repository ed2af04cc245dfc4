namespace Mlobs.Templates;

/// <summary>What a function parameter accepts, as the Go type of the parameter decides in text/template.</summary>
public enum TemplateParam
{
    /// <summary>interface{}: anything; an untyped number constant becomes int or float64.</summary>
    Any,
    /// <summary>reflect.Value (eq, lt, len, index...): anything, including no value at all.</summary>
    Value,
    /// <summary>string.</summary>
    Text,
    Float,
    Int,
    Bool,
    /// <summary>*template.sample: a query result element or nil.</summary>
    Sample,
    /// <summary>template.queryResult: the result of <c>query</c>.</summary>
    QueryResult,
    /// <summary>[]string (Alertmanager's <c>join</c>, <c>.Remove</c>).</summary>
    Strings,
}

/// <summary>
/// A function a template can call. Parameters are checked and converted as Go's reflection-based caller does;
/// <see cref="Invoke"/> returns the result or throws <see cref="TemplateFunctionException"/> for Go's error
/// return, which surfaces as <c>error calling NAME: message</c>.
/// </summary>
public sealed record TemplateFunction(string Name, TemplateParam[] Params, bool Variadic, Func<object?[], object?> Invoke)
{
    public static TemplateFunction Of(string name, Func<object?[], object?> invoke, params TemplateParam[] ps) => new(name, ps, false, invoke);
    public static TemplateFunction Varargs(string name, Func<object?[], object?> invoke, params TemplateParam[] ps) => new(name, ps, true, invoke);

    public static string GoTypeName(TemplateParam p) => p switch
    {
        TemplateParam.Any => "interface {}",
        TemplateParam.Value => "reflect.Value",
        TemplateParam.Text => "string",
        TemplateParam.Float => "float64",
        TemplateParam.Int => "int",
        TemplateParam.Bool => "bool",
        TemplateParam.Sample => "*template.sample",
        TemplateParam.Strings => "[]string",
        _ => "template.queryResult",
    };
}

/// <summary>The error a template function returns (Go's second return value).</summary>
public sealed class TemplateFunctionException(string message) : Exception(message);
