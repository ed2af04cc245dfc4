using Mlobs.Ingest.Push;

namespace Mlobs.Appliance.Http;

/// <summary>What the Pushgateway API reads and writes: the pushed groups, a push or delete, and the admin wipe.</summary>
public interface IPushSource
{
    IReadOnlyCollection<PushGroup> PushGroups { get; }

    /// <summary>Applies a push or delete; throws <see cref="PushRequestException"/> for an inconsistent push.</summary>
    void ApplyPush(PushRequest request);

    void WipePushGroups();
}
