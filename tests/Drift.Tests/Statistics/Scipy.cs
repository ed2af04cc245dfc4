using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Mlobs.Drift.Tests.Statistics;

/// <summary>Runs scipy/reference.py under Debian's python3 (where python3-scipy installs) over a batch of cases.</summary>
internal static class Scipy
{
    private const string DebianPython = "/usr/bin/python3";

    public static bool Available()
    {
        if (!File.Exists(DebianPython)) return false;
        using var p = Process.Start(new ProcessStartInfo(DebianPython, ["-c", "import scipy"]) { RedirectStandardError = true })!;
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    public static List<double[]> Run(JsonArray cases)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "scipy", "reference.py");
        var psi = new ProcessStartInfo(DebianPython, [script]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(cases.ToJsonString());
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "reference.py failed: " + stderr);
        return [.. JsonNode.Parse(stdout.Result)!.AsArray().Select(r => r!.AsArray().Select(v => ParsePython(v!.GetValue<string>())).ToArray())];
    }

    private static double ParsePython(string repr) => repr switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" => double.NaN,
        _ => double.Parse(repr, System.Globalization.CultureInfo.InvariantCulture),
    };

    public static JsonArray Array(IEnumerable<double> values) => [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
}
