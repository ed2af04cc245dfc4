using Mlobs.Storage.Labels;

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

/// <summary>Annotations collected while evaluating (util/annotations): warnings and infos, each once.</summary>
public sealed class Annotations
{
    private readonly Lock _lock = new();
    public List<string> Warnings { get; } = [];
    public List<string> Infos { get; } = [];

    public void Warn(string message)
    {
        lock (_lock) if (!Warnings.Contains(message)) Warnings.Add(message);
    }

    public void Info(string message)
    {
        lock (_lock) if (!Infos.Contains(message)) Infos.Add(message);
    }
}
