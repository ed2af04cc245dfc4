using System.Diagnostics;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// Other programs the end-to-end tests run beside mlobs — Debian's promtool, amtool, prometheus-alertmanager — and
/// the polling the tests wait with. A started peer is killed when disposed.
/// </summary>
internal sealed class PeerProcess : IDisposable
{
    public const string AlertmanagerBinary = "/usr/bin/prometheus-alertmanager";
    public const string NodeExporterBinary = "/usr/bin/prometheus-node-exporter";
    public const string PushgatewayBinary = "/usr/bin/prometheus-pushgateway";

    /// <summary>Debian's python3 (its python3-* modules load there; the python3 on PATH may be another).</summary>
    public const string DebianPython = "/usr/bin/python3";

    private readonly Process _process;

    private PeerProcess(Process process) { _process = process; }

    /// <summary>Starts a long-running peer; its output is drained and dropped.</summary>
    public static PeerProcess Start(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return new PeerProcess(p);
    }

    /// <summary>
    /// Debian's Alertmanager on a free loopback port with <paramref name="configFile"/>, clustering off, its data in
    /// <paramref name="dir"/>; returns once it reports ready.
    /// </summary>
    public static async Task<(PeerProcess Process, int Port)> StartAlertmanagerAsync(string configFile, string dir)
    {
        int port = FakeTarget.FreePort();
        var am = Start(AlertmanagerBinary, "--config.file=" + configFile, "--storage.path=" + Path.Combine(dir, "am-data-" + port),
            $"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Wait.UntilAsync("Alertmanager ready", async () => (await http.GetAsync($"http://127.0.0.1:{port}/-/ready")).IsSuccessStatusCode, 60);
        return (am, port);
    }

    /// <summary>
    /// Debian's Pushgateway (1.5.1) on a free loopback port, persisting into <paramref name="dir"/> (Debian's default
    /// file is shared, /var/lib/prometheus/pushgateway.data); returns once it reports ready.
    /// </summary>
    public static async Task<(PeerProcess Process, string BaseUrl)> StartPushgatewayAsync(string dir)
    {
        Assert.True(File.Exists(PushgatewayBinary), $"{PushgatewayBinary} is missing: ./build.sh installs Debian's prometheus-pushgateway");
        int port = FakeTarget.FreePort();
        var gateway = Start(PushgatewayBinary, $"--web.listen-address=127.0.0.1:{port}", "--persistence.file=" + Path.Combine(dir, "pushgateway.data"));
        var baseUrl = $"http://127.0.0.1:{port}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Wait.UntilAsync("Pushgateway ready", async () => (await http.GetAsync(baseUrl + "/-/ready")).IsSuccessStatusCode, 30);
        return (gateway, baseUrl);
    }

    /// <summary>Runs a command to completion; its exit code and stdout followed by stderr.</summary>
    public static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }

    public void Dispose()
    {
        try { _process.Kill(entireProcessTree: true); _process.WaitForExit(5000); }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
