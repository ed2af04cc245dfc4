using System.Globalization;
using System.Text.RegularExpressions;
using Mlobs.Model;
using YamlDotNet.RepresentationModel;

namespace Mlobs.Config.Yaml;

/// <summary>
/// Strict, reflection-free binding for the YAML files users bring (prometheus.yml, rule files, alertmanager.yml) from a YamlDotNet node tree: every value is read explicitly, unknown keys
/// and wrong types are errors with the node's line and column, and <c>${VAR}</c> in scalars is expanded
/// from the environment.
/// </summary>
public sealed partial class YamlNodeReader(string file)
{
    public string File { get; } = file;

    /// <summary>Expand <c>${VAR}</c> in scalars (prometheus.yml does; rule files do not, their text is templates).</summary>
    public bool ExpandEnvironment { get; init; } = true;

    /// <summary>Parses YAML text; returns the first document's root, or null for an empty file. Syntax errors carry their position.</summary>
    public YamlNode? LoadDocument(string text)
    {
        Text = text;
        var stream = new YamlStream();
        try
        {
            RefuseDeepNesting(text);
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new ConfigException(File, ex.Start.Line, ex.Start.Column, "yaml: " + (ex.InnerException?.Message ?? ex.Message));
        }
        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    /// <summary>Go's yaml.v3 refuses nesting deeper than 10,000; loading the node tree recurses per level, so here less.</summary>
    public const int MaxDepth = 1000;

    /// <summary>Walks the parser's events (no recursion) before the tree is built, so `[[[[...` cannot overflow the stack.</summary>
    private void RefuseDeepNesting(string text)
    {
        var parser = new YamlDotNet.Core.Parser(new StringReader(text));
        int depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                    if (++depth > MaxDepth)
                        throw new ConfigException(File, (int)parser.Current.Start.Line, (int)parser.Current.Start.Column, $"yaml: exceeded max depth of {MaxDepth}");
                    break;
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    depth--;
                    break;
            }
        }
    }

    /// <summary>The text last loaded.</summary>
    public string Text { get; private set; } = "";

    /// <summary>
    /// A node's own text as written (comments and layout kept), its indentation removed: what a nested document (an
    /// alertmanager.yml inlined in mlobs.yml) would be as a file of its own.
    /// </summary>
    public string SourceOf(YamlNode node)
    {
        // A block collection's own end mark is its start (YamlDotNet): the text ends where its last descendant does,
        // and runs to the end of that line (a trailing comment stays).
        int start = (int)Math.Clamp(node.Start.Index, 0, Text.Length), end = (int)Math.Clamp(EndOf(node), start, Text.Length);
        int eol = Text.IndexOf('\n', end);
        end = eol < 0 ? Text.Length : eol;
        int indent = (int)node.Start.Column - 1;
        var lines = Text[start..end].Split('\n');
        for (int i = 1; i < lines.Length; i++)
        {
            int n = 0;
            while (n < indent && n < lines[i].Length && lines[i][n] == ' ') n++;
            lines[i] = lines[i][n..];
        }
        return string.Join("\n", lines).TrimEnd() + "\n";
    }

    private static long EndOf(YamlNode node) => node switch
    {
        YamlMappingNode m => m.Children.Select(c => Math.Max(EndOf(c.Key), EndOf(c.Value))).DefaultIfEmpty(node.End.Index).Max(),
        YamlSequenceNode q => q.Children.Select(EndOf).DefaultIfEmpty(node.End.Index).Max(),
        _ => node.End.Index,
    };

    public ConfigException Error(YamlNode node, string message) =>
        new(File, node.Start.Line, node.Start.Column, message);

    /// <summary>Warnings collected while reading, in document order.</summary>
    public List<ConfigWarning> Warnings { get; } = [];

    /// <summary>Notes a key mlobs accepts (Prometheus's) but does not act on.</summary>
    public void Unused(YamlNode keyNode, string key) =>
        Warnings.Add(new ConfigWarning(File, keyNode.Start.Line, keyNode.Start.Column, $"{key}: accepted but not used by mlobs"));

    public YamlMappingNode Mapping(YamlNode node, string what)
    {
        if (node is YamlMappingNode m) return m;
        if (IsNull(node)) return new YamlMappingNode();
        throw Error(node, $"{what} must be a mapping");
    }

    public YamlSequenceNode Sequence(YamlNode node, string what)
    {
        if (node is YamlSequenceNode s) return s;
        if (IsNull(node)) return new YamlSequenceNode();
        throw Error(node, $"{what} must be a list");
    }

    /// <summary>Iterates keys of a mapping, rejecting keys not in <paramref name="allowed"/> and duplicates.</summary>
    public IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value)> Entries(YamlMappingNode map, string what, params string[] allowed)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            if (k is not YamlScalarNode ks || ks.Value is null) throw Error(k, $"{what}: keys must be strings");
            var key = ks.Value;
            if (allowed.Length > 0 && Array.IndexOf(allowed, key) < 0)
                throw Error(k, $"field {key} not found in {what}");
            if (!seen.Add(key)) throw Error(k, $"field {key} already set in {what}");
            yield return (key, k, v);
        }
    }

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Value: null or "" or "~" or "null" } s && s.Style == YamlDotNet.Core.ScalarStyle.Plain;

    public string String(YamlNode node, string what)
    {
        if (node is not YamlScalarNode s) throw Error(node, $"{what} must be a string");
        return ExpandEnvironment ? Expand(s.Value ?? "") : s.Value ?? "";
    }

    public bool Bool(YamlNode node, string what)
    {
        var text = String(node, what);
        return text switch
        {
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ => throw Error(node, $"{what}: cannot unmarshal {Quote(text)} into bool"),
        };
    }

    public long Long(YamlNode node, string what, long min = long.MinValue)
    {
        var text = String(node, what);
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
            throw Error(node, $"{what}: cannot unmarshal {Quote(text)} into an integer");
        if (v < min) throw Error(node, $"{what} must be at least {min}");
        return v;
    }

    public TimeSpan Duration(YamlNode node, string what)
    {
        var text = String(node, what);
        if (!PromDuration.TryParse(text, out TimeSpan d))
            throw Error(node, $"{what}: not a valid duration string: {Quote(text)}");
        return d;
    }

    public IReadOnlyList<string> StringList(YamlNode node, string what) =>
        Sequence(node, what).Children.Select(n => String(n, what)).ToList();

    public IReadOnlyDictionary<string, string> StringMap(YamlNode node, string what)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, keyNode, value) in Entries(Mapping(node, what), what))
        {
            result[key] = String(value, $"{what}.{key}");
            _ = keyNode;
        }
        return result;
    }

    private static string Quote(string s) => "\"" + s + "\"";

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex EnvReference();

    /// <summary>Expands <c>${VAR}</c> from the environment; an unset variable expands to "" as os.ExpandEnv does.</summary>
    public static string Expand(string value) =>
        value.Contains("${", StringComparison.Ordinal)
            ? EnvReference().Replace(value, m => Environment.GetEnvironmentVariable(m.Groups[1].Value) ?? "")
            : value;
}
