using System.Text;
using System.Text.RegularExpressions;
using Mlobs.Config.Drift;
using Mlobs.Config.Yaml;
using Mlobs.Drift.Observations;
using Mlobs.Drift.Statistics;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Parser;

namespace Mlobs.Drift.Monitors;

/// <summary>A method with its threshold (the config's override or Evidently's default).</summary>
public readonly record struct MethodThreshold(DriftMethod Method, double Threshold);

/// <summary>One kind of series a monitor reads: histogram buckets (bin label <c>le</c>) or counters per category.</summary>
public sealed record DriftSeriesSource(bool Histogram, string Selector, string BinLabel);

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
    /// <summary>
    /// The series read: the histogram's <c>_bucket</c> series (bin label <c>le</c>), the counter (bin label: its
    /// category label), or for observations both of mlobs's own (<see cref="ObservationSeries"/>).
    /// </summary>
    public IReadOnlyList<DriftSeriesSource> Sources { get; }

    public bool IsObservations => Config.Kind == DriftSeriesKind.Observations;

    private DriftMonitor(DriftMonitorConfig config, IReadOnlyList<MethodThreshold> methods, IReadOnlyList<DriftSeriesSource> sources)
    {
        Config = config;
        Methods = methods;
        Sources = sources;
    }

    /// <summary>Checks and compiles a monitor; problems are reported at the monitor's place in the config file.</summary>
    public static DriftMonitor Compile(DriftMonitorConfig config)
    {
        ConfigException Error(string message) =>
            new(config.Position.File, config.Position.Line, config.Position.Column, $"drift monitor \"{config.Name}\": {message}");

        var methods = ResolveMethods(config, Error);
        if (config.Kind == DriftSeriesKind.Observations)
        {
            var monitor = new LabelMatcher(LabelMatchType.Equal, "monitor", config.Name);
            return new DriftMonitor(config, methods, [
                new DriftSeriesSource(true, $"{{{new LabelMatcher(LabelMatchType.Equal, LabelSet.MetricName, ObservationSeries.Buckets)},{monitor}}}", "le"),
                new DriftSeriesSource(false, $"{{{new LabelMatcher(LabelMatchType.Equal, LabelSet.MetricName, ObservationSeries.Categories)},{monitor}}}", ObservationSeries.CategoryLabel),
            ]);
        }
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
        int ordered = methods.FindIndex(m => m.Method.NeedsOrder());
        if (!histogram && ordered >= 0)
            throw Error($"method \"{methods[ordered].Method.Name()}\" needs ordered bins; categories have none (use chisquare, psi, jensenshannon, hellinger or z)");

        var selector = new StringBuilder("{");
        selector.Append(new LabelMatcher(LabelMatchType.Equal, LabelSet.MetricName, histogram ? name + "_bucket" : name));
        foreach (var m in matchers.Where(m => m.Name != LabelSet.MetricName)) selector.Append(',').Append(m);
        selector.Append('}');
        return new DriftMonitor(config, methods, [new DriftSeriesSource(histogram, selector.ToString(), binLabel)]);
    }

    private static List<MethodThreshold> ResolveMethods(DriftMonitorConfig config, Func<string, ConfigException> error)
    {
        var methods = new List<MethodThreshold>();
        foreach (var methodName in config.Methods)
        {
            if (!DriftMethods.TryParse(methodName, out var method))
                throw error($"unknown method \"{methodName}\" (one of {string.Join(", ", DriftMethods.AllNames)})");
            if (methods.Any(m => m.Method == method)) throw error($"method \"{methodName}\" listed twice");
            methods.Add(new MethodThreshold(method, method.DefaultThreshold()));
        }
        foreach (var (methodName, threshold) in config.Thresholds)
        {
            int i = methods.FindIndex(m => DriftMethods.TryParse(methodName, out var mm) && mm == m.Method);
            if (i < 0) throw error($"threshold for \"{methodName}\", which is not among the monitor's methods");
            methods[i] = methods[i] with { Threshold = threshold };
        }
        return methods;
    }

    /// <summary>The instant query whose result, at time t, is the source's distribution over (t − offset − window, t − offset].</summary>
    public string WindowQuery(DriftSeriesSource source, TimeSpan window, TimeSpan offset)
    {
        var sb = new StringBuilder("sum by (");
        foreach (var label in Config.By) sb.Append(label).Append(", ");
        sb.Append(source.BinLabel).Append(") (increase(").Append(source.Selector).Append('[').Append(Duration(window)).Append(']');
        if (offset > TimeSpan.Zero) sb.Append(" offset ").Append(Duration(offset));
        return sb.Append("))").ToString();
    }

    private static string Duration(TimeSpan d) => $"{(long)d.TotalMilliseconds}ms";

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();
}
