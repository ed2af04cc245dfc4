using System.Globalization;
using Mlobs.Config.Yaml;
using Mlobs.Model;
using YamlDotNet.RepresentationModel;

namespace Mlobs.Config.Drift;

/// <summary>Reads the <c>drift_monitors</c> section; the selectors' syntax and the method names are checked where they are compiled (Drift).</summary>
internal static class DriftMonitorsReader
{
    private static readonly KeyTable<DriftBaselineConfig> BaselineKeys = new()
    {
        { "window", (r, v, b) => b with { Window = Positive(r, v, "window") } },
        { "offset", (r, v, b) => b with { Offset = r.Duration(v, "offset") } },
        { "from", (r, v, b) => b with { From = Time(r, v, "from") } },
        { "to", (r, v, b) => b with { To = Time(r, v, "to") } },
        { "pinned", (r, v, b) => b with { Pinned = r.Bool(v, "pinned") } },
        { "refresh", (r, v, b) => b with { Refresh = Positive(r, v, "refresh") } },
    };

    private static readonly KeyTable<DriftMonitorConfig> MonitorKeys = new()
    {
        {
            "name", (r, v, m) =>
            {
                var name = r.String(v, "name");
                if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[A-Za-z0-9_.-]+$"))
                    throw r.Error(v, $"drift monitor name \"{name}\" must be letters, digits, '_', '.' or '-'");
                return m with { Name = name };
            }
        },
        { "histogram", (r, v, m) => m with { Kind = DriftSeriesKind.Histogram, Selector = NonEmpty(r, v, "histogram") } },
        { "counter", (r, v, m) => m with { Kind = DriftSeriesKind.Counter, Selector = NonEmpty(r, v, "counter") } },
        { "observations", (r, v, m) => ReadObservations(r, v, m) },
        { "category_label", (r, v, m) => m with { CategoryLabel = NonEmpty(r, v, "category_label") } },
        { "by", (r, v, m) => m with { By = r.StringList(v, "by") } },
        { "current", (r, v, m) => m with { Current = Positive(r, v, "current") } },
        { "baseline", (r, v, m) => m with { Baseline = ReadBaseline(r, v) } },
        { "methods", (r, v, m) => m with { Methods = r.StringList(v, "methods") } },
        {
            "thresholds", (r, v, m) => m with
            {
                Thresholds = r.Entries(r.Mapping(v, "thresholds"), "thresholds")
                    .ToDictionary(e => e.Key, e => Number(r, e.Value, "thresholds." + e.Key), StringComparer.Ordinal),
            }
        },
        { "min_samples", (r, v, m) => m with { MinSamples = Number(r, v, "min_samples") } },
        {
            "drift_share", (r, v, m) =>
            {
                double share = Number(r, v, "drift_share");
                if (share is <= 0 or > 1) throw r.Error(v, "drift_share must be in (0, 1]");
                return m with { DriftShare = share };
            }
        },
        { "interval", (r, v, m) => m with { Interval = Positive(r, v, "interval") } },
    };

    public static IReadOnlyList<DriftMonitorConfig> Read(YamlNodeReader r, YamlNode node)
    {
        var monitors = new List<DriftMonitorConfig>();
        foreach (var item in r.Sequence(node, "drift_monitors").Children)
        {
            var position = new ConfigPosition(r.File, item.Start.Line, item.Start.Column);
            var m = MonitorKeys.Read(r, item, "drift monitor", new DriftMonitorConfig { Name = "", Position = position });
            if (m.Name.Length == 0) throw r.Error(item, "drift monitor needs a name");
            var map = (YamlMappingNode)item;
            bool histogram = map.Children.ContainsKey("histogram"), counter = map.Children.ContainsKey("counter"), observations = map.Children.ContainsKey("observations");
            if ((histogram ? 1 : 0) + (counter ? 1 : 0) + (observations ? 1 : 0) != 1)
                throw r.Error(item, $"drift monitor \"{m.Name}\" needs exactly one of histogram, counter and observations");
            if (observations)
            {
                if (map.Children.ContainsKey("baseline")) throw r.Error(item, $"drift monitor \"{m.Name}\": observations are compared with their uploaded reference, not a baseline window");
                if (m.By.Count > 0 || m.CategoryLabel is not null) throw r.Error(item, $"drift monitor \"{m.Name}\": observations are scored per column; by and category_label do not apply");
                m = m with { By = ["feature"], Baseline = new DriftBaselineConfig { Pinned = true } };
            }
            if (counter && m.CategoryLabel is null) throw r.Error(item, $"drift monitor \"{m.Name}\": a counter needs category_label (the label holding the category)");
            if (histogram && m.CategoryLabel is not null) throw r.Error(item, $"drift monitor \"{m.Name}\": category_label is for counters");
            if (m.By.Contains("le") || (m.CategoryLabel is { } c && m.By.Contains(c)))
                throw r.Error(item, $"drift monitor \"{m.Name}\": by must not name the bucket or category label");
            if (m.Methods.Count == 0) throw r.Error(item, $"drift monitor \"{m.Name}\" needs at least one method");
            if (monitors.Any(x => x.Name == m.Name)) throw r.Error(item, $"found multiple drift monitors named \"{m.Name}\"");
            monitors.Add(m);
        }
        return monitors;
    }

    private sealed record ObservationsDraft(IReadOnlyList<string> Columns, int MaxCategories);

    private static readonly KeyTable<ObservationsDraft> ObservationKeys = new()
    {
        { "columns", (r, v, o) => o with { Columns = r.StringList(v, "columns") } },
        { "max_categories", (r, v, o) => o with { MaxCategories = (int)r.Long(v, "max_categories", 1) } },
    };

    private static DriftMonitorConfig ReadObservations(YamlNodeReader r, YamlNode v, DriftMonitorConfig m)
    {
        // `observations: {}` or `observations:` (null) take the defaults.
        var o = YamlNodeReader.IsNull(v) ? new ObservationsDraft([], 100) : ObservationKeys.Read(r, v, "drift observations", new ObservationsDraft([], 100));
        return m with { Kind = DriftSeriesKind.Observations, Selector = "", Columns = o.Columns, MaxCategories = o.MaxCategories };
    }

    private static DriftBaselineConfig ReadBaseline(YamlNodeReader r, YamlNode v)
    {
        var b = BaselineKeys.Read(r, v, "drift baseline", new DriftBaselineConfig());
        var map = (YamlMappingNode)v;
        bool rolling = map.Children.ContainsKey("window") || map.Children.ContainsKey("offset");
        bool range = b.From is not null || b.To is not null;
        int kinds = (rolling ? 1 : 0) + (range ? 1 : 0) + (b.Pinned ? 1 : 0);
        if (kinds > 1) throw r.Error(v, "baseline takes one of window/offset, from/to and pinned");
        if (range && (b.From is null || b.To is null)) throw r.Error(v, "a baseline range needs both from and to");
        if (range && b.From >= b.To) throw r.Error(v, "baseline from must be before to");
        if (b.Offset < TimeSpan.Zero) throw r.Error(v, "baseline offset must not be negative");
        return b;
    }

    private static DateTimeOffset Time(YamlNodeReader r, YamlNode v, string what)
    {
        var text = r.String(v, what);
        if (text.StartsWith("now", StringComparison.Ordinal) || !TimeExpression.TryParse(text, DateTimeOffset.UtcNow, out var t))
            throw r.Error(v, $"{what}: \"{text}\" is not an RFC 3339 time or Unix seconds");
        return t;
    }

    private static string NonEmpty(YamlNodeReader r, YamlNode v, string what)
    {
        var s = r.String(v, what);
        if (s.Trim().Length == 0) throw r.Error(v, $"{what} must not be empty");
        return s;
    }

    private static double Number(YamlNodeReader r, YamlNode v, string what)
    {
        var text = r.String(v, what);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !double.IsFinite(d) || d < 0)
            throw r.Error(v, $"{what}: \"{text}\" is not a non-negative number");
        return d;
    }

    private static TimeSpan Positive(YamlNodeReader r, YamlNode v, string what)
    {
        var d = r.Duration(v, what);
        if (d <= TimeSpan.Zero) throw r.Error(v, $"{what} must be greater than 0");
        return d;
    }
}
