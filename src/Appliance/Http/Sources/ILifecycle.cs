namespace Mlobs.Appliance.Http;

/// <summary>What <c>/-/ready</c> and <c>/-/reload</c> act on.</summary>
public interface ILifecycle
{
    bool IsReady { get; }

    /// <summary>Re-reads the config, rules and router all or nothing; null on success, else why it failed.</summary>
    Task<string?> ReloadAsync();
}
