using System.Net.Http.Headers;

namespace Mlobs.Rules.Notifier;

/// <summary>One Alertmanager to send to: its <c>/api/v2/alerts</c> URL, the request timeout and optional credentials.</summary>
public sealed record AlertmanagerEndpoint(Uri AlertsUrl, TimeSpan Timeout, AuthenticationHeaderValue? Authorization = null)
{
    /// <summary>scheme://target + path_prefix + /api/v2/alerts, as Prometheus builds it from alerting.alertmanagers.</summary>
    public static AlertmanagerEndpoint For(string scheme, string target, string pathPrefix, TimeSpan timeout, AuthenticationHeaderValue? authorization = null)
    {
        string prefix = "/" + pathPrefix.Trim('/');
        if (prefix == "/") prefix = "";
        return new AlertmanagerEndpoint(new Uri($"{scheme}://{target}{prefix}/api/v2/alerts"), timeout, authorization);
    }
}
