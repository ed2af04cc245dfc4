using Mlobs.WebUi.Dashboards;

namespace Mlobs.Appliance.Http;

/// <summary>What the Grafana-style dashboard API lists, serves and imports into.</summary>
public interface IDashboardSource
{
    DashboardLibrary Dashboards { get; }
}
