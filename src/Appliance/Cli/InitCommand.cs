using System.CommandLine;

namespace Mlobs.Appliance.Cli;

/// <summary>
/// <c>mlobs init [DIR]</c>: writes a working starting point for an ML team — <c>mlobs.yml</c> (scrapes, the push and
/// StatsD intake on, the shipped rules), the rules with their unit tests, the dashboards, the Airflow StatsD mapping
/// and a README of what to change. Existing files are never overwritten without <c>--force</c>: then nothing is written.
/// </summary>
public static class InitCommand
{
    private const string Prefix = "init/";

    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "folder to write into (created if missing)", DefaultValueFactory = _ => "." };
        var force = new Option<bool>("--force") { Description = "overwrite files that already exist" };
        var cmd = new Command("init", "Write a starter config, rules with tests, dashboards and the Airflow StatsD mapping") { dir, force };
        cmd.SetAction(parse => Run(parse.GetValue(dir)!, parse.GetValue(force)));
        return cmd;
    }

    private static int Run(string dir, bool force)
    {
        var written = WriteStarter(dir, force, Console.Error);
        if (written is null) return ExitCodes.Failure;
        Console.WriteLine($"Wrote {written.Count} files to {Path.GetFullPath(dir)}:");
        foreach (var path in written) Console.WriteLine("  " + Path.GetRelativePath(dir, path));
        Console.WriteLine();
        Console.WriteLine("Next:");
        Console.WriteLine($"  cd {dir}");
        Console.WriteLine("  mlobs check config mlobs.yml");
        Console.WriteLine("  mlobs test rules rules/*_test.yml");
        Console.WriteLine("  mlobs serve --config mlobs.yml --data data");
        return ExitCodes.Ok;
    }

    /// <summary>Writes the starter files into <paramref name="dir"/>; null (with the reason on <paramref name="error"/>) when it did not.</summary>
    internal static List<string>? WriteStarter(string dir, bool force, TextWriter error)
    {
        var asm = typeof(InitCommand).Assembly;
        var files = asm.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Select(n => (Resource: n, Path: Path.Combine(dir, n[Prefix.Length..].Replace('/', Path.DirectorySeparatorChar)))).ToList();
        if (files.Count == 0)
        {
            error.WriteLine("this build carries no starter files");
            return null;
        }
        var existing = files.Where(f => File.Exists(f.Path)).Select(f => f.Path).ToList();
        if (existing.Count > 0 && !force)
        {
            error.WriteLine($"not writing into {dir}: {existing.Count} file(s) exist ({string.Join(", ", existing.Take(5))}{(existing.Count > 5 ? ", ..." : "")}); use --force to overwrite");
            return null;
        }
        try
        {
            foreach (var (resource, path) in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                using var source = asm.GetManifestResourceStream(resource)!;
                using var target = File.Create(path);
                source.CopyTo(target);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{dir}: {ex.Message}");
            return null;
        }
        return [.. files.Select(f => f.Path)];
    }
}
