using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Mlobs.Config;

namespace Mlobs.Ingest.Freshness;

/// <summary>A probe that could not tell when its source last changed; the message shows on the Targets page.</summary>
public sealed class FreshnessProbeException(string message) : Exception(message);

/// <summary>
/// Finds when a data source last changed, as Unix seconds: the newest file among globs, an HTTP resource's
/// Last-Modified (or a JSON field of its body), or the first column of a SQLite query.
/// </summary>
public static class FreshnessProbe
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });

    public static double Run(FreshnessProbeConfig probe, TimeSpan timeout)
    {
        if (probe.HttpUrl is not null) return ProbeHttp(probe.HttpUrl, probe.HttpJsonField, timeout);
        if (probe.SqlitePath is not null) return ProbeSqlite(probe.SqlitePath, probe.SqliteQuery!);
        return ProbeFiles(probe.Files);
    }

    private static double ProbeFiles(IReadOnlyList<string> globs)
    {
        DateTime? newest = null;
        foreach (var glob in globs)
            foreach (var file in FilePatterns.Expand(".", glob))
            {
                var t = File.GetLastWriteTimeUtc(file);
                if (newest is null || t > newest) newest = t;
            }
        if (newest is not { } n) throw new FreshnessProbeException($"no file matches {string.Join(", ", globs)}");
        return Seconds(new DateTimeOffset(n, TimeSpan.Zero));
    }

    private static double ProbeHttp(string url, string? jsonField, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("mlobs-freshness-probe", "1"));
        HttpResponseMessage response;
        try { response = Http.Send(request, cts.Token); }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or OperationCanceledException)
        {
            throw new FreshnessProbeException(ex is HttpRequestException ? ex.Message : $"no answer within {timeout.TotalSeconds:0.#} s");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode) throw new FreshnessProbeException($"server returned HTTP status {(int)response.StatusCode} {response.ReasonPhrase}");
            if (jsonField is null)
            {
                return response.Content.Headers.LastModified is { } modified ? Seconds(modified)
                    : throw new FreshnessProbeException("the response has no Last-Modified header (set json_field to read a time from the body)");
            }
            using var stream = response.Content.ReadAsStream(cts.Token);
            JsonDocument doc;
            try { doc = JsonDocument.Parse(stream); }
            catch (JsonException ex) { throw new FreshnessProbeException($"the body is not JSON: {ex.Message}"); }
            using (doc)
            {
                var element = doc.RootElement;
                foreach (var part in jsonField.Split('.'))
                {
                    if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(part, out element))
                        throw new FreshnessProbeException($"the body has no field {jsonField}");
                }
                return element.ValueKind switch
                {
                    JsonValueKind.Number => FromNumber(element.GetDouble()),
                    JsonValueKind.String => FromText(element.GetString()!, jsonField),
                    _ => throw new FreshnessProbeException($"{jsonField} is neither a number nor a timestamp"),
                };
            }
        }
    }

    private static double ProbeSqlite(string path, string query)
    {
        if (!File.Exists(path)) throw new FreshnessProbeException($"{path}: no such file");
        Mlobs.Storage.Tsdb.Sqlite.SqliteProvider.EnsureInitialized();
        try
        {
            using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = query;
            cmd.CommandTimeout = 10;
            using var r = cmd.ExecuteReader();
            if (!r.Read() || r.IsDBNull(0)) throw new FreshnessProbeException("the query returned no value");
            return r.GetFieldType(0) == typeof(string) ? FromText(r.GetString(0), "the query's value") : FromNumber(r.GetDouble(0));
        }
        catch (SqliteException ex) { throw new FreshnessProbeException($"{path}: {ex.Message}"); }
    }

    /// <summary>Unix seconds; a number that large is taken as milliseconds (a JavaScript or Java timestamp).</summary>
    private static double FromNumber(double v) => v > 1e11 ? v / 1000 : v;

    private static double FromText(string text, string what) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? Seconds(t)
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? FromNumber(n)
            : throw new FreshnessProbeException($"{what}: \"{text}\" is not a timestamp");

    private static double Seconds(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;
}
