using System.Text.Json;
using Mlobs.Alertmanager;
using Mlobs.Config.Alertmanager;
using Mlobs.Model.Labels;
using Mlobs.Rules.Notifier;

namespace Mlobs.Appliance.Http;

/// <summary>
/// Alertmanager's API v2 for the built-in router (api/v2): <c>GET /api/v2/alerts</c>, <c>GET|POST /api/v2/silences</c>,
/// <c>GET|DELETE /api/v2/silence/{id}</c>, <c>GET /api/v2/status</c> — so amtool and Grafana's Alertmanager data
/// source work against mlobs. Without a router configured they answer 404 saying so. Errors are JSON strings
/// with Alertmanager's status codes.
/// </summary>
public static class AlertmanagerApi
{
    private const string NoRouter = "the built-in Alertmanager is not configured (mlobs.alertmanager_config in the config file)";

    public static void Map(IEndpointRouteBuilder app, IAlertmanagerSource source, ILifecycle lifecycle, IStatusRetriever status)
    {
        var api = app.MapGroup("/api/v2");
        api.MapGet("/status", () => WithRouter(lifecycle, source, _ => Status(status)));
        api.MapGet("/alerts", (HttpRequest req) => WithRouter(lifecycle, source, router => Alerts(router, req)));
        api.MapGet("/silences", (HttpRequest req) => WithRouter(lifecycle, source, router => Silences(router, req)));
        api.MapPost("/silences", async (HttpRequest req) =>
        {
            PostableSilenceJson? body;
            try { body = await JsonSerializer.DeserializeAsync(req.Body, AlertmanagerJsonContext.Go.PostableSilenceJson).ConfigureAwait(false); }
            catch (JsonException e) { return Error(400, "invalid silence: " + e.Message); }
            return WithRouter(lifecycle, source, router => PostSilence(router, body));
        });
        api.MapGet("/silence/{id}", (string id) => WithRouter(lifecycle, source, router =>
            router.Silences.Get(id) is { } s ? Results.Json(ToJson(s, DateTimeOffset.UtcNow), AlertmanagerJsonContext.Go.GettableSilenceJson)
                : Error(404, $"silence {id} not found")));
        api.MapDelete("/silence/{id}", (string id) => WithRouter(lifecycle, source, router =>
        {
            try
            {
                return router.Silences.Expire(id, DateTimeOffset.UtcNow) ? Results.Ok() : Error(404, $"silence {id} not found");
            }
            catch (SilenceException e) { return Error(500, e.Message); }
        }));
    }

    private static IResult WithRouter(ILifecycle lifecycle, IAlertmanagerSource source, Func<AlertRouter, IResult> handler)
    {
        if (!lifecycle.IsReady) return Error(503, "mlobs is starting");
        return source.Router is { } router ? handler(router) : Error(404, NoRouter);
    }

    private static IResult Error(int status, string message) =>
        Results.Json(message, AlertmanagerJsonContext.Go.String, statusCode: status);

    private static string Time(DateTimeOffset t) => AlertPayload.Time(t);

    private static IResult Status(IStatusRetriever runtime) =>
        // config.original is the router's alertmanager.yml as written (amtool config show prints it), not mlobs.yml.
        Results.Json(new AmStatusJson(new AmClusterJson("disabled", []), new AmConfigJson(runtime.Config.Mlobs.Router?.OriginalYaml ?? ""),
                Time(runtime.StartTime),
                new AmVersionJson("main", "", "", "", BuildInfo.Revision, BuildInfo.Version)),
            AlertmanagerJsonContext.Go.AmStatusJson);

    /// <summary>Matchers from <c>filter</c> parameters (Alertmanager's syntax); null and a 400 result when one is bad.</summary>
    private static List<LabelMatcher>? Filter(HttpRequest req, out IResult? error)
    {
        error = null;
        var matchers = new List<LabelMatcher>();
        foreach (var f in req.Query["filter"])
        {
            if (f is null) continue;
            try { matchers.AddRange(AlertmanagerMatchers.Parse(f)); }
            catch (FormatException e) { error = Error(400, e.Message); return null; }
        }
        return matchers;
    }

    private static bool Flag(HttpRequest req, string name) => req.Query[name].ToString() is not ("false" or "False");

    private static IResult Alerts(AlertRouter router, HttpRequest req)
    {
        var filter = Filter(req, out var error);
        if (filter is null) return error!;
        bool active = Flag(req, "active"), silenced = Flag(req, "silenced"), inhibited = Flag(req, "inhibited");
        var receiver = req.Query["receiver"].ToString();
        System.Text.RegularExpressions.Regex? receiverRe = null;
        if (receiver.Length > 0)
        {
            try { receiverRe = Mlobs.Model.Labels.GoRegex.Anchored(receiver); }
            catch (ArgumentException e) { return Error(400, $"failed to parse receiver param: {e.Message}"); }
        }
        var now = DateTimeOffset.UtcNow;
        var result = new List<GettableAlertJson>();
        foreach (var v in router.View(now))
        {
            if (!filter.All(m => m.Matches(v.Alert.Labels))) continue;
            if (receiverRe is not null && !v.Receivers.Any(r => receiverRe.IsMatch(r))) continue;
            bool isSilenced = v.SilencedBy.Count > 0, isInhibited = v.InhibitedBy.Count > 0;
            if (!active && !isSilenced && !isInhibited) continue;
            if (!silenced && isSilenced) continue;
            if (!inhibited && isInhibited) continue;
            var a = v.Alert;
            result.Add(new GettableAlertJson(
                a.Annotations.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value),
                Time(a.EndsAt), Fingerprints.Format(a.Fingerprint), v.Receivers.Select(r => new ReceiverNameJson(r)).ToList(), Time(a.StartsAt),
                new AlertStatusJson([.. v.InhibitedBy], [.. v.SilencedBy], isSilenced || isInhibited ? "suppressed" : "active"),
                Time(a.UpdatedAt), a.GeneratorUrl, a.Labels.ToDictionary()));
        }
        return Results.Json(result, AlertmanagerJsonContext.Go.ListGettableAlertJson);
    }

    private static IResult Silences(AlertRouter router, HttpRequest req)
    {
        var filter = Filter(req, out var error);
        if (filter is null) return error!;
        var now = DateTimeOffset.UtcNow;
        // Alertmanager lists active, then pending, then expired silences.
        var list = router.Silences.All
            .Where(s => filter.All(f => s.Matchers.Any(m => m.Name == f.Name && f.Matches(m.Value))))
            .OrderBy(s => s.State(now) switch { SilenceState.Active => 0, SilenceState.Pending => 1, _ => 2 })
            .ThenBy(s => s.State(now) == SilenceState.Expired ? -s.EndsAt.ToUnixTimeMilliseconds() : s.EndsAt.ToUnixTimeMilliseconds())
            .Select(s => ToJson(s, now)).ToList();
        return Results.Json(list, AlertmanagerJsonContext.Go.ListGettableSilenceJson);
    }

    private static IResult PostSilence(AlertRouter router, PostableSilenceJson? body)
    {
        if (body is null) return Error(400, "silence invalid: empty body");
        if (body.StartsAt is null || body.EndsAt is null) return Error(400, "silence invalid: startsAt and endsAt are required");
        var matchers = new List<LabelMatcher>();
        try
        {
            foreach (var m in body.Matchers ?? [])
                matchers.Add(AlertmanagerMatchers.FromApi(m.Name, m.Value, m.IsRegex, m.IsEqual ?? true));
            var id = router.Silences.Upsert(body.Id, matchers, body.StartsAt.Value, body.EndsAt.Value, body.CreatedBy ?? "", body.Comment ?? "", DateTimeOffset.UtcNow);
            return Results.Json(new SilenceCreatedJson(id), AlertmanagerJsonContext.Go.SilenceCreatedJson);
        }
        catch (KeyNotFoundException e) { return Error(404, e.Message); }
        catch (Exception e) when (e is SilenceException or ArgumentException) // the store's rules, or a matcher's regex
        {
            return Error(400, "silence invalid: " + e.Message);
        }
    }

    private static GettableSilenceJson ToJson(Silence s, DateTimeOffset now) =>
        new(s.Id, new SilenceStatusJson(Silence.StateText(s.State(now))), Time(s.UpdatedAt), s.Comment, s.CreatedBy, Time(s.EndsAt),
            s.Matchers.Select(ToJson).ToList(), Time(s.StartsAt));

    public static ApiMatcherJson ToJson(LabelMatcher m)
    {
        var (isRegex, isEqual) = AlertmanagerMatchers.ToApi(m);
        return new ApiMatcherJson(m.Name, m.Value, isRegex, isEqual);
    }
}
