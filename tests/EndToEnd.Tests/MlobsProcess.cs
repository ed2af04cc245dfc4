using System.Diagnostics;
using System.Runtime.InteropServices;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>Runs the published dist/mlobs binary as a user would: CLI verbs, or `serve` on a free loopback port.</summary>
public sealed partial class MlobsProcess : IDisposable
{
    public static string BinaryPath { get; } = Path.Combine(Paths.RepoRoot, "dist", "mlobs");

    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private MlobsProcess(Process p, int port)
    {
        _process = p;
        Port = port;
        p.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
    }

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public int Pid => _process.Id;
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static void EnsureBinary()
    {
        if (!File.Exists(BinaryPath))
            throw new InvalidOperationException($"{BinaryPath} is missing: run ./build.sh first (./build.sh test does)");
    }

    public static async Task<MlobsProcess> ServeAsync(string configPath, string dataDir, int? port = null)
    {
        EnsureBinary();
        int p = port ?? FakeTarget.FreePort();
        var psi = new ProcessStartInfo(BinaryPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "serve", "--config", configPath, "--data", dataDir, "--listen", $"127.0.0.1:{p}" }) psi.ArgumentList.Add(a);
        var proc = new MlobsProcess(Process.Start(psi)!, p);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (proc._process.HasExited) throw new InvalidOperationException("mlobs exited early:\n" + proc.Output);
            try
            {
                if ((await http.GetAsync(proc.BaseUrl + "/-/ready")).IsSuccessStatusCode) return proc;
            }
            catch (HttpRequestException) { }
            await Task.Delay(50);
        }
        proc.Dispose();
        throw new TimeoutException("mlobs did not become ready:\n" + proc.Output);
    }

    /// <summary>Runs a CLI verb to completion; returns exit code and combined output.</summary>
    public static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        EnsureBinary();
        var psi = new ProcessStartInfo(BinaryPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout + await stderr);
    }

    /// <summary>Starts a long-running CLI verb (e.g. <c>logs --follow</c>); its output collects in <see cref="Output"/>.</summary>
    public static MlobsProcess Start(params string[] args)
    {
        EnsureBinary();
        var psi = new ProcessStartInfo(BinaryPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return new MlobsProcess(Process.Start(psi)!, 0);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int sig);

    /// <summary>SIGTERM and wait for a clean exit; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        SysKill(_process.Id, 15);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no chance to flush anything.</summary>
    public void KillHard()
    {
        SysKill(_process.Id, 9);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited) { try { _process.Kill(); _process.WaitForExit(5000); } catch (InvalidOperationException) { } }
        _process.Dispose();
    }
}
