using System.Collections;
using Mlobs.Model.Labels;
using Mlobs.Templates;
using static Mlobs.Templates.TemplateParam;

namespace Mlobs.Alertmanager;

/// <summary>
/// Alertmanager's template.KV: a label or annotation map (readable as <c>.CommonLabels.job</c> and with
/// <c>range</c>) with the methods notification templates call: SortedPairs, Names, Values, Remove.
/// </summary>
public sealed class TemplateKv(IReadOnlyDictionary<string, string> map) : IReadOnlyDictionary<string, string>, ITemplateMethods
{
    private readonly SortedDictionary<string, string> _map = new(map.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal);

    public static TemplateKv From(LabelSet labels) => new(labels.ToDictionary());

    public bool TryGetMethod(string name, out TemplateFunction method)
    {
        method = name switch
        {
            "SortedPairs" => TemplateFunction.Of(name, _ => SortedPairs()),
            "Names" => TemplateFunction.Of(name, _ => Names()),
            "Values" => TemplateFunction.Of(name, _ => Values()),
            "Remove" => TemplateFunction.Of(name, a => Remove((IReadOnlyList<object?>)a[0]!), Strings),
            _ => null!,
        };
        return method is not null;
    }

    /// <summary>Name/value pairs sorted by name — with <c>alertname</c> first, as Alertmanager sorts them.</summary>
    public TemplatePairs SortedPairs()
    {
        var pairs = _map.Select(kv => new TemplatePair(kv.Key, kv.Value)).ToList();
        pairs.Sort((a, b) => a.Name == "alertname" ? (b.Name == "alertname" ? 0 : -1) : b.Name == "alertname" ? 1 : string.CompareOrdinal(a.Name, b.Name));
        return new TemplatePairs(pairs);
    }

    public List<object?> Names() => SortedPairs().Select(p => (object?)((TemplatePair)p!).Name).ToList();
    public List<object?> Values() => SortedPairs().Select(p => (object?)((TemplatePair)p!).Value).ToList();

    public TemplateKv Remove(IReadOnlyList<object?> keys)
    {
        var copy = new Dictionary<string, string>(_map, StringComparer.Ordinal);
        foreach (var k in keys) if (k is string s) copy.Remove(s);
        return new TemplateKv(copy);
    }

    public string this[string key] => _map[key];
    public IEnumerable<string> Keys => _map.Keys;
    IEnumerable<string> IReadOnlyDictionary<string, string>.Values => _map.Values;
    public int Count => _map.Count;
    public bool ContainsKey(string key) => _map.ContainsKey(key);
    public bool TryGetValue(string key, out string value) => _map.TryGetValue(key, out value!);
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _map.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>template.Pair: <c>.Name</c> and <c>.Value</c>.</summary>
public sealed class TemplatePair(string name, string value) : ITemplateObject
{
    public string Name { get; } = name;
    public string Value { get; } = value;
    public string GoTypeName => "template.Pair";

    public bool TryGetField(string field, out object? value)
    {
        value = field switch { "Name" => Name, "Value" => Value, _ => null };
        return value is not null;
    }

    public string FormatV() => "{" + Name + " " + Value + "}";
}

/// <summary>template.Pairs: a list of pairs with Names and Values.</summary>
public sealed class TemplatePairs(List<TemplatePair> pairs) : List<object?>(pairs), ITemplateMethods
{
    public bool TryGetMethod(string name, out TemplateFunction method)
    {
        method = name switch
        {
            "Names" => TemplateFunction.Of(name, _ => this.Cast<TemplatePair>().Select(p => (object?)p.Name).ToList()),
            "Values" => TemplateFunction.Of(name, _ => this.Cast<TemplatePair>().Select(p => (object?)p.Value).ToList()),
            _ => null!,
        };
        return method is not null;
    }
}

/// <summary>template.Alert: one alert of a notification.</summary>
public sealed class TemplateAlert(RouterAlert alert, DateTimeOffset now) : ITemplateObject
{
    public bool Resolved { get; } = alert.IsResolved(now);
    public string Status => Resolved ? "resolved" : "firing";
    public TemplateKv Labels { get; } = TemplateKv.From(alert.Labels);
    public TemplateKv Annotations { get; } = new(alert.Annotations);
    public RouterAlert Alert { get; } = alert;
    public string GoTypeName => "template.Alert";

    public bool TryGetField(string name, out object? value)
    {
        value = name switch
        {
            "Status" => Status,
            "Labels" => Labels,
            "Annotations" => Annotations,
            "StartsAt" => new GoTime(Alert.StartsAt),
            "EndsAt" => new GoTime(Resolved ? Alert.EndsAt : DateTimeOffset.MinValue),
            "GeneratorURL" => Alert.GeneratorUrl,
            "Fingerprint" => Fingerprints.Format(Alert.Fingerprint),
            _ => null,
        };
        return value is not null;
    }

    public string FormatV() => "{" + Status + " " + GoValueFormat.V(Labels) + " " + GoValueFormat.V(Annotations) + "}";
}

/// <summary>template.Alerts: the alert list, with Firing and Resolved.</summary>
public sealed class TemplateAlerts(IEnumerable<TemplateAlert> alerts) : List<object?>(alerts), ITemplateMethods
{
    public bool TryGetMethod(string name, out TemplateFunction method)
    {
        method = name switch
        {
            "Firing" => TemplateFunction.Of(name, _ => new TemplateAlerts(this.Cast<TemplateAlert>().Where(a => !a.Resolved))),
            "Resolved" => TemplateFunction.Of(name, _ => new TemplateAlerts(this.Cast<TemplateAlert>().Where(a => a.Resolved))),
            _ => null!,
        };
        return method is not null;
    }
}

/// <summary>template.Data: what notification templates see as dot.</summary>
public sealed class NotificationTemplateData(NotificationData data) : ITemplateObject
{
    public TemplateAlerts Alerts { get; } = new(data.Alerts.Select(a => new TemplateAlert(a, data.Now)));
    public NotificationData Data { get; } = data;
    public string GoTypeName => "*template.Data";

    public bool TryGetField(string name, out object? value)
    {
        value = name switch
        {
            "Receiver" => Data.Receiver,
            "Status" => Data.Status,
            "Alerts" => Alerts,
            "GroupLabels" => TemplateKv.From(Data.GroupLabels),
            "CommonLabels" => TemplateKv.From(Data.CommonLabels),
            "CommonAnnotations" => new TemplateKv(Data.CommonAnnotations),
            "ExternalURL" => Data.ExternalUrl,
            _ => null,
        };
        return value is not null;
    }

    public string FormatV() => "&{" + Data.Receiver + " " + Data.Status + "}";
}
