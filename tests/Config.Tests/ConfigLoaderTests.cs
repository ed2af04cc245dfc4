using Mlobs.Config;
using Mlobs.Config.Yaml;
using Mlobs.Model;

namespace Mlobs.Config.Tests;

public class ConfigLoaderTests
{
    [Fact]
    public void FullPrometheusConfigLoadsWithDefaults()
    {
        var cfg = ConfigLoader.Parse("""
            global:
              scrape_interval: 30s
              external_labels:
                region: eu
            rule_files: ["rules/*.yml"]
            scrape_configs:
              - job_name: api
                metrics_path: /m
                params: { format: [prometheus] }
                honor_labels: true
                sample_limit: 100
                basic_auth: { username: u, password: p }
                static_configs:
                  - targets: ["a:1", "b:2"]
                    labels: { env: prod }
                file_sd_configs:
                  - files: ["targets/*.json"]
                    refresh_interval: 1m
                relabel_configs:
                  - source_labels: [__address__]
                    regex: "(.*):.*"
                    target_label: host
                metric_relabel_configs:
                  - action: labeldrop
                    regex: tmp_.*
              - job_name: fast
                scrape_interval: 1s
            alerting:
              alertmanagers:
                - static_configs: [{ targets: ["127.0.0.1:9093"] }]
            remote_write:
              - url: http://example.invalid/api/v1/write
            mlobs:
              retention_time: 7d
              retention_size: 512MB
              log_retention_time: 3d
              log_retention_size: 2GB
            """, "p.yml");
        Assert.Equal(TimeSpan.FromSeconds(30), cfg.Global.ScrapeInterval);
        Assert.Equal("eu", cfg.Global.ExternalLabels["region"]);
        var api = cfg.ScrapeConfigs[0];
        Assert.Equal(TimeSpan.FromSeconds(30), api.ScrapeInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), api.ScrapeTimeout);
        Assert.Equal("/m", api.MetricsPath);
        Assert.True(api.HonorLabels);
        Assert.Equal(2, api.StaticConfigs[0].Targets.Count);
        Assert.Equal(TimeSpan.FromMinutes(1), api.FileSdConfigs[0].RefreshInterval);
        Assert.Equal(RelabelAction.LabelDrop, api.MetricRelabelConfigs[0].Action);
        // an unset timeout never exceeds the job's interval
        Assert.Equal(TimeSpan.FromSeconds(1), cfg.ScrapeConfigs[1].ScrapeTimeout);
        Assert.Equal(["remote_write"], cfg.IgnoredSections);
        Assert.Equal(TimeSpan.FromDays(7), cfg.Mlobs.RetentionTime);
        Assert.Equal(512L * 1024 * 1024, cfg.Mlobs.RetentionBytes);
        Assert.Equal(TimeSpan.FromDays(3), cfg.Mlobs.LogRetentionTime);
        Assert.Equal(2L * 1024 * 1024 * 1024, cfg.Mlobs.LogRetentionBytes);
        Assert.Single(cfg.Alerting.Alertmanagers);
    }

    [Theory]
    [InlineData("global:\n  scrape_intervall: 1m\n", 2, 3, "field scrape_intervall not found in global config")]
    [InlineData("scrape_configs:\n  - job_name: a\n    honor_labels: maybe\n", 3, 19, "cannot unmarshal \"maybe\" into bool")]
    [InlineData("scrape_configs:\n  - job_name: a\n    scrape_interval: 5x\n", 3, 22, "not a valid duration string")]
    [InlineData("scrape_configs:\n  - job_name: a\n  - job_name: a\n", 3, 5, "found multiple scrape configs with job name \"a\"")]
    [InlineData("scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 10s\n", 2, 5, "scrape timeout greater than scrape interval")]
    [InlineData("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: explode\n", 4, 17, "unknown relabel action")]
    [InlineData("scrape_configs: [\n", 2, 1, "yaml:")]
    [InlineData("mlobs:\n  log_retention_size: lots\n", 2, 23, "log_retention_size: invalid size \"lots\"")]
    [InlineData("scrape_configs:\n  - job_name: a\n    body_size_limit: 10XB\n", 3, 22, "body_size_limit: units: unknown unit XB in 10XB")]
    [InlineData("global:\n  body_size_limit: 10 MB\n", 2, 20, "body_size_limit: units: unknown unit  MB in 10 MB")]
    [InlineData("scrape_configs:\n  - job_name: a\n    label_limit: -1\n", 3, 18, "label_limit must be at least 0")]
    [InlineData("scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: [\"http://x:1/\"]\n", 4, 19, "is not a valid hostname")]
    [InlineData("push:\n  interval: 0s\n", 2, 13, "interval must be greater than 0")]
    [InlineData("push:\n  listen: 9091\n", 2, 11, "listen: \"9091\" is not HOST:PORT")]
    [InlineData("push:\n  group_ttl: forever\n", 2, 14, "")]
    [InlineData("push:\n  ttl: 1h\n", 2, 3, "field ttl not found in push config")]
    [InlineData("statsd:\n  listen_udp: 9125\n", 2, 15, "listen_udp: \"9125\" is not HOST:PORT")]
    [InlineData("statsd:\n  listen_udp: 127.0.0.1:9125\n  mapping_config: missing.yml\n", 3, 19, "statsd mapping config file \"missing.yml\" not found")]
    [InlineData("statsd:\n  flush_interval: 1s\n", 2, 3, "field flush_interval not found in statsd config")]
    [InlineData("freshness_probes:\n  - source: a\n", 2, 5, "freshness probe \"a\" needs exactly one of files, http and sqlite")]
    [InlineData("freshness_probes:\n  - files: [x]\n", 2, 5, "freshness probe needs a source")]
    [InlineData("freshness_probes:\n  - source: a\n    http: {url: ftp://x}\n", 3, 17, "url: \"ftp://x\" is not an http(s) URL")]
    [InlineData("freshness_probes:\n  - source: a\n    sqlite: {path: x.db}\n", 3, 13, "sqlite probe needs a path and a query")]
    [InlineData("freshness_probes:\n  - {source: a, files: [x]}\n  - {source: a, files: [y]}\n", 3, 5, "found multiple freshness probes with source \"a\"")]
    [InlineData("drift_monitors:\n  - name: a\n    histogram: x\n    counter: y\n", 2, 5, "drift monitor \"a\" needs exactly one of histogram, counter and observations")]
    [InlineData("drift_monitors:\n  - name: a\n    counter: y\n", 2, 5, "a counter needs category_label")]
    [InlineData("drift_monitors:\n  - name: a\n    observations: {}\n    baseline: {window: 1h}\n", 2, 5, "observations are compared with their uploaded reference")]
    [InlineData("drift_monitors:\n  - name: a\n    histogram: x\n    baseline: {window: 1h, pinned: true}\n", 4, 15, "baseline takes one of window/offset, from/to and pinned")]
    [InlineData("drift_monitors:\n  - name: a\n    histogram: x\n    baseline: {from: 2026-01-02T00:00:00Z, to: 2026-01-01T00:00:00Z}\n", 4, 15, "baseline from must be before to")]
    [InlineData("drift_monitors:\n  - name: a b\n    histogram: x\n", 2, 11, "drift monitor name \"a b\" must be")]
    [InlineData("drift_monitors:\n  - name: a\n    histogram: x\n    drift_share: 2\n", 4, 18, "drift_share must be in (0, 1]")]
    [InlineData("drift_monitors:\n  - {name: a, histogram: x}\n  - {name: a, histogram: y}\n", 3, 5, "found multiple drift monitors named \"a\"")]
    public void ErrorsNameLineAndColumn(string yaml, int line, int col, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "bad.yml"));
        Assert.Equal(line, ex.Line);
        Assert.Equal(col, ex.Column);
        Assert.Contains(message, ex.Message);
        Assert.StartsWith($"bad.yml:{line}:{col}: ", ex.Message);
    }

    [Fact]
    public void EnvironmentVariablesAreExpanded()
    {
        Environment.SetEnvironmentVariable("MLOBS_TEST_TARGET", "10.1.2.3:9100");
        var cfg = ConfigLoader.Parse("scrape_configs:\n  - job_name: n\n    static_configs: [{ targets: ['${MLOBS_TEST_TARGET}'] }]\n", "e.yml");
        Assert.Equal("10.1.2.3:9100", cfg.ScrapeConfigs[0].StaticConfigs[0].Targets[0]);
    }

    [Fact]
    public void KeysPrometheusAcceptsButMlobsDoesNotUseAreWarnedWithTheirPlace()
    {
        var cfg = ConfigLoader.Parse("""
            global:
              scrape_interval: 15s
              keep_dropped_targets: 100
            scrape_configs:
              - job_name: app
                enable_http2: false
                track_timestamps_staleness: true
                static_configs: [{targets: ['a:1']}]
            alerting:
              alertmanagers:
                - static_configs: [{targets: ['am:9093']}]
                  enable_http2: false
            remote_write:
              - url: http://mimir/api/v1/push
            """, "w.yml");
        Assert.Equal(
        [
            "w.yml:3:3: global.keep_dropped_targets: accepted but not used by mlobs",
            "w.yml:6:5: enable_http2: accepted but not used by mlobs",
            "w.yml:7:5: track_timestamps_staleness: accepted but not used by mlobs",
            "w.yml:12:7: alertmanagers.enable_http2: accepted but not used by mlobs",
            "w.yml:13:1: remote_write: accepted but not used by mlobs",
        ], cfg.Warnings.Select(w => w.ToString()));
        Assert.Empty(ConfigLoader.Parse("global:\n  scrape_interval: 15s\n", "ok.yml").Warnings);
    }

    [Fact]
    public void ScrapeLimitsAreReadAndTheGlobalOnesAreDefaults()
    {
        var cfg = ConfigLoader.Parse("""
            global:
              sample_limit: 1000
              label_limit: 30
              body_size_limit: 10MB
            scrape_configs:
              - job_name: inherits
              - job_name: own
                sample_limit: 50
                label_name_length_limit: 64
                label_value_length_limit: 256
                target_limit: 3
                body_size_limit: 1.5KiB
            """, "l.yml");
        Assert.Empty(cfg.Warnings);
        Assert.Equal(new ScrapeLimits { SampleLimit = 1000, LabelLimit = 30, BodySizeLimit = 10 << 20 }, cfg.ScrapeConfigs[0].Limits);
        Assert.Equal(new ScrapeLimits
        {
            SampleLimit = 50, LabelLimit = 30, LabelNameLengthLimit = 64, LabelValueLengthLimit = 256, TargetLimit = 3, BodySizeLimit = 1536,
        }, cfg.ScrapeConfigs[1].Limits);
    }

    [Fact]
    public void PushSettingsAreReadWithPerJobTtls()
    {
        var cfg = ConfigLoader.Parse("""
            push:
              listen: 127.0.0.1:9091
              interval: 30s
              group_ttl: 24h
              job_group_ttl:
                nightly_training: 48h
                forever: 0s
            """, "push.yml");
        Assert.Equal("127.0.0.1:9091", cfg.Push.Listen);
        Assert.Equal(TimeSpan.FromSeconds(30), cfg.Push.Interval);
        Assert.Equal(TimeSpan.FromHours(24), cfg.Push.TtlFor("batch"));
        Assert.Equal(TimeSpan.FromHours(48), cfg.Push.TtlFor("nightly_training"));
        Assert.Null(cfg.Push.TtlFor("forever"));
        Assert.Null(ConfigLoader.Parse("global:\n  scrape_interval: 15s\n", "d.yml").Push.TtlFor("any"));
        Assert.Empty(cfg.Warnings);
    }
}
