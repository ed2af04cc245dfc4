using System.Text.RegularExpressions;
using Mlobs.Model.Labels;
using Mlobs.Model.Logs;
using Mlobs.Storage.Logs;

namespace Mlobs.Query.LogQl;

/// <summary>
/// A LogQL log query: a stream selector and a pipeline of stages applied to each line in order — line filters,
/// parsers that extract labels (<c>| json</c>, <c>| logfmt</c>, <c>| regexp</c>, <c>| pattern</c>), label filters and
/// <c>| line_format</c>. A line that reaches the end is kept, with its stream labels plus the extracted ones.
/// </summary>
public sealed record LogQuery(LabelMatcher[] Selector, IReadOnlyList<PipelineStage> Stages)
{
    /// <summary>Line filters only (no stage that needs labels): the old entry point, for tests and simple callers.</summary>
    public bool Keeps(string line)
    {
        foreach (var stage in Stages)
            if (stage is LineFilter f && !f.Keeps(line)) return false;
        return true;
    }

    /// <summary>
    /// Runs the pipeline over one line: null when a stage drops it, else the entry with its final labels and text.
    /// </summary>
    public LogEntry? Process(LogEntry entry)
    {
        if (Stages.Count == 0) return entry;
        var line = new PipelineLine(entry.Line, entry.Stream);
        foreach (var stage in Stages)
            if (!stage.Apply(line)) return null;
        return line.HasExtracted ? new LogEntry(line.Labels(), entry.TimestampNs, line.Text) : entry with { Line = line.Text };
    }

    /// <summary>
    /// Text every kept line contains, for the store's index and byte search: the longest of the <c>|=</c> filters and
    /// the literal runs of <c>|~</c> filters, taken before any stage that rewrites the line.
    /// </summary>
    public string? RequiredText
    {
        get
        {
            string? best = null;
            foreach (var stage in Stages)
            {
                if (stage is LineFormat) break;
                var text = stage switch
                {
                    LineFilter { Op: LineFilterOp.Contains } f => f.Value,
                    LineFilter { Op: LineFilterOp.Matches } f => RegexLiteral.Required(f.Value),
                    _ => null,
                };
                if (text is not null && (best is null || text.Length > best.Length)) best = text;
            }
            return best;
        }
    }

    /// <summary>Whether the pipeline extracts labels (results then group by the extracted labels too).</summary>
    public bool ExtractsLabels => Stages.Any(s => s is ParserStage);
}

/// <summary>
/// One line as it moves through a pipeline: its text and the labels extracted so far. A <c>| json</c> stage is
/// applied lazily: a label filter after it reads just its field (<see cref="JsonFieldReader"/>), and the full
/// flattening runs only when the line gets further (another stage sets labels, or the line is kept).
/// </summary>
public sealed class PipelineLine(string text, LabelSet stream)
{
    public string Text = text;
    public LabelSet Stream => stream;
    private Dictionary<string, string>? _extracted;
    private string? _pendingJson;

    public bool HasExtracted
    {
        get
        {
            Materialize();
            return _extracted is not null;
        }
    }

    public string? Get(string name)
    {
        if (_pendingJson is not null)
        {
            // A field the JSON would set under this very name (no stream label renames it): read just that field.
            if (name != "__error__" && stream.Get(name) is null && !name.EndsWith("_extracted", StringComparison.Ordinal)
                && JsonFieldReader.Read(_pendingJson, name, out var value) == JsonField.Read)
                return value ?? (_extracted is not null && _extracted.TryGetValue(name, out var earlier) ? earlier : null);
            Materialize();
        }
        return _extracted is not null && _extracted.TryGetValue(name, out var v) ? v : stream.Get(name);
    }

    /// <summary>Adds an extracted label; one that clashes with a stream label gets the suffix "_extracted", as in Loki.</summary>
    public void Set(string name, string value)
    {
        Materialize();
        _extracted ??= new Dictionary<string, string>(StringComparer.Ordinal);
        if (stream.Get(name) is not null) name += "_extracted";
        _extracted[name] = value;
    }

    /// <summary>Marks the line's current text as JSON to flatten (see the class summary).</summary>
    public void DeferJson()
    {
        Materialize();
        _pendingJson = Text;
    }

    private void Materialize()
    {
        if (_pendingJson is not { } json) return;
        _pendingJson = null;
        if (!LogFields.TryJson(json, Set)) Set("__error__", "JSONParserErr");
    }

    public LabelSet Labels()
    {
        Materialize();
        var b = new LabelSetBuilder().Reset(stream);
        if (_extracted is not null) foreach (var (k, v) in _extracted) b.Set(k, v);
        return b.Build();
    }
}

public abstract record PipelineStage
{
    /// <summary>Applies the stage; false drops the line.</summary>
    public abstract bool Apply(PipelineLine line);
}

public enum LineFilterOp { Contains, NotContains, Matches, NotMatches }

/// <summary>A line filter (<c>|= "x"</c>, <c>!= "x"</c>, <c>|~ "re"</c>, <c>!~ "re"</c>); regexes are unanchored, as in Loki.</summary>
public sealed record LineFilter(LineFilterOp Op, string Value) : PipelineStage
{
    private readonly Regex? _regex = Op is LineFilterOp.Matches or LineFilterOp.NotMatches ? new Regex(Value, RegexOptions.CultureInvariant) : null;

    public bool Keeps(string line) => Op switch
    {
        LineFilterOp.Contains => line.Contains(Value, StringComparison.Ordinal),
        LineFilterOp.NotContains => !line.Contains(Value, StringComparison.Ordinal),
        LineFilterOp.Matches => _regex!.IsMatch(line),
        _ => !_regex!.IsMatch(line),
    };

    public override bool Apply(PipelineLine line) => Keeps(line.Text);
}
