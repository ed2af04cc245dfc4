using System.Net.Http.Json;
using System.Text.Json;
using Mlobs.Tests.Support;

namespace Mlobs.EndToEnd.Tests;

/// <summary>
/// Log rotation through the published binary with real files, as loggers and logrotate do it, with restarts between
/// the steps: every line stored exactly once, under the name it was written to.
/// </summary>
public sealed class LogRotationTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private string Logs => Path.Combine(_dir.Path, "logs");
    private string Config => Path.Combine(_dir.Path, "mlobs.yml");
    private string Data => Path.Combine(_dir.Path, "data");

    public LogRotationTests()
    {
        Directory.CreateDirectory(Logs);
        File.WriteAllText(Config, "log_sources:\n  - name: app\n    paths: [\"logs/*.log\"]\n    labels: {service: app}\n    parser: raw\n");
    }

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    /// <summary>Every stored line of one file's stream, oldest first.</summary>
    private async Task<List<string>> Lines(MlobsProcess p, string file)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000 + 1;
        var query = Uri.EscapeDataString($"{{service=\"app\", filename=\"{Path.Combine(Logs, file)}\"}}");
        var body = await _http.GetFromJsonAsync<JsonElement>(p.BaseUrl + $"/loki/api/v1/query_range?query={query}&start={now - 3_600_000_000_000}&end={now}&limit=5000&direction=forward");
        return body.GetProperty("data").GetProperty("result").EnumerateArray()
            .SelectMany(s => s.GetProperty("values").EnumerateArray()).Select(v => (Ts: long.Parse(v[0].GetString()!), Line: v[1].GetString()!))
            .OrderBy(x => x.Ts).Select(x => x.Line).ToList();
    }

    private async Task Until(MlobsProcess p, string file, params string[] lines) =>
        await Wait.UntilAsync($"{file}: {string.Join(",", lines)}", async () => (await Lines(p, file)).SequenceEqual(lines), 30);

    [Fact]
    public async Task ANewFileWithTheSameFirstLineIsReadAfterRenameRotationAndARestart()
    {
        var file = Path.Combine(Logs, "hr.log");
        File.WriteAllText(file, "HEADER\nr1\nr2\n");
        using (var p = await MlobsProcess.ServeAsync(Config, Data))
        {
            await Until(p, "hr.log", "HEADER", "r1", "r2");
            File.AppendAllText(file, "r3\n");
            File.Move(file, file + ".1");
            File.WriteAllText(file, "HEADER\nn1\nn2\n");
            await Until(p, "hr.log", "HEADER", "r1", "r2", "r3", "HEADER", "n1", "n2");
            Assert.Equal(0, await p.StopAsync());
        }
        File.AppendAllText(file, "n3\nn4\n");
        using (var p = await MlobsProcess.ServeAsync(Config, Data))
        {
            for (int i = 5; i <= 8; i++) File.AppendAllText(file, $"n{i}\n");
            await Until(p, "hr.log", "HEADER", "r1", "r2", "r3", "HEADER", "n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8");
        }
    }

    [Fact]
    public async Task AFileRenamedAwayIsDrainedWhileItsWriterStillWritesToItBeforeTheNewOneAppears()
    {
        var file = Path.Combine(Logs, "ga.log");
        using var p = await MlobsProcess.ServeAsync(Config, Data);
        using (var writer = new StreamWriter(new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { AutoFlush = true })
        {
            for (int i = 1; i <= 5; i++) writer.Write($"old{i}\n");
            await Until(p, "ga.log", "old1", "old2", "old3", "old4", "old5");
            for (int i = 6; i <= 8; i++) writer.Write($"old{i}\n");
            File.Move(file, file + ".1");
            for (int i = 9; i <= 12; i++) writer.Write($"old{i}\n");
            await Task.Delay(2000);
        }
        File.WriteAllText(file, "new1\n");
        await Until(p, "ga.log", [.. Enumerable.Range(1, 12).Select(i => $"old{i}"), "new1"]);
    }

    [Fact]
    public async Task CopytruncateIsReadOnceWithoutFragments()
    {
        var file = Path.Combine(Logs, "ct.log");
        File.WriteAllText(file, string.Concat(Enumerable.Range(1, 10).Select(i => $"{i}\n")));
        using var p = await MlobsProcess.ServeAsync(Config, Data);
        await Until(p, "ct.log", [.. Enumerable.Range(1, 10).Select(i => i.ToString())]);
        File.Copy(file, file + ".1");
        using (var f = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) f.SetLength(0);
        for (int i = 11; i <= 20; i++) File.AppendAllText(file, $"{i}\n");
        await Until(p, "ct.log", [.. Enumerable.Range(1, 20).Select(i => i.ToString())]);
        await Task.Delay(1500); // a few more polls: nothing read twice
        Assert.Equal(Enumerable.Range(1, 20).Select(i => i.ToString()), await Lines(p, "ct.log"));
    }

    [Fact]
    public async Task AFileDeletedAndCreatedAgainWhileMlobsWasDownIsReadFromItsStart()
    {
        var file = Path.Combine(Logs, "d.log");
        File.WriteAllText(file, "HEADER\na\nb\nc\n");
        using (var p = await MlobsProcess.ServeAsync(Config, Data))
        {
            await Until(p, "d.log", "HEADER", "a", "b", "c");
            Assert.Equal(0, await p.StopAsync());
        }
        File.Delete(file);
        File.WriteAllText(file, "HEADER\nd\ne\nf\ng\n");
        using (var p = await MlobsProcess.ServeAsync(Config, Data))
            await Until(p, "d.log", "HEADER", "a", "b", "c", "HEADER", "d", "e", "f", "g");
    }
}
