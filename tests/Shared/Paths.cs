namespace Mlobs.Tests.Support;

/// <summary>Locates the repository root and the shared conformance data beside it (read in place, never copied).</summary>
public static class Paths
{
    public static string RepoRoot { get; } = FindRoot();

    public static string Conformance(params string[] parts) =>
        Path.Combine([RepoRoot, "..", "shared", "conformance", .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Appliance.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Appliance.sln not found above " + AppContext.BaseDirectory);
    }
}

