using Mlobs.Config;

namespace Mlobs.Appliance.Http;

/// <summary>What the status endpoints (config, runtimeinfo, flags) read about the running server.</summary>
public interface IStatusRetriever
{
    PrometheusConfig Config { get; }

    /// <summary>The config file, or null for the embedded default.</summary>
    string? ConfigPath { get; }

    string DataDirectory { get; }
    DateTimeOffset StartTime { get; }
    bool LastReloadSucceeded { get; }
    DateTimeOffset LastConfigTime { get; }

    /// <summary>True under <c>mlobs demo</c>: the flags API says so and the UI shows it.</summary>
    bool IsDemo => false;
}
