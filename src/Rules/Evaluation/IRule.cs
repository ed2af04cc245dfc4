using Mlobs.Query.PromQl.Engine;

namespace Mlobs.Rules.Evaluation;

/// <summary>A recording or alerting rule: evaluated at a time, it returns the samples to write (Prometheus's rules.Rule).</summary>
public interface IRule
{
    string Name { get; }
    string Query { get; }
    RuleStatus Status { get; }

    /// <summary>Evaluates at <paramref name="timeMs"/>; throws <see cref="RuleEvaluationException"/> or a query error on failure.</summary>
    List<Sample> Eval(long timeMs, QueryFunc query, int limit, CancellationToken ct);
}

/// <summary>A rule's own failure (duplicate output series, limit exceeded), reported as the rule's last error.</summary>
public sealed class RuleEvaluationException(string message) : Exception(message);
