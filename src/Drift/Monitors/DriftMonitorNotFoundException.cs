namespace Mlobs.Drift.Monitors;

/// <summary>A drift monitor named by a request is not in the running config.</summary>
public sealed class DriftMonitorNotFoundException(string name) : Exception($"drift monitor \"{name}\" not found");
