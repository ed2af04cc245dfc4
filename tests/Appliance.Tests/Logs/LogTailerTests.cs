using Mlobs.Appliance.Logs;
using Mlobs.Storage.Labels;
using Mlobs.Storage.Logs;
using Mlobs.Tests.Support;

namespace Mlobs.Appliance.Tests.Logs;

/// <summary>The tailer over real files in a temp dir and a real log store: growth, rotation, truncation, restarts, parsing.</summary>
public sealed class LogTailerTests : IDisposable
{
    private readonly TempDir _dir = new();
    private string LogDir => Path.Combine(_dir.Path, "logs");
    private string StorePath => Path.Combine(_dir.Path, "logstore.sqlite");

    public LogTailerTests() => Directory.CreateDirectory(LogDir);

    public void Dispose() => _dir.Dispose();

    private static LogSourceConfig Json(string glob) => new()
    {
        Name = "model-server", Paths = [glob], Labels = new Dictionary<string, string> { ["service"] = "model-server" },
        Parser = LogParserKind.Json, LabelFields = ["level"], Timestamp = new LogTimestampConfig("timestamp", "rfc3339"),
    };

    private static List<LogEntry> All(LogStore store) =>
        store.Select([LabelMatcher.Equal("service", "model-server")], 0, long.MaxValue, 10_000, backward: false, _ => true);

    private static async Task<(LogTailer, LogStore)> Start(string storePath, LogSourceConfig source, string baseDir)
    {
        var store = LogStore.Open(storePath);
        var tailer = new LogTailer(store);
        tailer.Configure([source], baseDir);
        await Task.CompletedTask;
        return (tailer, store);
    }

    [Fact]
    public async Task CompleteLinesOnlyParsedIntoLabelsAndTimes()
    {
        var file = Path.Combine(LogDir, "a.log");
        File.WriteAllText(file, """
            {"timestamp": "2026-12-01T10:00:00Z", "level": "ERROR", "msg": "timeout", "model": {"name": "fraud"}, "latency_ms": 512}
            {"timestamp": "2026-12-01T10:00:01Z", "level": "Info", "msg": "ok"}
            not json at all
            {"timestamp": "2026-12-01T10:00:02Z", "level": "warning", "msg": "partial
            """.Replace("\r", "").TrimEnd('\n'));
        var (tailer, store) = await Start(StorePath, Json("logs/*.log"), _dir.Path);
        await using (tailer)
        using (store)
        {
            tailer.PollOnce();
            var lines = All(store);
            // The last line has no newline yet: not taken.
            Assert.Equal(3, lines.Count);
            Assert.Equal("error", lines[0].Stream.Get("level"));
            Assert.Equal(file, lines[0].Stream.Get("filename"));
            Assert.Equal(DateTimeOffset.Parse("2026-12-01T10:00:00Z").ToUnixTimeMilliseconds() * 1_000_000, lines[0].TimestampNs);
            Assert.Equal("info", lines[1].Stream.Get("level"));
            // An invalid line is kept as written, counted, with the source's labels only.
            Assert.Equal("not json at all", lines[2].Line);
            Assert.Null(lines[2].Stream.Get("level"));
            Assert.Equal(1, tailer.ParseErrors);
            File.AppendAllText(file, " done\"}\n");
            tailer.PollOnce();
            var last = All(store).Single(e => e.Line.Contains("partial"));
            Assert.EndsWith("\"msg\": \"partial done\"}", last.Line);
            Assert.Equal("warn", last.Stream.Get("level"));
        }
    }

    [Fact]
    public async Task RotationByRenameDrainsTheOldFileThenReadsTheNewOne()
    {
        var file = Path.Combine(LogDir, "app.log");
        File.WriteAllText(file, "{\"msg\": \"one\"}\n");
        var (tailer, store) = await Start(StorePath, Json("logs/app.log"), _dir.Path);
        await using (tailer)
        using (store)
        {
            tailer.PollOnce();
            // Written after the last poll, then rotated away before the next one.
            File.AppendAllText(file, "{\"msg\": \"two\"}\n");
            File.Move(file, file + ".1");
            File.WriteAllText(file, "{\"msg\": \"three\"}\n");
            tailer.PollOnce();
            tailer.PollOnce();
            Assert.Equal(["one", "two", "three"], All(store).Select(e => e.Line[9..^2]));
        }
    }

    [Fact]
    public async Task CopytruncateAndTruncationReadFromTheStart()
    {
        var file = Path.Combine(LogDir, "app.log");
        File.WriteAllText(file, "{\"msg\": \"first\"}\n{\"msg\": \"second\"}\n");
        var (tailer, store) = await Start(StorePath, Json("logs/app.log"), _dir.Path);
        await using (tailer)
        using (store)
        {
            tailer.PollOnce();
            // copytruncate: the content is copied elsewhere and the file cut to zero, then written again.
            using (var f = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) f.SetLength(0);
            File.AppendAllText(file, "{\"msg\": \"after\"}\n");
            tailer.PollOnce();
            Assert.Equal(["first", "second", "after"], All(store).Select(e => e.Line[9..^2]));
        }
    }

    [Fact]
    public async Task ARestartMidFileNeitherLosesNorRepeatsLines()
    {
        var file = Path.Combine(LogDir, "app.log");
        File.WriteAllText(file, "{\"msg\": \"a\"}\n{\"msg\": \"b\"}\n");
        var (tailer, store) = await Start(StorePath, Json("logs/app.log"), _dir.Path);
        tailer.PollOnce();
        await tailer.DisposeAsync();
        store.Dispose();
        File.AppendAllText(file, "{\"msg\": \"c\"}\n");
        var (again, reopened) = await Start(StorePath, Json("logs/app.log"), _dir.Path);
        await using (again)
        using (reopened)
        {
            again.PollOnce(reopened.Positions());
            Assert.Equal(["a", "b", "c"], All(reopened).Select(e => e.Line[9..^2]));
        }
    }

    [Fact]
    public async Task NewFilesAreFoundAndLongLinesCut()
    {
        var source = Json("logs/*.log") with { MaxLineBytes = 32 };
        var (tailer, store) = await Start(StorePath, source, _dir.Path);
        await using (tailer)
        using (store)
        {
            tailer.PollOnce();
            Assert.Empty(All(store));
            File.WriteAllText(Path.Combine(LogDir, "late.log"), "{\"msg\": \"" + new string('x', 100) + "\"}\nshort\n");
            tailer.PollOnce();
            var lines = All(store);
            Assert.Equal(32, lines[0].Line.Length);
            Assert.Equal("short", lines[1].Line);
            Assert.Equal(1, tailer.TruncatedLines);
        }
    }

    [Fact]
    public async Task ABigBacklogIsReadInBoundedPolls()
    {
        var file = Path.Combine(LogDir, "big.log");
        var line = "{\"msg\": \"" + new string('y', 1000) + "\"}";
        File.WriteAllLines(file, Enumerable.Repeat(line, 6000)); // ~6 MB: more than one poll's 4 MiB
        var (tailer, store) = await Start(StorePath, Json("logs/big.log"), _dir.Path);
        await using (tailer)
        using (store)
        {
            Assert.True(tailer.PollOnce());
            int first = All(store).Count;
            Assert.InRange(first, 1, 5999);
            Assert.False(tailer.PollOnce());
            Assert.Equal(6000, All(store).Count);
        }
    }

    [Fact]
    public void LogfmtAndRegexParsersAndLevelNames()
    {
        var logfmt = new LogLineParser(new LogSourceConfig { Name = "x", Parser = LogParserKind.Logfmt });
        var f = logfmt.Fields("level=ERR msg=\"model timed out\" latency_ms=512 model.name=fraud flag")!;
        Assert.Equal("ERR", f["level"]);
        Assert.Equal("model timed out", f["msg"]);
        Assert.Equal("fraud", f["model_name"]);
        Assert.Equal("", f["flag"]);
        Assert.Null(logfmt.Fields("msg=\"unterminated"));
        var regex = new LogLineParser(new LogSourceConfig { Name = "x", Parser = LogParserKind.Regex, Pattern = @"^(?<ts>\S+) (?<level>\w+) (?<msg>.*)$" });
        Assert.Equal("WARNING", regex.Fields("2026-12-01T10:00:00Z WARNING disk 91% full")!["level"]);
        Assert.Null(regex.Fields("nope"));
        Assert.Equal(["error", "error", "warn", "info", "critical"], new[] { "ERROR", "err", "Warning", "INFO", "fatal" }.Select(LogLineParser.NormalizeLevel));
        Assert.Equal(1_700_000_000_500_000_000, LogLineParser.Timestamp(new() { ["t"] = "1700000000.5" }, new LogTimestampConfig("t", "unix")));
        Assert.Equal(1_700_000_000_123_000_000, LogLineParser.Timestamp(new() { ["t"] = "1700000000123" }, new LogTimestampConfig("t", "unix_ms")));
        // RFC 3339 keeps every nanosecond digit (.NET's own parse stops at 100 ns), with or without an offset.
        var rfc = new LogTimestampConfig("t", "rfc3339");
        Assert.Equal(1_700_000_000_123_456_789, LogLineParser.Timestamp(new() { ["t"] = "2023-11-14T22:13:20.123456789Z" }, rfc));
        Assert.Equal(1_700_000_000_123_456_789, LogLineParser.Timestamp(new() { ["t"] = "2023-11-15T00:13:20.123456789+02:00" }, rfc));
        Assert.Equal(1_700_000_000_500_000_000, LogLineParser.Timestamp(new() { ["t"] = "2023-11-14T22:13:20.5Z" }, rfc));
        Assert.Equal(1_700_000_000_500_000_000, LogLineParser.Timestamp(new() { ["t"] = "2023-11-15T00:13:20.5+02:00" }, rfc));
        Assert.Equal(1_700_000_000_000_000_000, LogLineParser.Timestamp(new() { ["t"] = "2023-11-14T22:13:20Z" }, rfc));
        Assert.Null(LogLineParser.Timestamp(new() { ["t"] = "yesterday" }, rfc));
    }
}
