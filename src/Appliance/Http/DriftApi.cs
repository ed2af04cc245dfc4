using System.Globalization;
using System.Text.Json;
using Mlobs.Drift.Monitors;
using Mlobs.Drift.Pinning;
using Mlobs.Drift.Statistics;
using Mlobs.Model;

namespace Mlobs.Appliance.Http;

/// <summary>
/// <c>/api/v1/drift</c>: the monitors with their last evaluation (per group the scores and both distributions, for
/// the Drift page and <c>mlobs drift list</c>), and pinning a monitor's baseline
/// (<c>POST /api/v1/drift/{monitor}/pin?from=&amp;to=</c>, <c>DELETE</c> to unpin). Non-finite numbers are written as
/// Prometheus writes them in JSON: as strings ("+Inf", "NaN").
/// </summary>
public static class DriftApi
{
    public static void Map(IEndpointRouteBuilder app, IDriftSource drift)
    {
        var api = app.MapGroup("/api/v1/drift");
        api.MapGet("", () => ApiResults.Json(w => Envelope(w, () =>
        {
            w.WriteStartArray();
            foreach (var m in drift.DriftMonitors) Monitor(w, m, drift.PinnedDriftBaseline(m.Monitor.Name));
            w.WriteEndArray();
        })));
        api.MapGet("/{monitor}", (string monitor) => ApiResults.Guard(() =>
        {
            var m = Find(drift, monitor);
            return ApiResults.Json(w => Envelope(w, () => Monitor(w, m, drift.PinnedDriftBaseline(monitor))));
        }));
        api.MapPost("/{monitor}/pin", (string monitor, HttpRequest req) => ApiResults.Guard(() =>
        {
            Find(drift, monitor);
            var from = Time(req, "from");
            var to = Time(req, "to");
            PinnedBaseline pinned;
            try { pinned = drift.PinDriftBaseline(monitor, from, to); }
            catch (ArgumentException ex) { throw ApiException.BadData(ex.Message); }
            catch (Mlobs.Query.PromQl.Engine.QueryException ex) { throw ApiException.From(ex); }
            return ApiResults.Json(w => Envelope(w, () => Pin(w, pinned)));
        }));
        api.MapPost("/{monitor}/reference", (string monitor, HttpRequest req) => ApiResults.Guard(async () =>
        {
            Find(drift, monitor);
            var (reader, json) = await BodyAsync(req);
            PinnedBaseline reference;
            try { reference = drift.UploadDriftReference(monitor, reader, json); }
            catch (Exception ex) when (ex is ArgumentException or Mlobs.Drift.Columns.TabularFileException) { throw ApiException.BadData(ex.Message); }
            return ApiResults.Json(w => Envelope(w, () =>
            {
                w.WriteStartObject();
                w.WriteString("monitor", monitor);
                w.WriteNumber("rows", reference.Rows);
                w.WriteStartArray("columns");
                foreach (var b in reference.Binning ?? [])
                {
                    w.WriteStartObject();
                    w.WriteString("column", b.Column);
                    w.WriteString("kind", b.Kind);
                    w.WriteNumber("bins", b.IsNumeric ? b.Bounds.Length : b.Categories.Length);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }));
        }));
        api.MapPost("/{monitor}/observations", (string monitor, HttpRequest req) => ApiResults.Guard(async () =>
        {
            Find(drift, monitor);
            var (reader, json) = await BodyAsync(req);
            Mlobs.Drift.Observations.ObservationResult result;
            try { result = drift.ObserveDrift(monitor, reader, json); }
            catch (ArgumentException ex) { throw ApiException.BadData(ex.Message); }
            catch (InvalidOperationException ex) { throw ApiException.BadData(ex.Message); }
            return ApiResults.Json(w => Envelope(w, () =>
            {
                w.WriteStartObject();
                w.WriteNumber("accepted", result.Accepted);
                w.WriteNumber("rejected", result.Rejected);
                w.WriteStartArray("errors");
                foreach (var e in result.Errors) w.WriteStringValue(e);
                w.WriteEndArray();
                w.WriteEndObject();
            }));
        }));
        api.MapDelete("/{monitor}/pin", (string monitor) => ApiResults.Guard(() =>
        {
            Find(drift, monitor);
            bool removed = drift.UnpinDriftBaseline(monitor);
            return ApiResults.Json(w => Envelope(w, () =>
            {
                w.WriteStartObject();
                w.WriteBoolean("removed", removed);
                w.WriteEndObject();
            }));
        }));
    }

    /// <summary>Rows may be large: up to 256 MiB decoded. JSON lines when the type says JSON or the body starts with '{', CSV otherwise.</summary>
    private const int MaxBodyBytes = 256 << 20;

    private static async Task<(TextReader Reader, bool JsonLines)> BodyAsync(HttpRequest req)
    {
        byte[]? body;
        try { body = await RequestBody.ReadAsync(req, MaxBodyBytes, req.HttpContext.RequestAborted); }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException) { throw ApiException.BadData(ex.Message); }
        if (body is null) throw ApiException.BadData($"body larger than {MaxBodyBytes >> 20} MiB: post the rows in smaller batches");
        var reader = new StreamReader(new MemoryStream(body), System.Text.Encoding.UTF8);
        var type = req.ContentType ?? "";
        bool json = type.Contains("json", StringComparison.OrdinalIgnoreCase)
                    || (!type.Contains("csv", StringComparison.OrdinalIgnoreCase) && FirstNonSpace(body) == '{');
        return (reader, json);
    }

    private static int FirstNonSpace(byte[] body)
    {
        foreach (byte b in body) if (b is not ((byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or 0xEF or 0xBB or 0xBF)) return b;
        return -1;
    }

    private static DriftMonitorEvaluator Find(IDriftSource drift, string name) =>
        drift.DriftMonitors.FirstOrDefault(m => m.Monitor.Name == name)
        ?? throw new ApiException(ApiErrorType.NotFound, $"drift monitor \"{name}\" not found");

    private static DateTimeOffset? Time(HttpRequest req, string name)
    {
        string? text = req.Query[name].FirstOrDefault();
        if (string.IsNullOrEmpty(text) && req.HasFormContentType) text = req.Form[name].FirstOrDefault();
        if (string.IsNullOrEmpty(text)) return null;
        if (!TimeExpression.TryParse(text, DateTimeOffset.UtcNow, out var t))
            throw ApiException.BadData($"invalid parameter \"{name}\": cannot parse \"{text}\" to a valid timestamp");
        return t;
    }

    private static void Envelope(Utf8JsonWriter w, Action data)
    {
        w.WriteStartObject();
        w.WriteString("status", "success");
        w.WritePropertyName("data");
        data();
        w.WriteEndObject();
    }

    private static void Monitor(Utf8JsonWriter w, DriftMonitorEvaluator evaluator, PinnedBaseline? pinned)
    {
        var m = evaluator.Monitor;
        var c = m.Config;
        w.WriteStartObject();
        w.WriteString("name", m.Name);
        w.WriteString("kind", c.Kind.ToString().ToLowerInvariant());
        w.WriteString("selector", c.Selector);
        if (c.CategoryLabel is not null) w.WriteString("categoryLabel", c.CategoryLabel);
        w.WriteStartArray("by");
        foreach (var b in c.By) w.WriteStringValue(b);
        w.WriteEndArray();
        w.WriteString("current", PromDuration.Format(c.Current));
        w.WriteStartObject("baseline");
        if (c.Baseline.Pinned) w.WriteBoolean("pinned", true);
        else if (c.Baseline.IsFixedRange)
        {
            w.WriteString("from", c.Baseline.From!.Value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteString("to", c.Baseline.To!.Value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        }
        else
        {
            w.WriteString("window", PromDuration.Format(c.Baseline.Window));
            w.WriteString("offset", PromDuration.Format(c.Baseline.Offset));
            w.WriteString("refresh", PromDuration.Format(evaluator.BaselineRefresh));
        }
        w.WriteEndObject();
        w.WriteString("interval", PromDuration.Format(evaluator.Interval));
        Number(w, "minSamples", c.MinSamples);
        Number(w, "driftShare", c.DriftShare);
        w.WriteStartArray("methods");
        foreach (var (method, threshold) in m.Methods)
        {
            w.WriteStartObject();
            w.WriteString("method", method.Name());
            w.WriteString("title", method.DisplayName());
            Number(w, "threshold", threshold);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WritePropertyName("pinned");
        if (pinned is null) w.WriteNullValue();
        else
        {
            w.WriteStartObject();
            Range(w, pinned);
            w.WriteEndObject();
        }
        w.WritePropertyName("lastEvaluation");
        if (evaluator.Last is { } e) Evaluation(w, e);
        else w.WriteNullValue();
        w.WriteEndObject();
    }

    private static void Evaluation(Utf8JsonWriter w, DriftEvaluation e)
    {
        w.WriteStartObject();
        w.WriteString("time", e.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        Number(w, "durationSeconds", e.Duration.TotalSeconds);
        if (e.Error is not null) w.WriteString("error", e.Error);
        w.WriteString("baseline", e.BaselineDescription);
        if (e.BaselineComputedAt is { } b) w.WriteString("baselineComputedAt", b.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        if (e.Share is { } share) Number(w, "share", share);
        else w.WriteNull("share");
        w.WriteBoolean("datasetDrift", e.DatasetDrift);
        w.WriteNumber("groupsScored", e.Scored);
        w.WriteNumber("groupsDrifted", e.DriftedGroups);
        w.WriteStartArray("groups");
        foreach (var g in e.Groups)
        {
            w.WriteStartObject();
            w.WriteStartObject("labels");
            foreach (var l in g.Group.AsSpan()) w.WriteString(l.Name, l.Value);
            w.WriteEndObject();
            Number(w, "baselineSamples", g.BaselineSamples);
            Number(w, "currentSamples", g.CurrentSamples);
            if (g.Skipped is not null) w.WriteString("skipped", g.Skipped);
            w.WriteBoolean("drifted", g.Drifted);
            if (g.Problems.Count > 0)
            {
                w.WriteStartArray("problems");
                foreach (var p in g.Problems) w.WriteStringValue(p);
                w.WriteEndArray();
            }
            w.WriteStartArray("scores");
            foreach (var s in g.Scores)
            {
                w.WriteStartObject();
                w.WriteString("method", s.Method.Name());
                Number(w, "score", s.Score);
                if (s.Statistic is { } st) Number(w, "statistic", st);
                Number(w, "threshold", s.Threshold);
                w.WriteBoolean("drifted", s.Drifted);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            var bins = g.Baseline?.Bins ?? g.Current?.Bins ?? [];
            w.WriteStartArray("bins");
            foreach (var bin in bins) w.WriteStringValue(bin);
            w.WriteEndArray();
            Shares(w, "baselineShares", g.Baseline, bins);
            Shares(w, "currentShares", g.Current, bins);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>A side's shares over the listed bins (a side on other bins — never aligned because it was empty — is written as zeros).</summary>
    private static void Shares(Utf8JsonWriter w, string name, Mlobs.Drift.Distributions.BinnedDistribution? d, string[] bins)
    {
        w.WriteStartArray(name);
        if (d is not null && d.Bins.AsSpan().SequenceEqual(bins))
            foreach (var s in d.Shares()) WriteNumberValue(w, s);
        else
            foreach (var _ in bins) w.WriteNumberValue(0);
        w.WriteEndArray();
    }

    private static void Pin(Utf8JsonWriter w, PinnedBaseline pinned)
    {
        w.WriteStartObject();
        w.WriteString("monitor", pinned.Monitor);
        Range(w, pinned);
        w.WriteNumber("groups", pinned.Groups.Count);
        Number(w, "samples", pinned.Groups.Sum(g => g.Counts.Sum()));
        w.WriteEndObject();
    }

    private static void Range(Utf8JsonWriter w, PinnedBaseline pinned)
    {
        w.WriteString("from", pinned.From.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        w.WriteString("to", pinned.To.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        w.WriteString("pinnedAt", pinned.PinnedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
    }

    private static void Number(Utf8JsonWriter w, string name, double v)
    {
        w.WritePropertyName(name);
        WriteNumberValue(w, v);
    }

    private static void WriteNumberValue(Utf8JsonWriter w, double v)
    {
        if (double.IsFinite(v)) w.WriteNumberValue(v);
        else w.WriteStringValue(double.IsNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
    }
}
