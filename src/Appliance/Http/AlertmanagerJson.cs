using System.Text.Json.Serialization;

namespace Mlobs.Appliance.Http;

/// <summary>Alertmanager's API v2 models (api/v2/models) as mlobs serves them for its built-in router.</summary>
public sealed record ApiMatcherJson(string Name, string Value, bool IsRegex, bool? IsEqual);

public sealed record PostableSilenceJson(
    string? Id, List<ApiMatcherJson>? Matchers, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? CreatedBy, string? Comment);

public sealed record SilenceStatusJson(string State);

public sealed record GettableSilenceJson(
    string Id, SilenceStatusJson Status, string UpdatedAt, string Comment, string CreatedBy, string EndsAt,
    List<ApiMatcherJson> Matchers, string StartsAt);

public sealed record SilenceCreatedJson([property: JsonPropertyName("silenceID")] string SilenceId);

public sealed record AlertStatusJson(List<string> InhibitedBy, List<string> SilencedBy, string State);

public sealed record ReceiverNameJson(string Name);

public sealed record GettableAlertJson(
    IReadOnlyDictionary<string, string> Annotations, string EndsAt, string Fingerprint, List<ReceiverNameJson> Receivers,
    string StartsAt, AlertStatusJson Status, string UpdatedAt, string GeneratorUrl, IReadOnlyDictionary<string, string> Labels)
{
    [JsonPropertyName("generatorURL")] public string GeneratorUrl { get; init; } = GeneratorUrl;
}

public sealed record AmStatusJson(AmClusterJson Cluster, AmConfigJson Config, string Uptime, AmVersionJson VersionInfo);
public sealed record AmClusterJson(string Status, List<string> Peers);
public sealed record AmConfigJson(string Original);
public sealed record AmVersionJson(string Branch, string BuildDate, string BuildUser, string GoVersion, string Revision, string Version);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PostableSilenceJson))]
[JsonSerializable(typeof(GettableSilenceJson))]
[JsonSerializable(typeof(List<GettableSilenceJson>))]
[JsonSerializable(typeof(SilenceCreatedJson))]
[JsonSerializable(typeof(List<GettableAlertJson>))]
[JsonSerializable(typeof(AmStatusJson))]
[JsonSerializable(typeof(string))]
public sealed partial class AlertmanagerJsonContext : JsonSerializerContext
{
    /// <summary>The same shapes with Go's escaping, as Alertmanager writes its API.</summary>
    public static AlertmanagerJsonContext Go { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = Mlobs.Model.Strconv.GoJsonEncoder.Instance,
    });
}
