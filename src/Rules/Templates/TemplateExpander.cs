using Mlobs.Templates;

namespace Mlobs.Rules.Templates;

/// <summary>
/// Prometheus's template.Expander for alert labels and annotations: the variable definitions are prepended, the
/// text parsed with Prometheus's functions and <c>missingkey=zero</c>, and run on the alert's data. Failures come
/// back as Prometheus words them (<c>error parsing template NAME: ...</c>, <c>error executing template NAME: ...</c>).
/// </summary>
public static class TemplateExpander
{
    /// <summary>What Prometheus puts before every alert template, so <c>$labels</c> and <c>$value</c> exist.</summary>
    public const string AlertDefinitions =
        "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}";

    /// <summary>The template name Prometheus gives an alert's templates.</summary>
    public static string AlertTemplateName(string alertName) => "__alert_" + alertName;

    /// <summary>Expands <paramref name="text"/>; throws <see cref="TemplateException"/> with Prometheus's message on failure.</summary>
    public static string ExpandAlert(string alertName, string text, AlertTemplateData data, TemplateQuery? query, long timeMs)
    {
        if (!text.Contains("{{", StringComparison.Ordinal)) return text; // nothing to expand: no parse needed
        string name = AlertTemplateName(alertName);
        var functions = PrometheusTemplateFunctions.Create(query, timeMs, data.ExternalUrl);
        GoTemplate template;
        try { template = GoTemplate.Parse(name, AlertDefinitions + text, functions, missingKeyZero: true); }
        catch (TemplateException e) { throw new TemplateException($"error parsing template {name}: {e.Message}"); }
        try { return template.Execute(data); }
        catch (TemplateException e) { throw new TemplateException($"error executing template {name}: {e.Message}"); }
    }

    /// <summary>promtool's check: parses the template as an alert's would be; the Go parse error or null.</summary>
    public static string? ParseTestAlert(string alertName, string text)
    {
        try
        {
            GoTemplate.Parse(AlertTemplateName(alertName), AlertDefinitions + text,
                PrometheusTemplateFunctions.Create(null, 0, ""), missingKeyZero: true);
            return null;
        }
        catch (TemplateException e) { return e.Message; }
    }
}
