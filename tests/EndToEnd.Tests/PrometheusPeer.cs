using System.Diagnostics;
using System.Runtime.InteropServices;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// Debian's Prometheus (2.42; ./build.sh installs it) on a free loopback port, for tests that compare mlobs with it.
/// Killed when disposed.
/// </summary>
internal sealed partial class PrometheusPeer : IDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly Process _process;

    private PrometheusPeer(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public static async Task<PrometheusPeer> StartAsync(string config, string storage)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: ./build.sh installs Debian's prometheus package");
        int port = FakeTarget.FreePort();
        var psi = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { $"--config.file={config}", $"--storage.tsdb.path={storage}", $"--web.listen-address=127.0.0.1:{port}" })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        // Drain its logs so a full pipe never blocks it.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var peer = new PrometheusPeer(process, $"http://127.0.0.1:{port}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await http.GetAsync(peer.BaseUrl + "/-/ready")).IsSuccessStatusCode) return peer;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(100);
        }
        peer.Dispose();
        throw new TimeoutException("prometheus did not become ready");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int sig);

    /// <summary>SIGHUP: Prometheus re-reads its config file (the lifecycle API is off by default).</summary>
    public void Reload() => SysKill(_process.Id, 1);

    public void Dispose()
    {
        try { _process.Kill(entireProcessTree: true); _process.WaitForExit(5000); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
