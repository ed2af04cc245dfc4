namespace Mlobs.Drift.Observations;

/// <summary>
/// The counters an observations monitor keeps in the TSDB, so windows of posted rows are read with <c>increase()</c>
/// like any scraped distribution: numeric columns as cumulative buckets, categorical columns as a counter per value.
/// </summary>
public static class ObservationSeries
{
    public const string Buckets = "mlobs_drift_observations_bucket";
    public const string Categories = "mlobs_drift_observations_total";
    public const string CategoryLabel = "value";
    /// <summary>Where categories beyond the kept number go.</summary>
    public const string Other = "__other__";
}
