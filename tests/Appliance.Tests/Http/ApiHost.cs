using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Mlobs.Alertmanager;
using Mlobs.Appliance.Http;
using Mlobs.Config;
using Mlobs.Ingest.Push;
using Mlobs.Ingest.Scrape;
using Mlobs.Model.Labels;
using Mlobs.Query.LogQl;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Rules.Evaluation;
using Mlobs.Storage.Logs;
using Mlobs.Storage.Tsdb;
using Mlobs.Tests.Support;
using Mlobs.WebUi.Dashboards;

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
    public FakeAlertmanager Alertmanager { get; } = new();
    public TsdbDatabase Tsdb { get; }
    public QueryEngine Engine { get; }
    public LogStoreSource Logs { get; }
    public DashboardFolder Dashboards { get; }
    public PushStoreSource Push { get; }
    public DriftRunnerSource Drift { get; }
    public HttpClient Http { get; }

    private ApiHost()
    {
        Tsdb = TsdbDatabase.Open(new TsdbOptions { Directory = _dir.Path });
        Engine = new QueryEngine(Tsdb);
        Status.DataDirectory = _dir.Path;
        Logs = new LogStoreSource(LogStore.Open(Path.Combine(_dir.Path, "logstore.sqlite")), Engine);
        Dashboards = new DashboardFolder(Path.Combine(_dir.Path, "dashboards"), Path.Combine(_dir.Path, "imported"));
        Push = new PushStoreSource(new PushGroupStore(PushDatabase.Open(Path.Combine(_dir.Path, "pushgateway.sqlite"))));
        Drift = new DriftRunnerSource(new Mlobs.Drift.Monitors.DriftMonitorRunner(Engine, Tsdb, new Mlobs.Drift.Pinning.PinnedBaselineStore(Path.Combine(_dir.Path, "drift"))));
        int port = FakeTarget.FreePort();
        var sources = new ApiSources(Lifecycle, Status, Targets, Rules, Metadata, Tsdb, Engine, Logs, Alertmanager, Dashboards, Push, Drift);
        _app = WebServer.Build(sources, new IPEndPoint(IPAddress.Loopback, port));
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
        Logs.Store.Dispose();
        Push.Store.Dispose();
        await Drift.Runner.DisposeAsync();
        Tsdb.Dispose();
        _dir.Dispose();
    }

    /// <summary>The real push store over a temp-dir database.</summary>
    public sealed class PushStoreSource(PushGroupStore store) : IPushSource
    {
        public PushGroupStore Store => store;
        public IReadOnlyCollection<PushGroup> PushGroups => store.Groups;
        public void ApplyPush(PushRequest request) => store.Apply(request);
        public void WipePushGroups() => store.Wipe(DateTimeOffset.UtcNow);
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

    /// <summary>A real log store and LogQL engine as Loki's API sees them.</summary>
    public sealed class LogStoreSource(LogStore store, QueryEngine promql) : ILogSource
    {
        public LogStore Store => store;
        public LogQlEngine LogQl { get; } = new(store, promql);
        public IReadOnlyList<LabelSet> StreamsWithData(LabelMatcher[] matchers, long startNs, long endNs) => store.StreamsWithData(matchers, startNs, endNs);
        public void Push(IReadOnlyList<LogEntry> entries) => store.Append(entries, dropDuplicates: true);

        public event Action<IReadOnlyList<LogEntry>>? Appended
        {
            add => store.Appended += value;
            remove => store.Appended -= value;
        }
    }

    public sealed class FakeAlertmanager : IAlertmanagerSource
    {
        public AlertRouter? Router { get; set; }
    }

    /// <summary>A real dashboard library over a folder and an import dir in the temp dir.</summary>
    public sealed class DashboardFolder(string folder, string importDir) : IDashboardSource
    {
        public string Folder => folder;
        public DashboardLibrary Dashboards { get; } = new(folder, importDir);
    }
}
