namespace Mlobs.Config;

public enum LogParserKind { Json, Logfmt, Regex, Raw }

/// <summary>Where a parsed line's time comes from: a field and its format (rfc3339, unix, unix_ms, unix_us, unix_ns).</summary>
public sealed record LogTimestampConfig(string Field, string Format);

/// <summary>
/// One <c>log_sources</c> entry: files to follow (globs), the labels of their streams, how lines are parsed, which
/// parsed fields become stream labels, and where each line's time comes from.
/// </summary>
public sealed record LogSourceConfig
{
    public required string Name { get; init; }
    public IReadOnlyList<string> Paths { get; init; } = [];
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public LogParserKind Parser { get; init; } = LogParserKind.Raw;
    public string? Pattern { get; init; }
    public IReadOnlyList<string> LabelFields { get; init; } = [];
    public LogTimestampConfig? Timestamp { get; init; }

    /// <summary>Lines longer than this are cut here (and counted).</summary>
    public int MaxLineBytes { get; init; } = 256 * 1024;
}
