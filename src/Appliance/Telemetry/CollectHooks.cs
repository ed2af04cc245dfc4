using Prometheus;

namespace Mlobs.Appliance.Telemetry;

/// <summary>
/// Updates mlobs's own gauges from live components just before /metrics is collected. prometheus-net's
/// before-collect callbacks can never be removed, so one is registered once per process, and each component
/// adds its hook here and removes it when it is disposed: a second runtime in a test or a restarted component
/// registers nothing twice, and no hook outlives (or reads) a disposed store.
/// </summary>
public static class CollectHooks
{
    private static readonly Lock Sync = new();
    private static readonly List<Action> Hooks = [];

    static CollectHooks() => Metrics.DefaultRegistry.AddBeforeCollectCallback(RunAll);

    /// <summary>Adds a hook; disposing the result removes it.</summary>
    public static IDisposable Add(Action hook)
    {
        lock (Sync) Hooks.Add(hook);
        return new Registration(hook);
    }

    /// <summary>How many hooks are registered now (tests check that disposing removes them).</summary>
    public static int Count { get { lock (Sync) return Hooks.Count; } }

    private static void RunAll()
    {
        Action[] hooks;
        lock (Sync) hooks = [.. Hooks];
        foreach (var hook in hooks) hook();
    }

    private sealed class Registration(Action hook) : IDisposable
    {
        public void Dispose()
        {
            lock (Sync) Hooks.Remove(hook);
        }
    }
}
