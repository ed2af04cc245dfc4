using System.Globalization;
using System.Text.Json;
using Mlobs.Ingest.Push;
using Mlobs.Model.Labels;

namespace Mlobs.Ingest.Dbt;

/// <summary>A <c>sources.json</c> that is not what <c>dbt source freshness</c> writes; the message names the field.</summary>
public sealed class DbtFreshnessException(string message) : Exception(message);

/// <summary>
/// Reads the file <c>dbt source freshness</c> writes (<c>target/sources.json</c>, dbt's sources schema v1–v3) into
/// metric families to push: per source table (<c>unique_id</c> <c>source.&lt;package&gt;.&lt;source&gt;.&lt;table&gt;</c>)
/// the time of its newest row, its age when dbt looked, the freshness status, and the warn/error thresholds in
/// seconds; plus <c>data_source_last_success_timestamp_seconds{source=&lt;table&gt;}</c>, the metric the shipped
/// freshness rules and dashboard read.
/// </summary>
public static class DbtFreshnessReader
{
    public static readonly string[] Statuses = ["pass", "warn", "error", "runtime error"];

    public static IReadOnlyList<PushedFamily> Read(string json, string file)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 }); }
        catch (JsonException ex) { throw new DbtFreshnessException($"{file}: not JSON: {ex.Message}"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new DbtFreshnessException($"{file}: expected a JSON object (dbt's sources.json)");
            if (root.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("dbt_schema_version", out var schema)
                && schema.GetString() is { } version && !version.Contains("/dbt/sources/", StringComparison.Ordinal))
                throw new DbtFreshnessException($"{file}: metadata.dbt_schema_version is {version}, not a sources file (dbt source freshness writes target/sources.json)");
            if (!root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
                throw new DbtFreshnessException($"{file}: no \"results\" array: not the sources.json that dbt source freshness writes");

            var loadedAt = new List<PushedMetric>();
            var age = new List<PushedMetric>();
            var status = new List<PushedMetric>();
            var warnAfter = new List<PushedMetric>();
            var errorAfter = new List<PushedMetric>();
            var lastSuccess = new List<PushedMetric>();
            int index = 0;
            foreach (var r in results.EnumerateArray())
            {
                var at = $"{file}: results[{index++}]";
                var uniqueId = String(r, "unique_id", at);
                var parts = uniqueId.Split('.');
                if (parts.Length < 4 || parts[0] != "source")
                    throw new DbtFreshnessException($"{at}.unique_id: \"{uniqueId}\" is not source.<package>.<source>.<table>");
                var source = parts[2];
                var table = string.Join('.', parts[3..]);
                Label[] labels = [new("source", source), new("table", table)];
                var state = String(r, "status", at);
                if (Array.IndexOf(Statuses, state) < 0)
                    throw new DbtFreshnessException($"{at}.status: \"{state}\" is not one of {string.Join(", ", Statuses)}");
                foreach (var s in Statuses)
                    status.Add(Gauge([.. labels, new("status", s.Replace(' ', '_'))], s == state ? 1 : 0));
                if (state == "runtime error") continue; // dbt could not query the table: no times to report
                var maxLoadedAt = Time(r, "max_loaded_at", at);
                loadedAt.Add(Gauge(labels, maxLoadedAt));
                lastSuccess.Add(Gauge([new("dbt_source", source), new("source", table)], maxLoadedAt));
                age.Add(Gauge(labels, Number(r, "max_loaded_at_time_ago_in_s", at)));
                if (r.TryGetProperty("criteria", out var criteria) && criteria.ValueKind == JsonValueKind.Object)
                {
                    if (Threshold(criteria, "warn_after", at) is { } warn) warnAfter.Add(Gauge(labels, warn));
                    if (Threshold(criteria, "error_after", at) is { } error) errorAfter.Add(Gauge(labels, error));
                }
            }
            return
            [
                new("dbt_source_loaded_at_seconds", "Unix time of the newest row dbt source freshness found in the table (max_loaded_at).", MetricKind.Gauge, loadedAt),
                new("dbt_source_freshness_age_seconds", "How old the newest row was when dbt checked (max_loaded_at_time_ago_in_s).", MetricKind.Gauge, age),
                new("dbt_source_freshness_status", "1 for the freshness status dbt reported (pass, warn, error, runtime_error), 0 for the others.", MetricKind.Gauge, status),
                new("dbt_source_freshness_warn_after_seconds", "The source's warn_after threshold, in seconds.", MetricKind.Gauge, warnAfter),
                new("dbt_source_freshness_error_after_seconds", "The source's error_after threshold, in seconds.", MetricKind.Gauge, errorAfter),
                new("data_source_last_success_timestamp_seconds", "Unix time of the last successful load of a data source (here: a dbt source table).", MetricKind.Gauge, lastSuccess),
            ];
        }
    }

    private static PushedMetric Gauge(Label[] labels, double value)
    {
        var sorted = labels.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new PushedMetric(sorted, MetricKind.Gauge) { Value = value };
    }

    private static string String(JsonElement r, string field, string at) =>
        r.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!
            : throw new DbtFreshnessException($"{at}.{field}: {(r.TryGetProperty(field, out _) ? "expected a string" : "missing")}");

    private static double Number(JsonElement r, string field, string at) =>
        r.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble()
            : throw new DbtFreshnessException($"{at}.{field}: {(r.TryGetProperty(field, out _) ? "expected a number" : "missing")}");

    private static double Time(JsonElement r, string field, string at)
    {
        var text = String(r, field, at);
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            throw new DbtFreshnessException($"{at}.{field}: \"{text}\" is not a timestamp");
        return (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;
    }

    /// <summary>A <c>{count, period}</c> threshold in seconds; null when dbt has none (count null).</summary>
    private static double? Threshold(JsonElement criteria, string field, string at)
    {
        if (!criteria.TryGetProperty(field, out var t) || t.ValueKind != JsonValueKind.Object) return null;
        if (!t.TryGetProperty("count", out var count) || count.ValueKind == JsonValueKind.Null) return null;
        if (count.ValueKind != JsonValueKind.Number) throw new DbtFreshnessException($"{at}.criteria.{field}.count: expected a number");
        var period = t.TryGetProperty("period", out var p) ? p.GetString() : null;
        double unit = period switch
        {
            "minute" => 60,
            "hour" => 3600,
            "day" => 86400,
            _ => throw new DbtFreshnessException($"{at}.criteria.{field}.period: \"{period}\" is not minute, hour or day"),
        };
        return count.GetDouble() * unit;
    }
}
