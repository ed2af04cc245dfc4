using System.Net.Http.Headers;
using Mlobs.Config;
using Mlobs.Ingest.Scrape.Relabel;
using Mlobs.Model.Labels;
using Mlobs.Rules.Notifier;

namespace Mlobs.Appliance.Alerting;

/// <summary>
/// Turns <c>alerting:</c> into what the notifier sends to (notifier.AlertmanagerFromGroup): each static target
/// becomes labels <c>__address__</c>, <c>__scheme__</c>, <c>__alerts_path__</c> plus its static labels, relabeled
/// by the Alertmanager config's <c>relabel_configs</c> (a dropped target gets nothing); and the alert relabeling.
/// </summary>
public static class AlertmanagerDiscovery
{
    public static IReadOnlyList<AlertmanagerEndpoint> Endpoints(AlertingConfig alerting, string configDirectory)
    {
        var endpoints = new List<AlertmanagerEndpoint>();
        foreach (var am in alerting.Alertmanagers)
        {
            var relabel = new Relabeler(am.RelabelConfigs);
            var header = HttpCredentials.AuthorizationHeader(am.BasicAuth, am.Authorization, configDirectory);
            AuthenticationHeaderValue? auth = header is null ? null : AuthenticationHeaderValue.Parse(header);
            string alertsPath = "/" + am.PathPrefix.Trim('/');
            alertsPath = (alertsPath == "/" ? "" : alertsPath) + "/api/v2/alerts";
            foreach (var sc in am.StaticConfigs)
                foreach (var target in sc.Targets)
                {
                    var lb = new LabelSetBuilder();
                    foreach (var (k, v) in sc.Labels) lb.Set(k, v);
                    lb.Set("__address__", target).Set("__scheme__", am.Scheme).Set("__alerts_path__", alertsPath);
                    if (!relabel.Process(lb)) continue;
                    string address = lb.Get("__address__") ?? target, scheme = lb.Get("__scheme__") ?? am.Scheme, path = lb.Get("__alerts_path__") ?? alertsPath;
                    if (!Uri.TryCreate($"{scheme}://{address}{path}", UriKind.Absolute, out var url)) continue;
                    if (endpoints.Any(e => e.AlertsUrl == url)) continue; // the same Alertmanager twice gets each alert once
                    endpoints.Add(new AlertmanagerEndpoint(url, am.Timeout, auth));
                }
        }
        return endpoints;
    }

    /// <summary><c>alert_relabel_configs</c> as a function; null when there are none. Returns null for a dropped alert.</summary>
    public static Func<LabelSet, LabelSet?>? AlertRelabeling(AlertingConfig alerting)
    {
        if (alerting.AlertRelabelConfigs.Count == 0) return null;
        var relabel = new Relabeler(alerting.AlertRelabelConfigs);
        return labels =>
        {
            var lb = new LabelSetBuilder().Reset(labels);
            return relabel.Process(lb) ? lb.Build() : null;
        };
    }
}
