using System.Reflection;

namespace Mlobs.Appliance;

/// <summary>Version facts for `mlobs version` and /api/v1/status/buildinfo.</summary>
public static class BuildInfo
{
    public static string Version { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static string Revision { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+') is [_, var rev, ..] ? rev : "unknown";

    public static string Runtime => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;
}
