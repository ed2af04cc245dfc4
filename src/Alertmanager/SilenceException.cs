namespace Mlobs.Alertmanager;

/// <summary>A silence operation the silence's state does not allow (expiring one that already expired).</summary>
public sealed class SilenceException(string message) : Exception(message);
