using Mlobs.Model.Labels;
using Mlobs.Rules.Evaluation;

namespace Mlobs.Appliance.Http;

/// <summary><c>/api/v1/rules</c> and <c>/api/v1/alerts</c> in Prometheus's shapes (web/api/v1 rules and alerts).</summary>
public static class RulesApi
{
    public static void Map(IEndpointRouteBuilder app, IRulesRetriever rules)
    {
        var api = app.MapGroup("/api/v1");
        api.MapGet("/rules", (HttpRequest req) => ApiResults.Guard(() => RulesList(rules, req)));
        api.MapGet("/alerts", () => ApiResults.Guard(() => Alerts(rules)));
    }

    private static IResult RulesList(IRulesRetriever manager, HttpRequest req)
    {
        var type = req.Query["type"].ToString();
        if (type is not ("" or "alert" or "record"))
            throw new ApiException(ApiErrorType.BadData, $"invalid parameter \"type\": not supported value \"{type}\"");
        var names = req.Query["rule_name[]"].Where(s => s is not null).ToHashSet(StringComparer.Ordinal);
        var groupNames = req.Query["rule_group[]"].Where(s => s is not null).ToHashSet(StringComparer.Ordinal);
        var files = req.Query["file[]"].Where(s => s is not null).ToHashSet(StringComparer.Ordinal);
        bool excludeAlerts = req.Query["exclude_alerts"].ToString() == "true";
        bool filtered = type.Length > 0 || names.Count > 0 || groupNames.Count > 0 || files.Count > 0;

        var groups = new List<RuleGroupJson>();
        foreach (var g in manager.RuleGroups())
        {
            if (groupNames.Count > 0 && !groupNames.Contains(g.Name)) continue;
            if (files.Count > 0 && !files.Contains(g.File)) continue;
            var rules = new List<RuleJson>();
            foreach (var rule in g.Rules)
            {
                if (names.Count > 0 && !names.Contains(rule.Name)) continue;
                if (rule is AlertingRule ar && type != "record")
                {
                    rules.Add(new RuleJson(
                        Alert.StateText(ar.State), ar.Name, ar.Query, ar.For.TotalSeconds, ar.KeepFiringFor.TotalSeconds,
                        Sorted(ar.Labels), Sorted(ar.Annotations), excludeAlerts ? null : ar.ActiveAlerts().Select(ToJson).ToList(),
                        Health(rule.Status.Health), rule.Status.LastError, rule.Status.EvaluationTime.TotalSeconds,
                        ApiFormat.Time(rule.Status.LastEvaluation), "alerting"));
                }
                else if (rule is RecordingRule rr && type != "alert")
                {
                    rules.Add(new RuleJson(
                        null, rr.Name, rr.Query, null, null, rr.Labels.Count > 0 ? Sorted(rr.Labels) : null, null, null,
                        Health(rule.Status.Health), rule.Status.LastError, rule.Status.EvaluationTime.TotalSeconds,
                        ApiFormat.Time(rule.Status.LastEvaluation), "recording"));
                }
            }
            if (filtered && rules.Count == 0) continue;
            groups.Add(new RuleGroupJson(g.Name, g.File, rules, g.Interval.TotalSeconds, g.Limit,
                g.EvaluationTime.TotalSeconds, ApiFormat.Time(g.LastEvaluation), Interlocked.Read(ref g.MissedIterations)));
        }
        return ApiResults.Success(new RuleDiscoveryJson(groups), ApiJsonContext.Api.ApiResponseRuleDiscoveryJson);
    }

    private static IResult Alerts(IRulesRetriever manager)
    {
        var alerts = manager.RuleGroups().SelectMany(g => g.Rules.OfType<AlertingRule>()).SelectMany(r => r.ActiveAlerts()).Select(ToJson).ToList();
        return ApiResults.Success(new AlertDiscoveryJson(alerts), ApiJsonContext.Api.ApiResponseAlertDiscoveryJson);
    }

    private static AlertJson ToJson(Alert a) => new(
        a.Labels.ToDictionary(), Sorted(a.Annotations), Alert.StateText(a.State),
        ApiFormat.Time(DateTimeOffset.FromUnixTimeMilliseconds(a.ActiveAtMs)),
        a.KeepFiringSinceMs == 0 ? null : ApiFormat.Time(DateTimeOffset.FromUnixTimeMilliseconds(a.KeepFiringSinceMs)),
        ApiFormat.FloatE(a.Value));

    private static string Health(RuleHealth h) => h switch { RuleHealth.Ok => "ok", RuleHealth.Err => "err", _ => "unknown" };

    private static SortedDictionary<string, string> Sorted(IReadOnlyDictionary<string, string> d) => new(d.ToDictionary(), StringComparer.Ordinal);

}
