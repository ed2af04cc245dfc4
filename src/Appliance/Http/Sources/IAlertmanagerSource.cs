using Mlobs.Alertmanager;

namespace Mlobs.Appliance.Http;

/// <summary>What Alertmanager's API v2 acts on: the built-in router, or null when none is configured.</summary>
public interface IAlertmanagerSource
{
    AlertRouter? Router { get; }
}
