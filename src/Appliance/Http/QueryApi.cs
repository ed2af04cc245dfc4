using System.Globalization;
using Microsoft.Extensions.Primitives;
using Mlobs.Model;
using Mlobs.Query.PromQl.Ast;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Query.PromQl.Parser;

namespace Mlobs.Appliance.Http;

/// <summary>The PromQL endpoints of the Prometheus API: query, query_range, and the calls Grafana makes around them.</summary>
public static class QueryApi
{
    public static void Map(IEndpointRouteBuilder app, IQueryEngine engine, IMetadataRetriever metadata, IStatusRetriever status)
    {
        var api = app.MapGroup("/api/v1");
        api.MapMethods("/query", ["GET", "POST"], (HttpRequest req) => ApiResults.Guard(() => InstantAsync(engine, req)));
        api.MapMethods("/query_range", ["GET", "POST"], (HttpRequest req) => ApiResults.Guard(() => RangeAsync(engine, req)));
        api.MapMethods("/query_exemplars", ["GET", "POST"], () =>
            ApiResults.Success<IReadOnlyList<string>>([], ApiJsonContext.Api.ApiResponseIReadOnlyListString));
        api.MapMethods("/format_query", ["GET", "POST"], (HttpRequest req) => ApiResults.Guard(() => FormatAsync(req)));
        api.MapMethods("/parse_query", ["GET", "POST"], (HttpRequest req) => ApiResults.Guard(() => ParseAsync(req)));
        api.MapGet("/metadata", (HttpRequest req) => ApiResults.Guard(() => Metadata(metadata, req)));
        api.MapGet("/status/runtimeinfo", () => ApiResults.Guard(() => RuntimeInfo(status)));
        api.MapGet("/status/flags", () => ApiResults.Guard(() => Flags(engine, status)));
    }

    private static async Task<IResult> InstantAsync(IQueryEngine engine, HttpRequest req)
    {
        var p = await ApiParameters.ReadAsync(req).ConfigureAwait(false);
        var query = Required(p, "query");
        long time = ApiParameters.ParseTime(p, "time", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var timeout = OptionalDuration(p, "timeout");
        return Run(() => engine.Instant(query, time, timeout, req.HttpContext.RequestAborted));
    }

    private static async Task<IResult> RangeAsync(IQueryEngine engine, HttpRequest req)
    {
        var p = await ApiParameters.ReadAsync(req).ConfigureAwait(false);
        var query = Required(p, "query");
        if (!p.ContainsKey("start")) throw ApiException.BadData("invalid parameter \"start\": cannot parse \"\" to a valid timestamp");
        if (!p.ContainsKey("end")) throw ApiException.BadData("invalid parameter \"end\": cannot parse \"\" to a valid timestamp");
        long start = ApiParameters.ParseTime(p, "start", 0), end = ApiParameters.ParseTime(p, "end", 0);
        var stepText = p.TryGetValue("step", out var sv) ? sv.ToString() : "";
        if (!ApiParameters.TryParseDuration(stepText, out long step)) throw ApiException.BadData($"invalid parameter \"step\": cannot parse \"{stepText}\" to a valid duration");
        // end before start, step ≤ 0 and more than 11,000 steps are refused by the engine with Prometheus's texts.
        var timeout = OptionalDuration(p, "timeout");
        return Run(() => engine.Range(query, start, end, step, timeout, req.HttpContext.RequestAborted));
    }

    /// <summary>The query in Prometheus's canonical multi-line form (promql/parser's Prettify).</summary>
    private static async Task<IResult> FormatAsync(HttpRequest req)
    {
        var expr = await ParseParameterAsync(req).ConfigureAwait(false);
        return ApiResults.Success(Prettier.Format(expr), ApiJsonContext.Api.ApiResponseString);
    }

    /// <summary>The query's syntax tree, shaped for a tree view as Prometheus's UI expects.</summary>
    private static async Task<IResult> ParseAsync(HttpRequest req) =>
        new SyntaxTreeJson(await ParseParameterAsync(req).ConfigureAwait(false));

    private static async Task<Expr> ParseParameterAsync(HttpRequest req)
    {
        var p = await ApiParameters.ReadAsync(req).ConfigureAwait(false);
        var query = p.TryGetValue("query", out var v) ? v.ToString() : "";
        try
        {
            return PromQlParser.Parse(query);
        }
        catch (ParseException ex)
        {
            throw ApiException.BadData($"invalid parameter \"query\": {ex.Message}");
        }
    }

    private static IResult Run(Func<QueryResult> query)
    {
        try
        {
            return new QueryResultJson(query());
        }
        catch (QueryException ex)
        {
            throw ApiException.From(ex);
        }
    }

    private static string Required(Dictionary<string, StringValues> p, string name)
    {
        if (!p.TryGetValue(name, out var v) || StringValues.IsNullOrEmpty(v))
            throw ApiException.BadData($"invalid parameter \"{name}\": parse error: no expression found in input");
        return v[0]!;
    }

    private static TimeSpan? OptionalDuration(Dictionary<string, StringValues> p, string name)
    {
        if (!p.TryGetValue(name, out var v) || StringValues.IsNullOrEmpty(v)) return null;
        if (!ApiParameters.TryParseDuration(v[0]!, out long ms)) throw ApiException.BadData($"invalid parameter \"{name}\": cannot parse \"{v[0]}\" to a valid duration");
        return TimeSpan.FromMilliseconds(ms);
    }

    private static IResult Metadata(IMetadataRetriever metadata, HttpRequest req)
    {
        var metric = req.Query["metric"].ToString();
        int limit = int.TryParse(req.Query["limit"], out var l) ? l : -1;
        int limitPerMetric = int.TryParse(req.Query["limit_per_metric"], out var lpm) ? lpm : -1;
        var result = new SortedDictionary<string, IReadOnlyList<MetadataJson>>(StringComparer.Ordinal);
        foreach (var (name, entries) in metadata.Metadata())
        {
            if (metric.Length > 0 && name != metric) continue;
            if (limit >= 0 && result.Count >= limit) break;
            var list = entries.Select(e => new MetadataJson(e.Type, e.Help, e.Unit));
            result[name] = (limitPerMetric >= 0 ? list.Take(limitPerMetric) : list).ToList();
        }
        return ApiResults.Success<IReadOnlyDictionary<string, IReadOnlyList<MetadataJson>>>(result, ApiJsonContext.Api.ApiResponseIReadOnlyDictionaryStringIReadOnlyListMetadataJson);
    }

    private static IResult RuntimeInfo(IStatusRetriever status) => ApiResults.Success(new RuntimeInfoJson(
        ApiFormat.Time(status.StartTime),
        Environment.CurrentDirectory, status.LastReloadSucceeded,
        ApiFormat.Time(status.LastConfigTime),
        Environment.ProcessorCount,
        PromDuration.Format((long)status.Config.Mlobs.RetentionTime.TotalMilliseconds)), ApiJsonContext.Api.ApiResponseRuntimeInfoJson);

    private static IResult Flags(IQueryEngine engine, IStatusRetriever status)
    {
        var o = engine.Options;
        var config = status.Config;
        var flags = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["config.file"] = status.ConfigPath ?? "(embedded)",
            ["storage.tsdb.path"] = status.DataDirectory,
            ["storage.tsdb.retention.time"] = PromDuration.Format((long)config.Mlobs.RetentionTime.TotalMilliseconds),
            ["storage.tsdb.retention.size"] = config.Mlobs.RetentionBytes.ToString(CultureInfo.InvariantCulture) + "B",
            ["query.lookback-delta"] = PromDuration.Format(o.LookbackDeltaMs),
            ["query.max-samples"] = o.MaxSamples.ToString(CultureInfo.InvariantCulture),
            ["query.max-concurrency"] = o.MaxConcurrent.ToString(CultureInfo.InvariantCulture),
            ["query.timeout"] = PromDuration.Format((long)o.Timeout.TotalMilliseconds),
        };
        if (status.IsDemo) flags["mlobs.demo"] = "true";
        return ApiResults.Success<IReadOnlyDictionary<string, string>>(flags, ApiJsonContext.Api.ApiResponseIReadOnlyDictionaryStringString);
    }
}
