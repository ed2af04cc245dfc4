using System.Text;
using System.Text.RegularExpressions;
using Mlobs.Config.Drift;
using Mlobs.Config.Yaml;
using Mlobs.Drift.Statistics;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Parser;

namespace Mlobs.Drift.Monitors;

/// <summary>A method with its threshold (the config's override or Evidently's default).</summary>
public readonly record struct MethodThreshold(DriftMethod Method, double Threshold);

/// <summary>
/// A <c>drift_monitors</c> entry made ready to run: its selector parsed, its methods resolved, and the PromQL that
/// reads a window's distribution — <c>sum by (&lt;by&gt;, le) (increase(x_bucket{…}[w] offset o))</c>, so the counts
/// are exactly what <c>increase()</c> gives, counter resets included.
/// </summary>
public sealed partial class DriftMonitor
{
    /// <summary>Labels the output series carry themselves, so no <c>by</c> label may take their names.</summary>
    private static readonly string[] ReservedLabels = ["monitor", "method", "window", LabelSet.MetricName];

    public DriftMonitorConfig Config { get; }
    public string Name => Config.Name;
    public IReadOnlyList<MethodThreshold> Methods { get; }
    /// <summary>The label that holds the bin: <c>le</c> for histograms, the category label for counters.</summary>
    public string BinLabel { get; }
    /// <summary>The series read, as a PromQL selector (the histogram's <c>_bucket</c> series).</summary>
    public string SeriesSelector { get; }

    private DriftMonitor(DriftMonitorConfig config, IReadOnlyList<MethodThreshold> methods, string binLabel, string selector)
    {
        Config = config;
        Methods = methods;
        BinLabel = binLabel;
        SeriesSelector = selector;
    }

    /// <summary>Checks and compiles a monitor; problems are reported at the monitor's place in the config file.</summary>
    public static DriftMonitor Compile(DriftMonitorConfig config)
    {
        ConfigException Error(string message) =>
            new(config.Position.File, config.Position.Line, config.Position.Column, $"drift monitor \"{config.Name}\": {message}");

        LabelMatcher[] matchers;
        try { matchers = SeriesSelectorParser.Parse(config.Selector); }
        catch (ParseException ex) { throw Error($"bad selector \"{config.Selector}\": {ex.Message}"); }
        var name = matchers.FirstOrDefault(m => m.Name == LabelSet.MetricName && m.Type == LabelMatchType.Equal)?.Value;
        if (name is null) throw Error($"selector \"{config.Selector}\" must start with the metric name");
        bool histogram = config.Kind == DriftSeriesKind.Histogram;
        if (histogram && name.EndsWith("_bucket", StringComparison.Ordinal)) name = name[..^"_bucket".Length];
        string binLabel = histogram ? "le" : config.CategoryLabel!;
        foreach (var label in config.By.Append(binLabel))
        {
            if (!LabelName().IsMatch(label)) throw Error($"\"{label}\" is not a valid label name");
            if (ReservedLabels.Contains(label)) throw Error($"by label \"{label}\" is reserved for the drift series' own labels");
        }

        var methods = new List<MethodThreshold>();
        foreach (var methodName in config.Methods)
        {
            if (!DriftMethods.TryParse(methodName, out var method))
                throw Error($"unknown method \"{methodName}\" (one of {string.Join(", ", DriftMethods.AllNames)})");
            if (!histogram && method.NeedsOrder())
                throw Error($"method \"{methodName}\" needs ordered bins; categories have none (use chisquare, psi, jensenshannon, hellinger or z)");
            if (methods.Any(m => m.Method == method)) throw Error($"method \"{methodName}\" listed twice");
            methods.Add(new MethodThreshold(method, method.DefaultThreshold()));
        }
        foreach (var (methodName, threshold) in config.Thresholds)
        {
            int i = methods.FindIndex(m => DriftMethods.TryParse(methodName, out var mm) && mm == m.Method);
            if (i < 0) throw Error($"threshold for \"{methodName}\", which is not among the monitor's methods");
            methods[i] = methods[i] with { Threshold = threshold };
        }

        var selector = new StringBuilder("{");
        selector.Append(new LabelMatcher(LabelMatchType.Equal, LabelSet.MetricName, histogram ? name + "_bucket" : name));
        foreach (var m in matchers.Where(m => m.Name != LabelSet.MetricName)) selector.Append(',').Append(m);
        selector.Append('}');
        return new DriftMonitor(config, methods, binLabel, selector.ToString());
    }

    /// <summary>The instant query whose result, at time t, is the distribution over (t − offset − window, t − offset].</summary>
    public string WindowQuery(TimeSpan window, TimeSpan offset)
    {
        var sb = new StringBuilder("sum by (");
        foreach (var label in Config.By) sb.Append(label).Append(", ");
        sb.Append(BinLabel).Append(") (increase(").Append(SeriesSelector).Append('[').Append(Duration(window)).Append(']');
        if (offset > TimeSpan.Zero) sb.Append(" offset ").Append(Duration(offset));
        return sb.Append("))").ToString();
    }

    private static string Duration(TimeSpan d) => $"{(long)d.TotalMilliseconds}ms";

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();
}
