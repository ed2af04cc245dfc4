using System.Text;

namespace Mlobs.Templates;

/// <summary>
/// A parsed Go text/template with its function map and named sub-templates — what Go's template.New(name)
/// .Funcs(f).Option(...).Parse(text) returns. Parsing checks syntax, functions and variables; <see cref="Execute"/>
/// runs it on a data value. Both throw <see cref="TemplateException"/> with Go's error texts.
/// </summary>
public sealed class GoTemplate
{
    /// <summary>A runaway template (e.g. a huge range) stops with an error instead of exhausting memory.</summary>
    public const int MaxOutputChars = 1 << 20;

    private GoTemplate(string name, string source, IReadOnlyDictionary<string, TemplateFunction> functions, bool missingKeyZero, Dictionary<string, ListNode> trees)
    {
        Name = name;
        Source = source;
        Functions = functions;
        MissingKeyZero = missingKeyZero;
        Trees = trees;
    }

    public string Name { get; }
    public string Source { get; }
    public IReadOnlyDictionary<string, TemplateFunction> Functions { get; }

    /// <summary>Go's <c>missingkey=zero</c> (Prometheus sets it): a missing map key gives "" instead of <c>&lt;no value&gt;</c>.</summary>
    public bool MissingKeyZero { get; }

    internal Dictionary<string, ListNode> Trees { get; }

    /// <summary>Parses <paramref name="text"/>; <paramref name="functions"/> are added to Go's builtins.</summary>
    /// <param name="definitions">A parsed set whose <c>{{define}}</c>d templates this one may call (Alertmanager's default.tmpl).</param>
    public static GoTemplate Parse(string name, string text, IReadOnlyDictionary<string, TemplateFunction>? functions = null,
        bool missingKeyZero = false, GoTemplate? definitions = null)
    {
        var all = new Dictionary<string, TemplateFunction>(GoBuiltins.Functions, StringComparer.Ordinal);
        if (functions is not null) foreach (var (k, f) in functions) all[k] = f;
        var trees = TemplateParser.Parse(name, text, all.ContainsKey);
        if (definitions is not null)
            foreach (var (k, tree) in definitions.Trees)
                if (k != definitions.Name) trees.TryAdd(k, tree);
        return new GoTemplate(name, text, all, missingKeyZero, trees);
    }

    /// <summary>Runs the template named <paramref name="templateName"/> (default: the main one) on <paramref name="data"/>.</summary>
    public string Execute(object? data, string? templateName = null)
    {
        string name = templateName ?? Name;
        if (!Trees.ContainsKey(name))
            throw new TemplateException($"template: no template {GoQuote.Quote(name)} associated with template {GoQuote.Quote(Name)}");
        var sb = new StringBuilder();
        new TemplateExecutor(this, sb, name).Run(data);
        return sb.ToString();
    }

    /// <summary>Whether a sub-template of this name was defined with <c>{{define}}</c>.</summary>
    public bool HasTemplate(string name) => Trees.ContainsKey(name);
}
