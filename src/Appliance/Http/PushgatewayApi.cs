using System.Globalization;
using System.Text;
using System.Text.Json;
using Mlobs.Ingest.Push;
using Mlobs.Model.Strconv;

namespace Mlobs.Appliance.Http;

/// <summary>
/// The Pushgateway's HTTP API over the built-in push store, with the Pushgateway 1.x's paths, status codes and error
/// texts, so its clients work unchanged: <c>PUT</c> (replace the group), <c>POST</c> (replace the families sent) and
/// <c>DELETE</c> (202) on <c>/metrics/job{@base64}/&lt;JOB&gt;{/&lt;LABEL&gt;{@base64}/&lt;VALUE&gt;}</c>; bodies in the text
/// format or delimited protobuf, gzip allowed; <c>GET /api/v1/metrics</c> (the groups as the Pushgateway's JSON) and
/// <c>PUT /api/v1/admin/wipe</c>. Errors are plain text, as the Pushgateway's http.Error writes them.
/// </summary>
public static class PushgatewayApi
{
    private const int MaxPushBytes = 32 << 20;

    public static void Map(IEndpointRouteBuilder app, IPushSource push)
    {
        foreach (var (prefix, base64) in new[] { ("/metrics/job", false), ("/metrics/job@base64", true) })
        {
            app.MapMethods(prefix + "/{**rest}", ["PUT", "POST", "DELETE"], (HttpContext ctx) => HandleAsync(push, ctx, prefix, base64));
        }
        app.MapGet("/api/v1/metrics", IResult () => new GroupsJson(push.PushGroups));
        app.MapPut("/api/v1/admin/wipe", () =>
        {
            push.WipePushGroups();
            return Results.StatusCode(StatusCodes.Status202Accepted);
        });
    }

    /// <summary>
    /// On the <c>push.listen</c> address only the Pushgateway's paths answer, and <c>GET /metrics</c> is the pushed
    /// groups' exposition (what a Prometheus already scraping a Pushgateway expects there); all else is 404.
    /// </summary>
    public static Func<HttpContext, RequestDelegate, Task> OnlyPushApi(System.Net.IPEndPoint pushListen, IPushSource push) => async (ctx, next) =>
    {
        if (ctx.Connection.LocalPort != pushListen.Port) { await next(ctx).ConfigureAwait(false); return; }
        var path = ctx.Request.Path.Value ?? "";
        if (path == "/metrics" && HttpMethods.IsGet(ctx.Request.Method))
        {
            ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await ctx.Response.WriteAsync(PushExposition.Write(push.PushGroups)).ConfigureAwait(false);
            return;
        }
        if (path.StartsWith("/metrics/job", StringComparison.Ordinal) || path is "/api/v1/metrics" or "/api/v1/admin/wipe" or "/-/healthy" or "/-/ready")
        {
            await next(ctx).ConfigureAwait(false);
            return;
        }
        ctx.Response.StatusCode = StatusCodes.Status404NotFound;
        await ctx.Response.WriteAsync("404 page not found\n").ConfigureAwait(false);
    };

    private static async Task HandleAsync(IPushSource push, HttpContext ctx, string prefix, bool base64)
    {
        var method = ctx.Request.Method;
        int status = await HandleCoreAsync(push, ctx, prefix, base64).ConfigureAwait(false);
        PushMetrics.Pushes.WithLabels(method, status.ToString(CultureInfo.InvariantCulture)).Inc();
    }

    private static async Task<int> HandleCoreAsync(IPushSource push, HttpContext ctx, string prefix, bool base64)
    {
        var now = DateTimeOffset.UtcNow;
        // Go's router sees the decoded path, where an escaped slash separates segments too.
        var path = (ctx.Request.Path.Value ?? "").Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        GroupingKey key;
        try { key = GroupingKey.Parse(path[prefix.Length..], base64); }
        catch (PushRequestException ex) { return await ErrorAsync(ctx, 400, ex.Message).ConfigureAwait(false); }

        if (HttpMethods.IsDelete(ctx.Request.Method))
        {
            push.ApplyPush(PushRequest.Delete(key, now));
            ctx.Response.StatusCode = StatusCodes.Status202Accepted;
            return 202;
        }

        byte[]? body;
        try { body = await RequestBody.ReadAsync(ctx.Request, MaxPushBytes, ctx.RequestAborted).ConfigureAwait(false); }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException)
        {
            return await ErrorAsync(ctx, 400, ex.Message).ConfigureAwait(false);
        }
        if (body is null) return await ErrorAsync(ctx, 413, $"push body larger than {MaxPushBytes} bytes").ConfigureAwait(false);
        try
        {
            var families = IsDelimitedProtobuf(ctx.Request.ContentType)
                ? PushProtobufParser.Parse(body)
                : PushTextParser.Parse(body);
            push.ApplyPush(new PushRequest(key, families, Replace: HttpMethods.IsPut(ctx.Request.Method), now));
        }
        catch (PushInconsistentException ex)
        {
            return await ErrorAsync(ctx, 400, "pushed metrics are invalid or inconsistent with existing metrics: " + ex.Message).ConfigureAwait(false);
        }
        catch (PushRequestException ex)
        {
            return await ErrorAsync(ctx, 400, ex.Message).ConfigureAwait(false);
        }
        ctx.Response.StatusCode = StatusCodes.Status200OK;
        return 200;
    }

    /// <summary>The Pushgateway reads protobuf only for exactly this media type; anything else is the text format.</summary>
    private static bool IsDelimitedProtobuf(string? contentType)
    {
        if (contentType is null) return false;
        var parts = contentType.Split(';', StringSplitOptions.TrimEntries);
        if (!parts[0].Equals("application/vnd.google.protobuf", StringComparison.OrdinalIgnoreCase)) return false;
        var parameters = parts.Skip(1).Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].ToLowerInvariant(), p => p[1].Trim('"'), StringComparer.Ordinal);
        return parameters.GetValueOrDefault("encoding") == "delimited" && parameters.GetValueOrDefault("proto") == "io.prometheus.client.MetricFamily";
    }

    /// <summary>As Go's http.Error: the message and a newline, as plain text.</summary>
    private static async Task<int> ErrorAsync(HttpContext ctx, int status, string message)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        ctx.Response.Headers["X-Content-Type-Options"] = "nosniff";
        await ctx.Response.WriteAsync(message + "\n").ConfigureAwait(false);
        return status;
    }

    /// <summary>
    /// <c>GET /api/v1/metrics</c>: per group its labels, whether the last push succeeded, and each family with its
    /// push time, type, help and metrics (values as strings), keys in Go's sorted map order.
    /// </summary>
    private sealed class GroupsJson(IReadOnlyCollection<PushGroup> groups) : StreamedJsonResult
    {
        protected override void WriteBody(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteString("status", "success");
            w.WriteStartArray("data");
            foreach (var group in groups.OrderBy(g => g.Key.Key, StringComparer.Ordinal))
            {
                var entries = new SortedDictionary<string, Action>(StringComparer.Ordinal)
                {
                    ["labels"] = () => Labels(w, group.Key.Labels),
                    ["last_push_successful"] = () => w.WriteBooleanValue(group.LastPushSuccessful),
                };
                foreach (var tf in group.AllFamilies()) entries[tf.Family.Name] = () => Family(w, tf);
                w.WriteStartObject();
                foreach (var (name, write) in entries)
                {
                    w.WritePropertyName(name);
                    write();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }

        private static void Family(Utf8JsonWriter w, TimestampedFamily tf)
        {
            var f = tf.Family;
            w.WriteStartObject();
            w.WriteString("time_stamp", GoTime(tf.PushedAt));
            w.WriteString("type", PushedFamily.KindName(f.Kind));
            if (f.Help.Length > 0) w.WriteString("help", f.Help);
            w.WriteStartArray("metrics");
            foreach (var m in f.Metrics)
            {
                w.WriteStartObject();
                switch (f.Kind)
                {
                    case MetricKind.Summary:
                        w.WriteString("count", Count(m.Count));
                        w.WritePropertyName("labels");
                        Labels(w, m.Labels);
                        w.WriteStartObject("quantiles");
                        foreach (var q in m.Quantiles.OrderBy(q => ValueFormat.GoG(q.Quantile), StringComparer.Ordinal))
                            w.WriteString(ValueFormat.GoG(q.Quantile), ValueFormat.GoG(q.Value));
                        w.WriteEndObject();
                        w.WriteString("sum", ValueFormat.GoG(m.Sum));
                        break;
                    case MetricKind.Histogram:
                        w.WriteStartObject("buckets");
                        foreach (var b in m.Buckets.OrderBy(b => ValueFormat.GoG(b.UpperBound), StringComparer.Ordinal))
                            w.WriteString(ValueFormat.GoG(b.UpperBound), Count(b.CumulativeCount));
                        w.WriteEndObject();
                        w.WriteString("count", Count(m.Count));
                        w.WritePropertyName("labels");
                        Labels(w, m.Labels);
                        w.WriteString("sum", ValueFormat.GoG(m.Sum));
                        break;
                    default:
                        w.WritePropertyName("labels");
                        Labels(w, m.Labels);
                        w.WriteString("value", ValueFormat.GoG(m.Value));
                        break;
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }

        private static void Labels(Utf8JsonWriter w, IEnumerable<Mlobs.Model.Labels.Label> labels)
        {
            w.WriteStartObject();
            foreach (var l in labels.OrderBy(l => l.Name, StringComparer.Ordinal)) w.WriteString(l.Name, l.Value);
            w.WriteEndObject();
        }

        /// <summary>Counts are uint64 in client_model, printed as integers.</summary>
        private static string Count(double v) =>
            v >= 0 && v < 1.8e19 && Math.Floor(v) == v ? ((ulong)v).ToString(CultureInfo.InvariantCulture) : ValueFormat.GoG(v);

        /// <summary>Go's time.Time JSON: RFC 3339 with nanoseconds, trailing zeros dropped.</summary>
        private static string GoTime(DateTimeOffset t)
        {
            var s = t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');
            return s + "Z";
        }
    }
}
