using BenchmarkDotNet.Attributes;
using Mlobs.Ingest.Scrape;
using Mlobs.Model.Labels;

namespace Mlobs.Bench;

/// <summary>Parsing the 237-family conformance body (1857 samples): the scrape hot path, labels parsed once per series.</summary>
[MemoryDiagnoser]
public class ExpositionParserBench
{
    private byte[] _body = [];
    private readonly ExpositionParser _parser = new();
    private readonly LabelSetBuilder _lb = new();

    [GlobalSetup]
    public void Setup() => _body = File.ReadAllBytes(Path.Combine(RepoPaths.Shared, "conformance", "textparse", "alltypes.237mfs.prom.txt"));

    /// <summary>Steady-state scrape: series keys and values only (labels come from the scrape cache).</summary>
    [Benchmark(OperationsPerInvoke = 1857)]
    public double ParseSamples()
    {
        _parser.Reset(_body, _body.Length, openMetrics: false);
        double sum = 0;
        EntryKind k;
        while ((k = _parser.Next()) != EntryKind.None)
            if (k == EntryKind.Series) sum += _parser.Value + _parser.SeriesKey.Length;
        return sum;
    }

    /// <summary>First scrape of a target: every series' labels parsed too.</summary>
    [Benchmark(OperationsPerInvoke = 1857)]
    public int ParseSamplesAndLabels()
    {
        _parser.Reset(_body, _body.Length, openMetrics: false);
        int n = 0;
        EntryKind k;
        while ((k = _parser.Next()) != EntryKind.None)
        {
            if (k != EntryKind.Series) continue;
            _parser.ParseLabels(_lb);
            n += _lb.Current.Count;
        }
        return n;
    }
}

internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();
    public static string Shared => Path.Combine(Root, "..", "shared");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Appliance.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
