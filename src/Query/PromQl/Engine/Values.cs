using Mlobs.Model.Labels;

namespace Mlobs.Query.PromQl.Engine;

/// <summary>A float sample point (promql.FPoint).</summary>
public readonly record struct FPoint(long T, double F);

/// <summary>One element of an instant vector (promql.Sample).</summary>
public readonly record struct Sample(LabelSet Metric, long T, double F);

/// <summary>A series of points: a range-vector element, or one output series of a range query (promql.Series).</summary>
public sealed class Series(LabelSet metric, List<FPoint> points)
{
    public LabelSet Metric { get; set; } = metric;
    public List<FPoint> Points { get; } = points;
}

/// <summary>What a query returns; the HTTP API renders these with Prometheus's resultType names.</summary>
public abstract record QueryValue;

public sealed record ScalarValue(long T, double F) : QueryValue;

public sealed record StringValue(long T, string S) : QueryValue;

public sealed record VectorValue(List<Sample> Samples) : QueryValue;

public sealed record MatrixValue(List<Series> Series) : QueryValue;

/// <summary>A finished query: its value and the warning and info annotations Prometheus would attach.</summary>
public sealed record QueryResult(QueryValue Value, IReadOnlyList<string> Warnings, IReadOnlyList<string> Infos);

/// <summary>
/// Annotations collected while evaluating (util/annotations): warnings and infos, each message once, with the
/// position of the expression they are about (-1 when none).
/// </summary>
public sealed class Annotations
{
    private readonly Lock _lock = new();
    private readonly List<(string Message, int Position)> _warnings = [], _infos = [];

    public void Warn(string message, int position = -1) => Add(_warnings, message, position);

    public void Info(string message, int position = -1) => Add(_infos, message, position);

    private void Add(List<(string Message, int Position)> list, string message, int position)
    {
        lock (_lock) if (!list.Exists(a => a.Message == message)) list.Add((message, position));
    }

    public IReadOnlyList<string> Warnings(string? query) => Format(_warnings, query);

    public IReadOnlyList<string> Infos(string? query) => Format(_infos, query);

    /// <summary>As Prometheus's annoErr.Error() once the API has set the query: <c>message (line:column)</c>.</summary>
    private IReadOnlyList<string> Format(List<(string Message, int Position)> list, string? query)
    {
        lock (_lock)
        {
            return list.Select(a => query is null || a.Position < 0 ? a.Message : $"{a.Message} ({LineColumn(query, a.Position)})").ToList();
        }
    }

    /// <summary>Prometheus's PositionRange.StartPosInput: 1-based line, and the column in bytes from the line's start.</summary>
    public static string LineColumn(string query, int position)
    {
        position = Math.Clamp(position, 0, query.Length);
        int lineStart = query.LastIndexOf('\n', Math.Max(position - 1, 0), position) + 1;
        int line = 1;
        for (int i = 0; i < position; i++) if (query[i] == '\n') line++;
        int column = System.Text.Encoding.UTF8.GetByteCount(query.AsSpan(lineStart, position - lineStart)) + 1;
        return $"{line}:{column}";
    }
}
