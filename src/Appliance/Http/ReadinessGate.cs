namespace Mlobs.Appliance.Http;

/// <summary>
/// Lets the HTTP server start before the store has been opened (both happen in parallel at start-up):
/// until <see cref="Open"/> is called, /-/ready and the API answer 503 as Prometheus does while starting.
/// </summary>
public sealed class ReadinessGate
{
    private volatile ApplianceRuntime? _runtime;

    public bool IsReady => _runtime is not null;

    public ApplianceRuntime Runtime =>
        _runtime ?? throw new ApiException(ApiErrorType.Unavailable, "Service Unavailable: mlobs is starting");

    public void Open(ApplianceRuntime runtime) => _runtime = runtime;
}
