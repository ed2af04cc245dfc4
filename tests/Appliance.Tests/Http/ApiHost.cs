using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Mlobs.Appliance.Http;
using Mlobs.Config;
using Mlobs.Ingest.Scrape;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Rules.Evaluation;
using Mlobs.Storage.Tsdb;
using Mlobs.Tests.Support;

namespace Mlobs.Appliance.Tests.Http;

/// <summary>
/// The HTTP layer in process: <see cref="WebServer.Build"/> on a free loopback port over fakes of the narrow
/// interfaces it reads and a real TSDB and query engine in a temp dir. The runtime-wide gate is never opened, so
/// the APIs that still take the whole runtime answer as a starting server does.
/// </summary>
public sealed class ApiHost : IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private readonly WebApplication _app;

    public FakeLifecycle Lifecycle { get; } = new();
    public FakeStatus Status { get; } = new();
    public FakeTargets Targets { get; } = new();
    public FakeRules Rules { get; } = new();
    public FakeMetadata Metadata { get; } = new();
    public TsdbDatabase Tsdb { get; }
    public QueryEngine Engine { get; }
    public HttpClient Http { get; }

    private ApiHost()
    {
        Tsdb = TsdbDatabase.Open(new TsdbOptions { Directory = _dir.Path });
        Engine = new QueryEngine(Tsdb);
        Status.DataDirectory = _dir.Path;
        int port = FakeTarget.FreePort();
        var sources = new ApiSources(Lifecycle, Status, Targets, Rules, Metadata, Tsdb, Engine);
        _app = WebServer.Build(sources, new ReadinessGate(), new IPEndPoint(IPAddress.Loopback, port));
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public static async Task<ApiHost> StartAsync()
    {
        var host = new ApiHost();
        await host._app.StartAsync();
        return host;
    }

    /// <summary>Appends one sample per (labels, time, value) and commits.</summary>
    public void Append(params (LabelSet Labels, long T, double V)[] samples)
    {
        var app = Tsdb.Appender();
        foreach (var (labels, t, v) in samples)
        {
            ulong r = 0;
            app.Append(ref r, labels, t, v);
        }
        app.Commit();
    }

    /// <summary>GET (or POST a form) and parse the JSON answer with its status code.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> JsonAsync(string path, Dictionary<string, string>? form = null)
    {
        using var response = form is null ? await Http.GetAsync(path) : await Http.PostAsync(path, new FormUrlEncodedContent(form));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"{path}: {response.Content.Headers.ContentType} {text}");
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The Prometheus API's error envelope, checked whole: status "error", errorType, error.</summary>
    public async Task AssertErrorAsync(string path, HttpStatusCode status, string errorType, string error, Dictionary<string, string>? form = null)
    {
        var (code, body) = await JsonAsync(path, form);
        Assert.Equal(status, code);
        Assert.Equal("error", body.GetProperty("status").GetString());
        Assert.Equal(errorType, body.GetProperty("errorType").GetString());
        Assert.Equal(error, body.GetProperty("error").GetString());
    }

    /// <summary>The success envelope's data.</summary>
    public async Task<JsonElement> DataAsync(string path, Dictionary<string, string>? form = null)
    {
        var (code, body) = await JsonAsync(path, form);
        Assert.True(code == HttpStatusCode.OK, $"{path}: {code} {body}");
        Assert.Equal("success", body.GetProperty("status").GetString());
        return body.GetProperty("data");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Tsdb.Dispose();
        _dir.Dispose();
    }

    public sealed class FakeLifecycle : ILifecycle
    {
        public bool IsReady { get; set; } = true;
        public string? ReloadError { get; set; }
        public int Reloads;
        public Task<string?> ReloadAsync()
        {
            Interlocked.Increment(ref Reloads);
            return Task.FromResult(ReloadError);
        }
    }

    public sealed class FakeStatus : IStatusRetriever
    {
        public PrometheusConfig Config { get; set; } = ConfigLoader.Parse("global:\n  scrape_interval: 15s\n", "prometheus.yml");
        public string? ConfigPath { get; set; } = "/etc/mlobs/prometheus.yml";
        public string DataDirectory { get; set; } = "";
        public DateTimeOffset StartTime { get; set; } = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        public bool LastReloadSucceeded { get; set; } = true;
        public DateTimeOffset LastConfigTime { get; set; } = DateTimeOffset.FromUnixTimeSeconds(1_800_000_060);
    }

    public sealed class FakeTargets : ITargetRetriever
    {
        public List<TargetPool> Pools { get; } = [];
        public IReadOnlyList<TargetPool> TargetPools() => Pools;
    }

    public sealed class FakeRules : IRulesRetriever
    {
        public List<RuleGroup> Groups { get; } = [];
        public IReadOnlyList<RuleGroup> RuleGroups() => Groups;
    }

    public sealed class FakeMetadata : IMetadataRetriever
    {
        public List<(string Name, IReadOnlyList<MetricMetadata> Entries)> Entries { get; } = [];
        public IEnumerable<(string Name, IReadOnlyList<MetricMetadata> Entries)> Metadata() => Entries;
    }
}
