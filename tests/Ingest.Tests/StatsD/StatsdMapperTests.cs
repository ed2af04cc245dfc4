using Mlobs.Config.Statsd;
using Mlobs.Config.Yaml;
using Mlobs.Ingest.StatsD;
using Mlobs.Tests.Support;

namespace Mlobs.Ingest.Tests.StatsD;

/// <summary>statsd_exporter's mapping file: glob before regex, first match wins, captures, metric-type filters, errors with places.</summary>
public sealed class StatsdMapperTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private StatsdMappingConfig Load(string yaml)
    {
        var path = Path.Combine(_dir.Path, "mapping.yml");
        File.WriteAllText(path, yaml);
        return StatsdMappingParser.Load(path);
    }

    private const string Mapping = """
        defaults:
          observer_type: histogram
          ttl: 10m
        mappings:
          - match: "test.dispatcher.*.*.*"
            name: "dispatcher_events_total"
            labels:
              processor: "$1"
              action: "$2"
              outcome: "$3"
              job: "test_dispatcher"
          - match: "*.signup.*.*"
            name: "signup_events_total"
            labels:
              provider: "$2"
              outcome: "$3"
              job: "${1}_server"
          - match: "test.*.*"
            match_metric_type: gauge
            name: "gauge_${1}_${2}"
          - match: "test.*.*"
            name: "first_${2}"
          - match: "test.*.*"
            name: "never"
          - match: "request_time.*"
            name: "request_time"
            observer_type: summary
            summary_options:
              quantiles:
                - quantile: 0.99
                  error: 0.001
          - match: "(.*)\\.(.*)--(.*)\\.status\\.(.*)\\.count"
            match_type: regex
            name: "request_total"
            labels:
              service: "$1"
              route: "$2_$3"
              code: "${4}"
          - match: "junk.*"
            action: drop
            name: "dropped"
        """;

    [Fact]
    public void MapsAsStatsdExporterDoes()
    {
        var mapper = new StatsdMapper(Load(Mapping));
        string Show(StatsdMappingResult r) => r.Name + "{" + string.Join(",", r.Labels.OrderBy(l => l.Name, StringComparer.Ordinal).Select(l => $"{l.Name}={l.Value}")) + "}";
        Assert.Equal("dispatcher_events_total{action=received,job=test_dispatcher,outcome=success,processor=FooProcessor}",
            Show(mapper.Map("test.dispatcher.FooProcessor.received.success", "counter")));
        Assert.Equal("signup_events_total{job=foo_product_server,outcome=failure,provider=twitter}",
            Show(mapper.Map("foo_product.signup.twitter.failure", "counter")));
        Assert.Equal("gauge_a_b{}", Show(mapper.Map("test.a.b", "gauge")));
        Assert.Equal("first_b{}", Show(mapper.Map("test.a.b", "counter"))); // the first matching mapping wins
        // "$2_$3": "$2_" names group "2_" (empty), as Go's Expand reads it; statsd_exporter's README says to write ${2}_$3.
        Assert.Equal("request_total{code=500,route=v1,service=svc}", Show(mapper.Map("svc.api--v1.status.500.count", "counter")));
        Assert.True(mapper.Map("junk.x", "counter").Mapping!.Drop);
        var unmapped = mapper.Map("some.unmapped-name.1x", "counter");
        Assert.Null(unmapped.Mapping);
        Assert.Equal("some_unmapped_name_1x", unmapped.Name);
        Assert.Equal(StatsdObserverType.Summary, mapper.Map("request_time.api", "observer").Mapping!.ObserverType);
        Assert.Equal(StatsdObserverType.Histogram, mapper.Map("test.dispatcher.a.b.c", "observer").Mapping!.ObserverType); // the default
        Assert.Equal(TimeSpan.FromMinutes(10), mapper.Map("test.a.b", "counter").Mapping!.Ttl);
        Assert.Equal([0.99], mapper.Map("request_time.api", "observer").Mapping!.Summary!.Quantiles.Select(q => q.Quantile));
    }

    [Fact]
    public void CapturesFollowGosExpand()
    {
        Assert.Equal("x_", StatsdMapper.Expand("x_$1_total", n => n == "1" ? "one" : "")); // "$1_total" names group "1_total", which is empty
        Assert.Equal("x_one_total", StatsdMapper.Expand("x_${1}_total", n => n == "1" ? "one" : ""));
        Assert.Equal("cost_$", StatsdMapper.Expand("cost_$$", _ => "?"));
        Assert.Equal("a$", StatsdMapper.Expand("a$", _ => "?"));
    }

    [Theory]
    [InlineData("mappings:\n  - match: a.b\n", 2, 5, "line 0: metric mapping didn't set a metric name")]
    [InlineData("mappings:\n  - match: a..b\n    name: x\n", 2, 12, "invalid match: a..b")]
    [InlineData("mappings:\n  - match: '('\n    match_type: regex\n    name: x\n", 2, 12, "invalid regex ( in mapping")]
    [InlineData("mappings:\n  - match: a\n    name: 1x\n", 3, 11, "metric name '1x' doesn't match regex")]
    [InlineData("mappings:\n  - match: a\n    name: x\n    labels: {\"bad-key\": v}\n", 4, 14, "invalid label key: bad-key")]
    [InlineData("mappings:\n  - match: a\n    name: x\n    observer_type: timer\n", 4, 20, "invalid observer type 'timer'")]
    [InlineData("mappings:\n  - match: a\n    name: x\n    observer_type: histogram\n    summary_options: {max_age: 1m}\n", 2, 5, "cannot use histogram observer and summary options at the same time")]
    [InlineData("mappings:\n  - match: a\n    name: x\n    bogus: 1\n", 4, 5, "field bogus not found in mapping")]
    [InlineData("defaults:\n  ttl: soon\n", 2, 8, "ttl: not a valid duration string")]
    public void MistakesAreReportedWithTheirPlace(string yaml, int line, int column, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => Load(yaml));
        Assert.Equal(((long)line, (long)column), (ex.Line, ex.Column));
        Assert.Contains(message, ex.Message);
        Assert.EndsWith("mapping.yml", ex.File);
    }
}
