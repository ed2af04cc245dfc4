using System.Text;
using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Model.Strconv;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Storage;

namespace Mlobs.Appliance.Http;

/// <summary>
/// <c>/federate?match[]=...</c> (web/federate.go): the latest sample of every matching series within the lookback
/// window, in the text exposition format with external labels added, so a Prometheus can scrape mlobs.
/// </summary>
public static class FederateEndpoint
{
    public static void Map(IEndpointRouteBuilder app, IQueryableStorage storage, IQueryEngine engine, IStatusRetriever status) =>
        app.MapGet("/federate", async (HttpContext ctx) =>
        {
            var p = await ApiParameters.ReadAsync(ctx.Request).ConfigureAwait(false);
            List<LabelMatcher[]> selectors;
            try { selectors = ApiParameters.Matchers(p); }
            catch (ApiException ex)
            {
                ctx.Response.StatusCode = 400;
                await ctx.Response.WriteAsync(ex.Message + "\n").ConfigureAwait(false);
                return;
            }
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            long mint = now - engine.Options.LookbackDeltaMs;
            var latest = new Dictionary<LabelSet, (long T, double V)>();
            using (var q = storage.Querier(mint + 1, now))
            {
                foreach (var matchers in selectors)
                {
                    var set = q.Select(false, matchers);
                    ISampleIterator? it = null;
                    while (set.Next())
                    {
                        it = set.Current.Iterator(it);
                        long t = long.MinValue;
                        double v = 0;
                        if (!it.Seek(mint + 1)) continue;
                        do { if (it.Timestamp > now) break; t = it.Timestamp; v = it.Value; } while (it.Next());
                        if (t == long.MinValue || StaleNaN.Is(v)) continue;
                        latest[set.Current.Labels] = (t, v);
                    }
                }
            }
            var external = status.Config.Global.ExternalLabels;
            var sb = new StringBuilder();
            string? family = null;
            foreach (var (labels, (t, v)) in latest.OrderBy(kv => kv.Key.MetricNameOrEmpty, StringComparer.Ordinal).ThenBy(kv => kv.Key))
            {
                var name = labels.MetricNameOrEmpty;
                if (name != family)
                {
                    sb.Append("# TYPE ").Append(name).Append(" untyped\n");
                    family = name;
                }
                sb.Append(name);
                var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
                foreach (var l in labels.AsSpan()) if (l.Name != LabelSet.MetricName) all[l.Name] = l.Value;
                foreach (var (k, val) in external) all.TryAdd(k, val);
                if (all.Count > 0)
                {
                    sb.Append('{');
                    bool first = true;
                    foreach (var (k, val) in all)
                    {
                        if (!first) sb.Append(',');
                        first = false;
                        sb.Append(k).Append("=\"").Append(val.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n")).Append('"');
                    }
                    sb.Append('}');
                }
                sb.Append(' ').Append(ValueFormat.GoG(v)).Append(' ').Append(t).Append('\n');
            }
            ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await ctx.Response.WriteAsync(sb.ToString()).ConfigureAwait(false);
        });
}
