using System.Text.Json.Serialization;

namespace Mlobs.Appliance.Http;

/// <summary>The Prometheus API envelope: <c>status</c>, then <c>data</c> or <c>errorType</c>/<c>error</c>, and <c>warnings</c>.</summary>
public sealed record ApiResponse<T>(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("data"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] T? Data,
    [property: JsonPropertyName("errorType"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErrorType = null,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null,
    [property: JsonPropertyName("warnings"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Warnings = null);

public sealed record TargetsData(
    [property: JsonPropertyName("activeTargets")] IReadOnlyList<ActiveTargetJson> ActiveTargets,
    [property: JsonPropertyName("droppedTargets")] IReadOnlyList<DroppedTargetJson> DroppedTargets,
    [property: JsonPropertyName("droppedTargetCounts")] IReadOnlyDictionary<string, int> DroppedTargetCounts);

public sealed record ActiveTargetJson(
    [property: JsonPropertyName("discoveredLabels")] IReadOnlyDictionary<string, string> DiscoveredLabels,
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("scrapePool")] string ScrapePool,
    [property: JsonPropertyName("scrapeUrl")] string ScrapeUrl,
    [property: JsonPropertyName("globalUrl")] string GlobalUrl,
    [property: JsonPropertyName("lastError")] string LastError,
    [property: JsonPropertyName("lastScrape")] string LastScrape,
    [property: JsonPropertyName("lastScrapeDuration")] double LastScrapeDuration,
    [property: JsonPropertyName("health")] string Health,
    [property: JsonPropertyName("scrapeInterval")] string ScrapeInterval,
    [property: JsonPropertyName("scrapeTimeout")] string ScrapeTimeout,
    // mlobs's addition to Prometheus's shape: samples of the target the store rejected, by reason.
    [property: JsonPropertyName("samplesRejected")] SamplesRejectedJson SamplesRejected);

public sealed record SamplesRejectedJson(
    [property: JsonPropertyName("outOfOrder")] long OutOfOrder,
    [property: JsonPropertyName("duplicateTimestamp")] long DuplicateTimestamp,
    [property: JsonPropertyName("outOfBounds")] long OutOfBounds);

public sealed record DroppedTargetJson(
    [property: JsonPropertyName("discoveredLabels")] IReadOnlyDictionary<string, string> DiscoveredLabels,
    [property: JsonPropertyName("scrapePool")] string ScrapePool);

public sealed record BuildInfoData(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("revision")] string Revision,
    [property: JsonPropertyName("branch")] string Branch,
    [property: JsonPropertyName("buildUser")] string BuildUser,
    [property: JsonPropertyName("buildDate")] string BuildDate,
    [property: JsonPropertyName("goVersion")] string GoVersion);

public sealed record ConfigData([property: JsonPropertyName("yaml")] string Yaml);

public sealed record MetadataJson(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("help")] string Help,
    [property: JsonPropertyName("unit")] string Unit);

/// <summary>
/// Prometheus's runtime info, with the fields mlobs can report truthfully. Go's goroutine count, GOGC, GOMEMLIMIT,
/// GODEBUG and the WAL corruption count have no counterpart here and are left out rather than invented; GOMAXPROCS
/// is the number of threads the runtime runs in parallel.
/// </summary>
public sealed record RuntimeInfoJson(
    [property: JsonPropertyName("startTime")] string StartTime,
    [property: JsonPropertyName("CWD")] string Cwd,
    [property: JsonPropertyName("reloadConfigSuccess")] bool ReloadConfigSuccess,
    [property: JsonPropertyName("lastConfigTime")] string LastConfigTime,
    [property: JsonPropertyName("GOMAXPROCS")] int GoMaxProcs,
    [property: JsonPropertyName("storageRetention")] string StorageRetention);

public sealed record RuleDiscoveryJson([property: JsonPropertyName("groups")] IReadOnlyList<RuleGroupJson> Groups);

public sealed record RuleGroupJson(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("rules")] IReadOnlyList<RuleJson> Rules,
    [property: JsonPropertyName("interval")] double Interval,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("evaluationTime")] double EvaluationTime,
    [property: JsonPropertyName("lastEvaluation")] string LastEvaluation,
    // mlobs's addition to Prometheus's shape (clients ignore unknown fields): evaluations skipped because one ran late.
    [property: JsonPropertyName("missedIterations")] long MissedIterations);

/// <summary>An alerting or recording rule: the alerting-only fields are left out (null) for recording rules, as Prometheus's two shapes.</summary>
public sealed record RuleJson(
    [property: JsonPropertyName("state"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? State,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("duration"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Duration,
    [property: JsonPropertyName("keepFiringFor"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? KeepFiringFor,
    [property: JsonPropertyName("labels"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Labels,
    [property: JsonPropertyName("annotations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Annotations,
    [property: JsonPropertyName("alerts"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<AlertJson>? Alerts,
    [property: JsonPropertyName("health")] string Health,
    [property: JsonPropertyName("lastError"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LastError,
    [property: JsonPropertyName("evaluationTime")] double EvaluationTime,
    [property: JsonPropertyName("lastEvaluation")] string LastEvaluation,
    [property: JsonPropertyName("type")] string Type);

public sealed record AlertDiscoveryJson([property: JsonPropertyName("alerts")] IReadOnlyList<AlertJson> Alerts);

public sealed record AlertJson(
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("annotations")] IReadOnlyDictionary<string, string> Annotations,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("activeAt"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ActiveAt,
    [property: JsonPropertyName("keepFiringSince"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? KeepFiringSince,
    [property: JsonPropertyName("value")] string Value);

[JsonSerializable(typeof(ApiResponse<RuleDiscoveryJson>))]
[JsonSerializable(typeof(ApiResponse<AlertDiscoveryJson>))]
[JsonSerializable(typeof(ApiResponse<TargetsData>))]
[JsonSerializable(typeof(ApiResponse<IReadOnlyDictionary<string, IReadOnlyList<MetadataJson>>>))]
[JsonSerializable(typeof(ApiResponse<IReadOnlyDictionary<string, string>>))]
[JsonSerializable(typeof(ApiResponse<RuntimeInfoJson>))]
[JsonSerializable(typeof(ApiResponse<IReadOnlyList<IReadOnlyDictionary<string, string>>>))]
[JsonSerializable(typeof(ApiResponse<IReadOnlyList<string>>))]
[JsonSerializable(typeof(ApiResponse<BuildInfoData>))]
[JsonSerializable(typeof(ApiResponse<ConfigData>))]
[JsonSerializable(typeof(ApiResponse<object>))]
[JsonSerializable(typeof(ApiResponse<string>))]
[JsonSourceGenerationOptions(WriteIndented = false)]
public sealed partial class ApiJsonContext : JsonSerializerContext
{
    /// <summary>With Go's escaping, as Prometheus writes its API (the default encoder would write '+' as "\u002B").</summary>
    public static ApiJsonContext Api { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        Encoder = Mlobs.Model.Strconv.GoJsonEncoder.Instance,
    });
}
