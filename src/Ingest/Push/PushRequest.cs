namespace Mlobs.Ingest.Push;

/// <summary>
/// A change to one group (the Pushgateway's WriteRequest): PUT replaces the group's families, POST only those it
/// sends; <see cref="Families"/> null deletes the group.
/// </summary>
public sealed record PushRequest(GroupingKey Key, IReadOnlyDictionary<string, PushedFamily>? Families, bool Replace, DateTimeOffset Time)
{
    public static PushRequest Delete(GroupingKey key, DateTimeOffset time) => new(key, null, false, time);
}
