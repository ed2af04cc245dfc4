using Mlobs.Config;
using Mlobs.Ingest.Scrape.Relabel;
using Mlobs.Model;
using Mlobs.Model.Labels;

namespace Mlobs.Ingest.Scrape;

/// <summary>
/// Turns discovered target groups into scrape targets as Prometheus's PopulateLabels does: add the job's
/// defaults (__address__, __scheme__, __metrics_path__, __scrape_interval__, __scrape_timeout__, __param_*),
/// apply relabel_configs, drop <c>__</c> labels, default <c>instance</c> to the address.
/// </summary>
public static class TargetBuilder
{
    public static (List<ScrapeTarget> Active, List<DroppedTarget> Dropped) Build(
        ScrapeConfig cfg, Relabeler relabeler, IEnumerable<(string Address, IReadOnlyDictionary<string, string> Labels)> discovered)
    {
        var active = new List<ScrapeTarget>();
        var dropped = new List<DroppedTarget>();
        var lb = new LabelSetBuilder();
        var seen = new HashSet<string>();
        foreach (var (address, groupLabels) in discovered)
        {
            lb.Reset();
            foreach (var (k, v) in groupLabels) lb.Set(k, v);
            lb.Set("__address__", address);
            lb.Set("job", lb.Get("job") ?? cfg.JobName);
            if (lb.Get("__scheme__") is null) lb.Set("__scheme__", cfg.Scheme);
            if (lb.Get("__metrics_path__") is null) lb.Set("__metrics_path__", cfg.MetricsPath);
            lb.Set("__scrape_interval__", PromDuration.Format(cfg.ScrapeInterval));
            lb.Set("__scrape_timeout__", PromDuration.Format(cfg.ScrapeTimeout));
            foreach (var (name, values) in cfg.Params)
                if (values.Count > 0 && lb.Get("__param_" + name) is null) lb.Set("__param_" + name, values[0]);
            var discoveredSet = lb.Build();

            if (!relabeler.Process(lb) || lb.Get("__address__") is not { Length: > 0 } addr)
            {
                dropped.Add(new DroppedTarget(cfg.JobName, discoveredSet));
                continue;
            }
            if (!TryParseInterval(lb.Get("__scrape_interval__"), cfg.ScrapeInterval, out var interval) ||
                !TryParseInterval(lb.Get("__scrape_timeout__"), cfg.ScrapeTimeout, out var timeout) || timeout > interval)
            {
                dropped.Add(new DroppedTarget(cfg.JobName, discoveredSet));
                continue;
            }
            var url = BuildUrl(lb, addr, cfg);
            if (lb.Get("instance") is null) lb.Set("instance", addr);
            lb.RemoveWhere(l => l.Name.StartsWith("__", StringComparison.Ordinal));
            var target = new ScrapeTarget(cfg.JobName, lb.Build(), discoveredSet, url, interval, timeout);
            if (seen.Add(target.Key)) active.Add(target);
        }
        return (active, dropped);
    }

    private static bool TryParseInterval(string? text, TimeSpan fallback, out TimeSpan value)
    {
        if (text is null) { value = fallback; return true; }
        return PromDuration.TryParse(text, out value) && value > TimeSpan.Zero;
    }

    private static Uri BuildUrl(LabelSetBuilder lb, string address, ScrapeConfig cfg)
    {
        var scheme = lb.Get("__scheme__") ?? cfg.Scheme;
        var path = lb.Get("__metrics_path__") ?? cfg.MetricsPath;
        var query = new List<string>();
        foreach (var (name, values) in cfg.Params)
        {
            var first = lb.Get("__param_" + name);
            if (first is not null) query.Add(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(first));
            foreach (var v in values.Skip(1)) query.Add(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(v));
        }
        foreach (var l in lb.Current)
        {
            if (!l.Name.StartsWith("__param_", StringComparison.Ordinal)) continue;
            var name = l.Name["__param_".Length..];
            if (!cfg.Params.ContainsKey(name)) query.Add(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(l.Value));
        }
        var ub = new UriBuilder(scheme + "://" + address) { Path = path, Query = string.Join("&", query) };
        return ub.Uri;
    }
}
