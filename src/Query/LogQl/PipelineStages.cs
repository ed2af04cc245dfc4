using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Mlobs.Model.Logs;

namespace Mlobs.Query.LogQl;

/// <summary>A stage that extracts labels from the line; a line it cannot read gets <c>__error__</c>, as Loki marks it.</summary>
public abstract record ParserStage : PipelineStage;

/// <summary><c>| json</c>: every field, nested objects flattened with '_'.</summary>
public sealed record JsonStage : ParserStage
{
    public override bool Apply(PipelineLine line)
    {
        line.DeferJson(); // flattened when needed: see PipelineLine
        return true;
    }
}

/// <summary><c>| logfmt</c>: key=value pairs, values optionally double-quoted.</summary>
public sealed record LogfmtStage : ParserStage
{
    public override bool Apply(PipelineLine line)
    {
        if (!LogFields.TryLogfmt(line.Text, line.Set)) line.Set("__error__", "LogfmtParserErr");
        return true;
    }
}

/// <summary><c>| regexp "..."</c>: named groups become labels (a line that does not match is kept unchanged).</summary>
public sealed record RegexpStage(string Pattern) : ParserStage
{
    private readonly Regex _regex = new(Pattern, RegexOptions.CultureInvariant);

    public override bool Apply(PipelineLine line)
    {
        LogFields.TryNamed(_regex, line.Text, line.Set);
        return true;
    }
}

/// <summary><c>| pattern "&lt;ip&gt; - &lt;_&gt; [&lt;ts&gt;] ..."</c>: literal text between named captures; &lt;_&gt; skips.</summary>
public sealed record PatternStage(string Pattern) : ParserStage
{
    private readonly Regex _regex = Compile(Pattern);

    internal static Regex Compile(string pattern)
    {
        var sb = new StringBuilder("^");
        int i = 0;
        var capture = new Regex(@"<(_|[a-zA-Z_][a-zA-Z0-9_]*)>");
        foreach (Match m in capture.Matches(pattern))
        {
            sb.Append(Regex.Escape(pattern[i..m.Index]));
            sb.Append(m.Groups[1].Value == "_" ? ".*?" : $"(?<{m.Groups[1].Value}>.*?)");
            i = m.Index + m.Length;
        }
        sb.Append(Regex.Escape(pattern[i..]));
        // A capture at the very end takes the rest of the line.
        var text = sb.ToString();
        if (text.EndsWith(".*?)", StringComparison.Ordinal)) text = text[..^4] + ".*)";
        else if (text.EndsWith(".*?", StringComparison.Ordinal)) text = text[..^3] + ".*";
        return new Regex(text, RegexOptions.CultureInvariant);
    }

    public override bool Apply(PipelineLine line)
    {
        LogFields.TryNamed(_regex, line.Text, line.Set);
        return true;
    }
}

public enum LabelFilterOp { Equal, NotEqual, Matches, NotMatches, Greater, GreaterOrEqual, Less, LessOrEqual }

/// <summary>
/// <c>| name op value</c>: strings compared (=, !=, =~, !~) or numbers (&gt;, &gt;=, &lt;, &lt;=, ==, !=), where a number
/// may be a duration (<c>250ms</c>, compared in seconds) or a byte size (<c>10KB</c>); a label that is not a number
/// fails a numeric comparison.
/// </summary>
public sealed record LabelFilter(string Name, LabelFilterOp Op, string Text, double? Number) : PipelineStage
{
    private readonly Regex? _regex = Op is LabelFilterOp.Matches or LabelFilterOp.NotMatches ? new Regex("^(?:" + Text + ")$", RegexOptions.CultureInvariant | RegexOptions.Singleline) : null;

    public override bool Apply(PipelineLine line)
    {
        var value = line.Get(Name) ?? "";
        if (Number is { } n)
        {
            if (!Names.TryNumber(value, out double x)) return false;
            return Op switch
            {
                LabelFilterOp.Greater => x > n,
                LabelFilterOp.GreaterOrEqual => x >= n,
                LabelFilterOp.Less => x < n,
                LabelFilterOp.LessOrEqual => x <= n,
                LabelFilterOp.NotEqual => x != n,
                _ => x == n,
            };
        }
        return Op switch
        {
            LabelFilterOp.Equal => value == Text,
            LabelFilterOp.NotEqual => value != Text,
            LabelFilterOp.Matches => _regex!.IsMatch(value),
            _ => !_regex!.IsMatch(value),
        };
    }
}

/// <summary><c>| line_format "{{.msg}} ({{.model}})"</c>: the line rewritten from labels (Go template field references).</summary>
public sealed record LineFormat(string Template) : PipelineStage
{
    private static readonly Regex Field = new(@"\{\{-?\s*\.([a-zA-Z_][a-zA-Z0-9_]*)\s*-?\}\}");

    public override bool Apply(PipelineLine line)
    {
        line.Text = Field.Replace(Template, m => line.Get(m.Groups[1].Value) ?? "");
        return true;
    }
}

internal static class Names
{
    /// <summary>A number, a duration (in seconds) or a byte size, as Loki's label filters read them.</summary>
    public static bool TryNumber(string text, out double value)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        var m = Regex.Match(text, @"^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$");
        if (!m.Success) return false;
        double n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        value = m.Groups[2].Value switch
        {
            "ns" => n / 1e9,
            "us" or "µs" => n / 1e6,
            "ms" => n / 1e3,
            "s" => n,
            "m" => n * 60,
            "h" => n * 3600,
            "d" => n * 86400,
            "B" => n,
            "KB" => n * 1e3,
            "MB" => n * 1e6,
            "GB" => n * 1e9,
            "TB" => n * 1e12,
            "KiB" => n * 1024,
            "MiB" => n * 1024 * 1024,
            "GiB" => n * 1024 * 1024 * 1024,
            _ => n * Math.Pow(1024, 4),
        };
        return true;
    }
}
