using Mlobs.Query.PromQl.Engine;

namespace Mlobs.Rules.Evaluation;

/// <summary>
/// Runs an instant query for a rule (Prometheus's rules.QueryFunc): the rules see the query engine only through
/// this. A scalar result comes back as one sample without labels, as Prometheus's EngineQueryFunc does.
/// </summary>
public delegate IReadOnlyList<Sample> QueryFunc(string expr, long timeMs, CancellationToken ct);
