using Mlobs.Templates;

namespace Mlobs.Rules.Templates;

/// <summary>
/// The data an alerting rule's label and annotation templates see (template.AlertTemplateData): <c>.Labels</c>,
/// <c>.ExternalLabels</c>, <c>.ExternalURL</c> and <c>.Value</c>, bound to <c>$labels</c>, <c>$externalLabels</c>,
/// <c>$externalURL</c> and <c>$value</c> by the definitions Prometheus prepends.
/// </summary>
public sealed class AlertTemplateData(
    IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> externalLabels, string externalUrl, double value) : ITemplateObject
{
    public IReadOnlyDictionary<string, string> Labels { get; } = labels;
    public IReadOnlyDictionary<string, string> ExternalLabels { get; } = externalLabels;
    public string ExternalUrl { get; } = externalUrl;
    public double Value { get; } = value;

    public string GoTypeName => "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }";

    public bool TryGetField(string name, out object? value)
    {
        value = name switch
        {
            "Labels" => Labels,
            "ExternalLabels" => ExternalLabels,
            "ExternalURL" => ExternalUrl,
            "Value" => Value,
            _ => null,
        };
        return value is not null;
    }

    public string FormatV() =>
        "{" + GoValueFormat.V(Labels) + " " + GoValueFormat.V(ExternalLabels) + " " + ExternalUrl + " " + GoValueFormat.V(Value) + "}";
}
