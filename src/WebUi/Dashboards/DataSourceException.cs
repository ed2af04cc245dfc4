namespace Mlobs.WebUi.Dashboards;

/// <summary>A data source could not answer a dashboard's query (an API error, or a server that is not Prometheus-compatible).</summary>
public sealed class DataSourceException(string message) : Exception(message);
