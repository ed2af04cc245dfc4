using System.Net;
using System.Security.Authentication;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// Scraping https targets behind a private CA the test makes, through the published binary: each tls_config key
/// (ca_file, insecure_skip_verify, server_name, cert_file/key_file, min_version) does what it does in Prometheus.
/// </summary>
public sealed class TlsScrapeTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task EachTlsConfigKeyVerifiesOrPresentsAsPrometheusDoes()
    {
        using var certs = new TestCertificates();
        using var byIp = new TlsTarget(certs.Server(["localhost"], [IPAddress.Loopback]));
        using var byName = new TlsTarget(certs.Server(["scrape.test"], []));
        using var mutual = new TlsTarget(certs.Server([], [IPAddress.Loopback]), requireClientCertificate: true);
        using var tls12 = new TlsTarget(certs.Server([], [IPAddress.Loopback]), protocols: SslProtocols.Tls12);
        TestCertificates.WritePem(certs.Ca, Path.Combine(_dir.Path, "ca.pem"));
        TestCertificates.WritePem(certs.Client("mlobs-scraper"), Path.Combine(_dir.Path, "client.pem"), Path.Combine(_dir.Path, "client.key"));

        string Job(string name, int port, string tls) =>
            $"  - job_name: {name}\n    scheme: https\n    scrape_interval: 1s\n    scrape_timeout: 1s\n" +
            (tls.Length > 0 ? $"    tls_config: {{{tls}}}\n" : "") + $"    static_configs: [{{targets: ['127.0.0.1:{port}']}}]\n";
        var config = Path.Combine(_dir.Path, "mlobs.yml");
        File.WriteAllText(config, "global:\n  scrape_interval: 1s\nscrape_configs:\n" +
            Job("no_ca", byIp.Port, "") +
            Job("ca", byIp.Port, "ca_file: ca.pem") +
            Job("insecure", byIp.Port, "insecure_skip_verify: true") +
            Job("wrong_name", byName.Port, "ca_file: ca.pem") +
            Job("server_name", byName.Port, "ca_file: ca.pem, server_name: scrape.test") +
            Job("no_client_cert", mutual.Port, "ca_file: ca.pem") +
            Job("client_cert", mutual.Port, "ca_file: ca.pem, cert_file: client.pem, key_file: client.key") +
            Job("min_version", tls12.Port, "ca_file: ca.pem, min_version: TLS13"));

        var (exit, output) = await MlobsProcess.RunAsync("check", "config", config);
        Assert.True(exit == 0, output);
        Assert.DoesNotContain("WARNING", output); // tls_config is used now, not merely accepted

        using var p = await MlobsProcess.ServeAsync(config, Path.Combine(_dir.Path, "data"));
        var expected = new Dictionary<string, string>
        {
            ["no_ca"] = "down", ["ca"] = "up", ["insecure"] = "up", ["wrong_name"] = "down", ["server_name"] = "up",
            ["no_client_cert"] = "down", ["client_cert"] = "up", ["min_version"] = "down",
        };
        Dictionary<string, (string Health, string Error)> health = [];
        await Wait.UntilAsync("every job scraped", async () =>
        {
            using var doc = JsonDocument.Parse(await _http.GetStringAsync(p.BaseUrl + "/api/v1/targets"));
            health = doc.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().ToDictionary(
                t => t.GetProperty("scrapePool").GetString()!, t => (t.GetProperty("health").GetString()!, t.GetProperty("lastError").GetString()!));
            return expected.All(e => health.TryGetValue(e.Key, out var h) && h.Health == e.Value);
        }, 40);
        Assert.Equal("CN=mlobs-scraper", mutual.ClientSubject);
        Assert.Contains("certificate", health["no_ca"].Error, StringComparison.OrdinalIgnoreCase);

        // The data scraped over TLS is there.
        using var up = JsonDocument.Parse(await _http.GetStringAsync(p.BaseUrl + "/api/v1/query?query=up_from_tls"));
        Assert.Equal(4, up.RootElement.GetProperty("data").GetProperty("result").GetArrayLength());

        // A CA file that is not there is a config error with its place.
        File.WriteAllText(config, "scrape_configs:\n" + Job("gone", byIp.Port, "ca_file: missing.pem"));
        (exit, output) = await MlobsProcess.RunAsync("check", "config", config);
        Assert.Equal(1, exit);
        Assert.Contains($"{config}:6:", output);
        Assert.Contains($"error checking ca_file: stat {Path.Combine(_dir.Path, "missing.pem")}: no such file or directory", output);
    }
}
