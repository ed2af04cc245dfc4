using System.CommandLine;

namespace Mlobs.Appliance.Cli;

/// <summary><c>mlobs version</c>, formatted like Prometheus's version banner.</summary>
public static class VersionCommand
{
    public static Command Create()
    {
        var cmd = new Command("version", "Print version information");
        cmd.SetAction(_ =>
        {
            Console.WriteLine($"mlobs, version {BuildInfo.Version} (branch: main, revision: {BuildInfo.Revision})");
            Console.WriteLine($"  runtime:          {BuildInfo.Runtime}");
            Console.WriteLine($"  platform:         {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}");
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
