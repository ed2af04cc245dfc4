using System.Text;
using System.Text.Json;
using Mlobs.WebUi.Dashboards;

namespace Mlobs.Appliance.Http;

/// <summary>
/// Dashboards over the subset of Grafana's HTTP API that tools use to list, fetch and import them
/// (<c>/api/search</c>, <c>/api/dashboards/uid/:uid</c>, <c>POST /api/dashboards/db</c>), in Grafana's shapes, so
/// the UI and scripts written for Grafana's API work against mlobs.
/// </summary>
public static class DashboardsApi
{
    /// <summary>Largest dashboard accepted by an import (Node Exporter Full is ~0.5 MB).</summary>
    private const int MaxImportBytes = 16 << 20;

    public static void Map(IEndpointRouteBuilder app, IDashboardSource source, IStatusRetriever status)
    {
        app.MapGet("/api/datasources", () => ApiResults.Guard(() => Datasources(status)));
        app.MapGet("/api/search", (HttpRequest req) => ApiResults.Guard(() =>
            Search(source.Dashboards, req.Query["query"].ToString(), req.Query["tag"].Where(t => t is not null).Select(t => t!).ToList(), req.Query["type"].ToString())));
        app.MapGet("/api/dashboards/uid/{uid}", (string uid) => ApiResults.Guard(() => Get(source.Dashboards, uid)));
        app.MapPost("/api/dashboards/db", (HttpRequest req) => ApiResults.Guard(() => ImportAsync(source.Dashboards, req)));
        app.MapPost("/api/dashboards/import", (HttpRequest req) => ApiResults.Guard(() => ImportAsync(source.Dashboards, req)));
    }

    /// <summary>
    /// Grafana's datasource list: mlobs itself as the Prometheus datasource, with the global scrape_interval as its
    /// jsonData.timeInterval (what floors panel intervals and sets $__rate_interval), and as the Loki one.
    /// </summary>
    private static IResult Datasources(IStatusRetriever status)
    {
        var scrape = Mlobs.Model.PromDuration.Format((long)status.Config.Global.ScrapeInterval.TotalMilliseconds);
        return ApiResults.Json(w =>
        {
            w.WriteStartArray();
            void Source(int id, string uid, string name, string type, string typeName, bool isDefault, string? timeInterval)
            {
                w.WriteStartObject();
                w.WriteNumber("id", id);
                w.WriteString("uid", uid);
                w.WriteNumber("orgId", 1);
                w.WriteString("name", name);
                w.WriteString("type", type);
                w.WriteString("typeName", typeName);
                w.WriteString("access", "proxy");
                w.WriteString("url", "/");
                w.WriteBoolean("isDefault", isDefault);
                w.WriteStartObject("jsonData");
                if (timeInterval is not null) w.WriteString("timeInterval", timeInterval);
                w.WriteEndObject();
                w.WriteBoolean("readOnly", true);
                w.WriteEndObject();
            }
            Source(1, "mlobs-prometheus", "mlobs", "prometheus", "Prometheus", true, scrape);
            Source(2, "mlobs-loki", "mlobs logs", "loki", "Loki", false, null);
            w.WriteEndArray();
        });
    }

    /// <summary>
    /// Grafana's search: folders (type=dash-folder) and dashboards (type=dash-db), both when no type is given, by
    /// title (query) and tags; a dashboard in a sub-folder of the dashboards dir carries folderUid/folderTitle/folderUrl.
    /// </summary>
    private static IResult Search(DashboardLibrary library, string query, List<string> tags, string type)
    {
        return ApiResults.Json(w =>
        {
            w.WriteStartArray();
            int id = 1;
            var all = library.All();
            if (type is "" or "dash-folder" && tags.Count == 0)
            {
                foreach (var folder in library.Folders())
                {
                    if (query.Length > 0 && !folder.Contains(query, StringComparison.OrdinalIgnoreCase)) continue;
                    w.WriteStartObject();
                    w.WriteNumber("id", 100000 + id++);
                    w.WriteString("uid", FolderUid(folder));
                    w.WriteString("title", folder);
                    w.WriteString("url", $"/dashboards/f/{FolderUid(folder)}/");
                    w.WriteString("type", "dash-folder");
                    w.WriteStartArray("tags");
                    w.WriteEndArray();
                    w.WriteBoolean("isStarred", false);
                    w.WriteEndObject();
                }
            }
            id = 1;
            if (type is "" or "dash-db")
            {
                foreach (var d in all)
                {
                    var m = d.Model;
                    if (query.Length > 0 && !m.Title.Contains(query, StringComparison.OrdinalIgnoreCase)) { id++; continue; }
                    if (tags.Count > 0 && !tags.All(t => m.Tags.Contains(t))) { id++; continue; }
                    w.WriteStartObject();
                    w.WriteNumber("id", id++);
                    w.WriteString("uid", m.Uid);
                    w.WriteString("title", m.Title);
                    w.WriteString("uri", "db/" + DashboardParser.Slug(m.Title));
                    w.WriteString("url", $"/d/{m.Uid}/{DashboardParser.Slug(m.Title)}");
                    w.WriteString("slug", "");
                    w.WriteString("type", "dash-db");
                    w.WriteStartArray("tags");
                    foreach (var t in m.Tags) w.WriteStringValue(t);
                    w.WriteEndArray();
                    w.WriteBoolean("isStarred", false);
                    if (d.Folder is { } folder)
                    {
                        w.WriteString("folderUid", FolderUid(folder));
                        w.WriteString("folderTitle", folder);
                        w.WriteString("folderUrl", $"/dashboards/f/{FolderUid(folder)}/");
                    }
                    w.WriteString("source", d.Source);
                    w.WriteNumber("panels", m.DrawnPanels.Count());
                    w.WriteEndObject();
                }
            }
            w.WriteEndArray();
        });
    }

    /// <summary>A folder's uid: its path as a slug ("team/ml" → "team-ml"), stable across restarts.</summary>
    private static string FolderUid(string folder) => DashboardParser.Slug(folder.Replace('/', '-'));

    private static IResult Get(DashboardLibrary library, string uid)
    {
        if (library.Find(uid) is not { } d) return Message(404, "Dashboard not found");
        return ApiResults.Json(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("dashboard");
            w.WriteRawValue(d.Json, skipInputValidation: true);
            w.WriteStartObject("meta");
            w.WriteString("type", "db");
            w.WriteString("slug", DashboardParser.Slug(d.Model.Title));
            w.WriteString("url", $"/d/{d.Model.Uid}/{DashboardParser.Slug(d.Model.Title)}");
            w.WriteBoolean("canSave", false);
            w.WriteBoolean("canEdit", false);
            w.WriteString("provisioned", d.Source == "file" ? "true" : "false");
            w.WriteString("source", d.Source);
            if (d.Path is not null) w.WriteString("provisionedExternalId", Path.GetFileName(d.Path));
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> ImportAsync(DashboardLibrary library, HttpRequest req)
    {
        string body;
        using (var reader = new StreamReader(req.Body, Encoding.UTF8))
        {
            var buffer = new char[MaxImportBytes + 1];
            int read = await reader.ReadBlockAsync(buffer, 0, buffer.Length);
            if (read > MaxImportBytes) return Message(413, "dashboard too large");
            body = new string(buffer, 0, read);
        }
        bool overwrite = false;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("overwrite", out var o)) overwrite = o.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            // The parser below reports where the JSON breaks.
        }
        try
        {
            var d = library.Import(body, overwrite);
            return ApiResults.Json(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("id", 0);
                w.WriteString("uid", d.Model.Uid);
                w.WriteString("title", d.Model.Title);
                w.WriteString("url", $"/d/{d.Model.Uid}/{DashboardParser.Slug(d.Model.Title)}");
                w.WriteString("status", "success");
                w.WriteNumber("version", 1);
                w.WriteString("slug", DashboardParser.Slug(d.Model.Title));
                w.WriteEndObject();
            });
        }
        catch (DashboardFormatException ex)
        {
            return Message(400, ex.Message.Replace("import:", "dashboard:", StringComparison.Ordinal));
        }
        catch (DashboardExistsException ex)
        {
            return Message(412, ex.Message, "name-exists");
        }
        catch (IOException ex)
        {
            return Message(500, "saving the dashboard failed: " + ex.Message);
        }
    }

    /// <summary>Grafana's error shape: {"message": "..."} (plus "status" for some).</summary>
    private static IResult Message(int status, string message, string? statusText = null)
    {
        return ApiResults.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("message", message);
            if (statusText is not null) w.WriteString("status", statusText);
            w.WriteEndObject();
        }, status);
    }
}
