namespace Mlobs.Query.PromQl.Parser;

/// <summary>
/// A PromQL syntax error, formatted as Prometheus does: <c>1:12: parse error: unexpected ...</c>
/// (line and column are 1-based, computed from the byte offset).
/// </summary>
public sealed class ParseException : Exception
{
    public ParseException(string query, int position, string message)
        : base(Format(query, position, message))
    {
        Position = position;
        Detail = message;
    }

    public int Position { get; }
    public string Detail { get; }

    private static string Format(string query, int position, string message)
    {
        int line = 1, col = 1;
        for (int i = 0; i < position && i < query.Length; i++)
        {
            if (query[i] == '\n') { line++; col = 1; } else col++;
        }
        return $"{line}:{col}: parse error: {message}";
    }
}
