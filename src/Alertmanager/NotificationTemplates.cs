using Mlobs.Templates;
using static Mlobs.Templates.TemplateParam;

namespace Mlobs.Alertmanager;

/// <summary>
/// Notification templates as Alertmanager runs them: its function map and the default templates receivers fall
/// back to (<c>slack.default.title</c>, <c>__subject</c>, ...). The definitions below are copied verbatim from
/// Alertmanager 0.25's template/default.tmpl (Apache License 2.0, © The Prometheus Authors), so default messages
/// read exactly as Alertmanager's.
/// </summary>
public static class NotificationTemplates
{
    public const string DefaultTemplates = """
        {{ define "__alertmanager" }}Alertmanager{{ end }}
        {{ define "__alertmanagerURL" }}{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver | urlquery }}{{ end }}

        {{ define "__subject" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .GroupLabels.SortedPairs.Values | join " " }} {{ if gt (len .CommonLabels) (len .GroupLabels) }}({{ with .CommonLabels.Remove .GroupLabels.Names }}{{ .Values | join " " }}{{ end }}){{ end }}{{ end }}
        {{ define "__description" }}{{ end }}

        {{ define "__text_alert_list" }}{{ range . }}Labels:
        {{ range .Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}
        {{ end }}Annotations:
        {{ range .Annotations.SortedPairs }} - {{ .Name }} = {{ .Value }}
        {{ end }}Source: {{ .GeneratorURL }}
        {{ end }}{{ end }}

        {{ define "slack.default.title" }}{{ template "__subject" . }}{{ end }}
        {{ define "slack.default.username" }}{{ template "__alertmanager" . }}{{ end }}
        {{ define "slack.default.fallback" }}{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}{{ end }}
        {{ define "slack.default.callbackid" }}{{ end }}
        {{ define "slack.default.pretext" }}{{ end }}
        {{ define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
        {{ define "slack.default.iconemoji" }}{{ end }}
        {{ define "slack.default.iconurl" }}{{ end }}
        {{ define "slack.default.text" }}{{ end }}
        {{ define "slack.default.footer" }}{{ end }}

        {{ define "pagerduty.default.description" }}{{ template "__subject" . }}{{ end }}
        {{ define "pagerduty.default.client" }}{{ template "__alertmanager" . }}{{ end }}
        {{ define "pagerduty.default.clientURL" }}{{ template "__alertmanagerURL" . }}{{ end }}
        {{ define "pagerduty.default.instances" }}{{ template "__text_alert_list" . }}{{ end }}

        {{ define "discord.default.title" }}{{ template "__subject" . }}{{ end }}
        {{ define "discord.default.message" }}
        {{ if gt (len .Alerts.Firing) 0 }}
        Alerts Firing:
        {{ template "__text_alert_list" .Alerts.Firing }}
        {{ end }}
        {{ if gt (len .Alerts.Resolved) 0 }}
        Alerts Resolved:
        {{ template "__text_alert_list" .Alerts.Resolved }}
        {{ end }}
        {{ end }}
        """;

    /// <summary>Alertmanager's template functions (template.DefaultFuncs) on top of Go's builtins.</summary>
    public static readonly IReadOnlyDictionary<string, TemplateFunction> Functions = PrometheusTemplateFunctions.TextFunctions
        .Concat(
        [
            TemplateFunction.Of("trimSpace", a => ((string)a[0]!).Trim(), Text),
            // join takes the separator first so it pipes: {{ .Values | join " " }}
            TemplateFunction.Of("join", a => string.Join((string)a[0]!, ((IReadOnlyList<object?>)a[1]!).Cast<string>()), Text, Strings),
            TemplateFunction.Varargs("stringSlice", a => a.ToList(), Text),
        ])
        .ToDictionary(f => f.Name, StringComparer.Ordinal);

    private static readonly GoTemplate Defaults = GoTemplate.Parse("default.tmpl", DefaultTemplates, Functions, missingKeyZero: true);

    /// <summary>Expands one config field (Alertmanager's tmpl.ExecuteTextString) with the defaults available.</summary>
    public static string Expand(string text, NotificationTemplateData data)
    {
        if (!text.Contains("{{", StringComparison.Ordinal)) return text;
        return GoTemplate.Parse("", text, Functions, missingKeyZero: true, definitions: Defaults).Execute(data);
    }
}
