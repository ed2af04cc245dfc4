using Mlobs.Rules.Evaluation;

namespace Mlobs.Appliance.Http;

/// <summary>What <c>/api/v1/rules</c> and <c>/api/v1/alerts</c> read (Prometheus's RulesRetriever): the loaded rule groups.</summary>
public interface IRulesRetriever
{
    IReadOnlyList<RuleGroup> RuleGroups();
}
