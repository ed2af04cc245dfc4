using Mlobs.Ingest.Dbt;
using Mlobs.Ingest.Push;

namespace Mlobs.Ingest.Tests.Dbt;

/// <summary>dbt's target/sources.json (as dbt 1.7 writes it, schema v3) read into the families `mlobs push dbt-freshness` pushes.</summary>
public sealed class DbtFreshnessReaderTests
{
    private const string Sources = """
        {
          "metadata": {
            "dbt_schema_version": "https://schemas.getdbt.com/dbt/sources/v3.json",
            "dbt_version": "1.7.4",
            "generated_at": "2026-12-07T06:00:05.123456Z",
            "invocation_id": "8d5b7c1e-1f0a-4a52-9c1f-2d9c5e0e7f11",
            "env": {}
          },
          "results": [
            {
              "unique_id": "source.ml_platform.raw.transactions",
              "max_loaded_at": "2026-12-07T05:40:05+00:00",
              "snapshotted_at": "2026-12-07T06:00:05+00:00",
              "max_loaded_at_time_ago_in_s": 1200.0,
              "status": "pass",
              "criteria": {"warn_after": {"count": 2, "period": "day"}, "error_after": {"count": 5, "period": "day"}, "filter": null},
              "adapter_response": {"_message": "SELECT 1", "code": "SELECT", "rows_affected": 1},
              "timing": [{"name": "execute", "started_at": "2026-12-07T06:00:04.9Z", "completed_at": "2026-12-07T06:00:05.0Z"}],
              "thread_id": "Thread-1 (worker)",
              "execution_time": 0.0621
            },
            {
              "unique_id": "source.ml_platform.labelling.labels",
              "max_loaded_at": "2026-12-04T06:00:05Z",
              "snapshotted_at": "2026-12-07T06:00:05Z",
              "max_loaded_at_time_ago_in_s": 259200,
              "status": "warn",
              "criteria": {"warn_after": {"count": 48, "period": "hour"}, "error_after": {"count": null, "period": null}, "filter": null},
              "adapter_response": {}, "timing": [], "thread_id": "Thread-2 (worker)", "execution_time": 0.05
            },
            {
              "unique_id": "source.ml_platform.raw.features",
              "error": "Database Error in source features: relation \"raw.features\" does not exist",
              "status": "runtime error",
              "adapter_response": {}, "timing": [], "thread_id": "Thread-3 (worker)", "execution_time": 0.01
            }
          ],
          "elapsed_time": 1.52
        }
        """;

    private static string Show(PushedFamily f) => string.Join("; ", f.Metrics.Select(m =>
        "{" + string.Join(",", m.Labels.Select(l => $"{l.Name}={l.Value}")) + "} " + m.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void EachSourceTableBecomesItsTimesStatusAndThresholds()
    {
        var families = DbtFreshnessReader.Read(Sources, "target/sources.json").ToDictionary(f => f.Name);
        Assert.Equal("{source=raw,table=transactions} 1796622005; {source=labelling,table=labels} 1796364005", Show(families["dbt_source_loaded_at_seconds"]));
        Assert.Equal("{source=raw,table=transactions} 1200; {source=labelling,table=labels} 259200", Show(families["dbt_source_freshness_age_seconds"]));
        Assert.Equal("{source=raw,table=transactions} 172800; {source=labelling,table=labels} 172800", Show(families["dbt_source_freshness_warn_after_seconds"]));
        Assert.Equal("{source=raw,table=transactions} 432000", Show(families["dbt_source_freshness_error_after_seconds"]));
        var status = families["dbt_source_freshness_status"].Metrics
            .Where(m => m.Value == 1).Select(m => string.Join(",", m.Labels.Select(l => l.Value))).ToList();
        Assert.Equal(["raw,pass,transactions", "labelling,warn,labels", "raw,runtime_error,features"], status);
        Assert.Equal(12, families["dbt_source_freshness_status"].Metrics.Count); // every status, 0 or 1, per table
        // The metric the shipped freshness rules and dashboard read, keyed by table.
        Assert.Equal("{dbt_source=raw,source=transactions} 1796622005; {dbt_source=labelling,source=labels} 1796364005",
            Show(families["data_source_last_success_timestamp_seconds"]));
        Assert.All(families.Values, f => Assert.Equal(MetricKind.Gauge, f.Kind));
    }

    [Theory]
    [InlineData("[1]", "x.json: expected a JSON object")]
    [InlineData("{\"nodes\": {}}", "x.json: no \"results\" array")]
    [InlineData("{\"metadata\": {\"dbt_schema_version\": \"https://schemas.getdbt.com/dbt/manifest/v11.json\"}, \"results\": []}", "x.json: metadata.dbt_schema_version is https://schemas.getdbt.com/dbt/manifest/v11.json, not a sources file")]
    [InlineData("{\"results\": [{\"status\": \"pass\"}]}", "x.json: results[0].unique_id: missing")]
    [InlineData("{\"results\": [{\"unique_id\": \"model.p.orders\", \"status\": \"pass\"}]}", "x.json: results[0].unique_id: \"model.p.orders\" is not source.<package>.<source>.<table>")]
    [InlineData("{\"results\": [{\"unique_id\": \"source.p.s.t\", \"status\": \"stale\"}]}", "x.json: results[0].status: \"stale\" is not one of pass, warn, error, runtime error")]
    [InlineData("{\"results\": [{\"unique_id\": \"source.p.s.t\", \"status\": \"pass\", \"max_loaded_at\": \"yesterday\"}]}", "x.json: results[0].max_loaded_at: \"yesterday\" is not a timestamp")]
    [InlineData("{\"results\": [{\"unique_id\": \"source.p.s.t\", \"status\": \"pass\", \"max_loaded_at\": \"2026-12-07T00:00:00Z\", \"max_loaded_at_time_ago_in_s\": 1, \"criteria\": {\"warn_after\": {\"count\": 1, \"period\": \"week\"}}}]}", "x.json: results[0].criteria.warn_after.period: \"week\" is not minute, hour or day")]
    [InlineData("{\"results\": [", "x.json: not JSON: ")]
    public void AForeignOrBrokenFileNamesTheField(string json, string message) =>
        Assert.StartsWith(message, Assert.Throws<DbtFreshnessException>(() => DbtFreshnessReader.Read(json, "x.json")).Message);
}
