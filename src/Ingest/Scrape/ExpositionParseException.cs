namespace Mlobs.Ingest.Scrape;

/// <summary>A malformed exposition body; the scrape that produced it is rejected as a whole.</summary>
public sealed class ExpositionParseException(int line, int column, string message)
    : Exception($"line {line}:{column}: {message}")
{
    public int Line { get; } = line;
    public int Column { get; } = column;
}
