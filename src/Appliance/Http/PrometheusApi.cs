using Mlobs.Ingest.Scrape;
using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Storage;

namespace Mlobs.Appliance.Http;

/// <summary>The Prometheus HTTP API endpoints (web/api/v1/api.go) that read targets, series, labels and status.</summary>
public static class PrometheusApi
{
    public static void Map(IEndpointRouteBuilder app, ITargetRetriever targets, IQueryableStorage storage, IStatusRetriever status)
    {
        var api = app.MapGroup("/api/v1");
        api.MapGet("/targets", (HttpRequest req) => ApiResults.Guard(() => Targets(targets, req)));
        api.MapMethods("/series", ["GET", "POST"], (HttpRequest req) => ApiResults.Guard(() => SeriesAsync(storage, req)));
        api.MapMethods("/labels", ["GET", "POST"], (HttpRequest req) => ApiResults.Guard(() => LabelNamesAsync(storage, req)));
        api.MapGet("/label/{name}/values", (string name, HttpRequest req) => ApiResults.Guard(() => LabelValuesAsync(storage, name, req)));
        api.MapGet("/status/buildinfo", () => ApiResults.Success(
            new BuildInfoData(BuildInfo.Version, BuildInfo.Revision, "main", "mlobs", "", BuildInfo.Runtime),
            ApiJsonContext.Api.ApiResponseBuildInfoData));
        api.MapGet("/status/config", () => ApiResults.Guard(() => StatusConfig(status)));
    }

    private static IResult StatusConfig(IStatusRetriever status) =>
        ApiResults.Success(new ConfigData(status.Config.OriginalYaml), ApiJsonContext.Api.ApiResponseConfigData);

    private static IResult Targets(ITargetRetriever targets, HttpRequest req)
    {
        var state = req.Query["state"].ToString();
        var poolFilter = req.Query["scrapePool"].ToString();
        bool showActive = state is "" or "any" or "active", showDropped = state is "" or "any" or "dropped";
        var active = new List<ActiveTargetJson>();
        var dropped = new List<DroppedTargetJson>();
        var droppedCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pool in targets.TargetPools())
        {
            var job = pool.Job;
            droppedCounts[job] = pool.Dropped.Count;
            if (poolFilter.Length > 0 && poolFilter != job) continue;
            if (showActive)
            {
                foreach (var t in pool.Active.OrderBy(t => t.Labels))
                {
                    var (health, lastError, lastScrape, lastDuration) = t.State;
                    var rejected = t.Rejected;
                    active.Add(new ActiveTargetJson(
                        t.DiscoveredLabels.ToDictionary(), t.Labels.ToDictionary(), job, t.Url.ToString(), t.Url.ToString(), lastError,
                        health == TargetHealth.Unknown ? ApiFormat.Time(default) : ApiFormat.Time(lastScrape),
                        lastDuration.TotalSeconds, health.ToString().ToLowerInvariant(),
                        PromDuration.Format(t.Interval), PromDuration.Format(t.Timeout),
                        new SamplesRejectedJson(rejected.OutOfOrder, rejected.DuplicateTimestamp, rejected.OutOfBounds)));
                }
            }
            if (showDropped)
                dropped.AddRange(pool.Dropped.Select(d => new DroppedTargetJson(d.DiscoveredLabels.ToDictionary(), job)));
        }
        return ApiResults.Success(new TargetsData(active, dropped, droppedCounts), ApiJsonContext.Api.ApiResponseTargetsData);
    }

    private static async Task<IResult> SeriesAsync(IQueryableStorage storage, HttpRequest req)
    {
        var p = await ApiParameters.ReadAsync(req).ConfigureAwait(false);
        var selectors = ApiParameters.Matchers(p);
        if (selectors.Count == 0) throw ApiException.BadData("no match[] parameter provided");
        long start = ApiParameters.ParseTime(p, "start", ApiParameters.MinTime);
        long end = ApiParameters.ParseTime(p, "end", ApiParameters.MaxTime);
        int limit = ParseLimit(p);
        using var q = storage.Querier(start, end);
        IReadOnlyList<LabelSet> result;
        try
        {
            // Labels only: the series API reads no samples (Prometheus's SelectHints{Func: "series"}).
            if (selectors.Count == 1) result = q.SeriesLabels(selectors[0]);
            else
            {
                var union = new HashSet<LabelSet>();
                foreach (var matchers in selectors) union.UnionWith(q.SeriesLabels(matchers));
                var sorted = union.ToList();
                sorted.Sort((a, b) => a.CompareTo(b));
                result = sorted;
            }
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidDataException)
        {
            throw new ApiException(ApiErrorType.Execution, ex.Message);
        }
        List<string>? warnings = null;
        if (limit > 0 && result.Count > limit) { result = result.Take(limit).ToList(); warnings = ["results truncated due to limit"]; }
        return new SeriesJson(result, warnings);
    }

    private static async Task<IResult> LabelNamesAsync(IQueryableStorage storage, HttpRequest req)
    {
        var p = await ApiParameters.ReadAsync(req).ConfigureAwait(false);
        long start = ApiParameters.ParseTime(p, "start", ApiParameters.MinTime);
        long end = ApiParameters.ParseTime(p, "end", ApiParameters.MaxTime);
        using var q = storage.Querier(start, end);
        var selectors = ApiParameters.Matchers(p);
        IEnumerable<string> names = selectors.Count == 0
            ? q.LabelNames()
            : selectors.SelectMany(m => q.LabelNames(m)).Distinct().Order(StringComparer.Ordinal);
        return LimitedList(names.ToList(), ParseLimit(p));
    }

    private static async Task<IResult> LabelValuesAsync(IQueryableStorage storage, string name, HttpRequest req)
    {
        var p = await ApiParameters.ReadAsync(req).ConfigureAwait(false);
        if (name.StartsWith("U__", StringComparison.Ordinal)) name = DecodeUtf8LabelName(name);
        if (name.Length == 0) throw ApiException.BadData($"invalid label name: \"{name}\"");
        long start = ApiParameters.ParseTime(p, "start", ApiParameters.MinTime);
        long end = ApiParameters.ParseTime(p, "end", ApiParameters.MaxTime);
        using var q = storage.Querier(start, end);
        var selectors = ApiParameters.Matchers(p);
        IEnumerable<string> values = selectors.Count == 0
            ? q.LabelValues(name)
            : selectors.SelectMany(m => q.LabelValues(name, m)).Distinct().Order(StringComparer.Ordinal);
        return LimitedList(values.ToList(), ParseLimit(p));
    }

    private static IResult LimitedList(List<string> items, int limit)
    {
        List<string>? warnings = null;
        if (limit > 0 && items.Count > limit) { items = items.Take(limit).ToList(); warnings = ["results truncated due to limit"]; }
        return ApiResults.Success<IReadOnlyList<string>>(items, ApiJsonContext.Api.ApiResponseIReadOnlyListString, warnings);
    }

    private static int ParseLimit(Dictionary<string, Microsoft.Extensions.Primitives.StringValues> p)
    {
        if (!p.TryGetValue("limit", out var v) || string.IsNullOrEmpty(v)) return 0;
        if (!int.TryParse(v[0], out int n) || n < 0) throw ApiException.BadData("limit must be a non-negative number");
        return n;
    }

    /// <summary>Prometheus's "U__" escaping for UTF-8 label names in URL paths: _xx_ hex code points, __ for _.</summary>
    private static string DecodeUtf8LabelName(string s)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 3; i < s.Length; i++)
        {
            if (s[i] != '_') { sb.Append(s[i]); continue; }
            if (i + 1 < s.Length && s[i + 1] == '_') { sb.Append('_'); i++; continue; }
            int close = s.IndexOf('_', i + 1);
            if (close < 0 || !int.TryParse(s.AsSpan(i + 1, close - i - 1), System.Globalization.NumberStyles.HexNumber, null, out int cp)) return "";
            sb.Append(char.ConvertFromUtf32(cp));
            i = close;
        }
        return sb.ToString();
    }

}
