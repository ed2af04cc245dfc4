using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Engine;

namespace Mlobs.Rules.Evaluation;

/// <summary>
/// Writes the result of an expression as new series named <see cref="Name"/>, with the rule's labels set on every
/// sample (rules/recording.go).
/// </summary>
public sealed class RecordingRule(string name, string query, IReadOnlyDictionary<string, string> labels) : IRule
{
    public string Name { get; } = name;
    public string Query { get; } = query;
    public IReadOnlyDictionary<string, string> Labels { get; } = labels;
    public RuleStatus Status { get; } = new();

    public List<Sample> Eval(long timeMs, QueryFunc query, int limit, CancellationToken ct)
    {
        var result = query(Query, timeMs, ct);
        var output = new List<Sample>(result.Count);
        var seen = new HashSet<LabelSet>();
        foreach (var s in result)
        {
            var b = new LabelSetBuilder().Reset(s.Metric);
            b.Set(LabelSet.MetricName, Name);
            foreach (var (k, v) in Labels)
            {
                if (v.Length == 0) b.Delete(k); else b.Set(k, v);
            }
            var metric = b.Build();
            if (!seen.Add(metric))
                throw new RuleEvaluationException("vector contains metrics with the same labelset after applying rule labels");
            output.Add(new Sample(metric, timeMs, s.F));
        }
        if (limit > 0 && output.Count > limit)
            throw new RuleEvaluationException($"exceeded limit of {limit} with {output.Count} series");
        return output;
    }
}
