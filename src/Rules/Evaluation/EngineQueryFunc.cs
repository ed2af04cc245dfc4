using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Engine;

namespace Mlobs.Rules.Evaluation;

/// <summary>Rules' view of the query engine (rules.EngineQueryFunc): instant vectors; a scalar becomes one sample without labels.</summary>
public static class EngineQueryFunc
{
    public static QueryFunc Create(IQueryEngine engine) => (expr, timeMs, ct) =>
        engine.Instant(expr, timeMs, ct: ct).Value switch
        {
            VectorValue v => v.Samples,
            ScalarValue s => [new Sample(LabelSet.Empty, s.T, s.F)],
            _ => throw new RuleEvaluationException("rule result is not a vector or scalar"),
        };
}
