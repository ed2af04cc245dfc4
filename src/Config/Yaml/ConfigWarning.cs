namespace Mlobs.Config.Yaml;

/// <summary>
/// Something a config says that mlobs reads but does not act on (a Prometheus key it has no counterpart for), with
/// its place: <c>check config</c> prints it and <c>serve</c> logs it, so nothing is accepted and silently ignored.
/// </summary>
public sealed record ConfigWarning(string File, long Line, long Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}
