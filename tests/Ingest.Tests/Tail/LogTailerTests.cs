using Mlobs.Config;
using Mlobs.Ingest.Tail;
using Mlobs.Model.Labels;
using Mlobs.Storage.Logs;
using Mlobs.Tests.Support;

namespace Mlobs.Ingest.Tests.Tail;

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
        store.ReadLines([LabelMatcher.Equal("service", "model-server")], 0, long.MaxValue, 10_000, backward: false, _ => true);

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
            again.PollOnce();
            Assert.Equal(["a", "b", "c"], All(reopened).Select(e => e.Line[9..^2]));
        }
    }

    private List<(string File, string Line)> Lines(LogStore store) =>
        store.ReadLines([], 0, long.MaxValue, 10_000, backward: false, _ => true).Select(e => (Path.GetFileName(e.Stream.Get("filename")!), e.Line)).ToList();

    private static LogSourceConfig Raw(string glob) => new() { Name = "raw", Paths = [glob], Parser = LogParserKind.Raw };

    [Fact]
    public async Task ARenameRotationWhoseNewFileStartsWithTheSameLineIsRead()
    {
        // Many loggers begin every file with the same line (a banner, a CSV header): the path now names another file.
        var file = Path.Combine(LogDir, "hr.log");
        File.WriteAllText(file, "HEADER\nr1\nr2\n");
        var (tailer, store) = await Start(StorePath, Raw("logs/*.log"), _dir.Path);
        await using (tailer)
        using (store)
        {
            tailer.PollOnce();
            File.AppendAllText(file, "r3\n");
            File.Move(file, file + ".1");
            File.WriteAllText(file, "HEADER\nn1\nn2\n");
            tailer.PollOnce();
            File.AppendAllText(file, "n3\nn4\n");
            tailer.PollOnce();
            Assert.Equal(["HEADER", "r1", "r2", "r3", "HEADER", "n1", "n2", "n3", "n4"], Lines(store).Select(l => l.Line));
            Assert.All(Lines(store), l => Assert.Equal("hr.log", l.File));
        }
    }

    [Fact]
    public async Task ARotatedFileIsDrainedWhileItsWriterStillWritesToItThenTheNewOneIsRead()
    {
        var file = Path.Combine(LogDir, "app.log");
        var (tailer, store) = await Start(StorePath, Raw("logs/*.log"), _dir.Path);
        var drainTailer = new LogTailer(store) { DrainIdle = TimeSpan.FromMilliseconds(300) };
        drainTailer.Configure([Raw("logs/*.log")], _dir.Path);
        await tailer.DisposeAsync();
        await using (drainTailer)
        using (store)
        {
            using (var writer = new StreamWriter(new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { AutoFlush = true })
            {
                for (int i = 1; i <= 5; i++) writer.Write($"old{i}\n");
                drainTailer.PollOnce();
                for (int i = 6; i <= 8; i++) writer.Write($"old{i}\n");
                File.Move(file, file + ".1"); // renamed away: no file at the path for a while
                drainTailer.PollOnce();
                for (int i = 9; i <= 12; i++) writer.Write($"old{i}\n");
                drainTailer.PollOnce();
                writer.Write("old13 without newline");
            }
            drainTailer.PollOnce();
            File.WriteAllText(file, "new1\n");
            await Task.Delay(400);
            drainTailer.PollOnce();
            drainTailer.PollOnce();
            Assert.Equal(Enumerable.Range(1, 12).Select(i => $"old{i}").Append("old13 without newline").Append("new1"), Lines(store).Select(l => l.Line));
            Assert.All(Lines(store), l => Assert.Equal("app.log", l.File));
        }
    }

    [Fact]
    public async Task CopytruncateIsReadOnceWithoutFragments()
    {
        var file = Path.Combine(LogDir, "ct.log");
        File.WriteAllText(file, string.Concat(Enumerable.Range(1, 10).Select(i => $"{i}\n")));
        var (tailer, store) = await Start(StorePath, Raw("logs/*.log"), _dir.Path);
        await using (tailer)
        using (store)
        {
            tailer.PollOnce();
            File.Copy(file, file + ".1");
            using (var f = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) f.SetLength(0);
            // ten quick appends: the file is longer than what was read before the tailer looks again
            for (int i = 11; i <= 20; i++) File.AppendAllText(file, $"{i}\n");
            tailer.PollOnce();
            tailer.PollOnce();
            Assert.Equal(Enumerable.Range(1, 20).Select(i => i.ToString()), Lines(store).Select(l => l.Line));
        }
    }

    [Fact]
    public async Task AFileDeletedAndCreatedAgainWithTheSameFirstLineIsReadFromItsStartAfterARestart()
    {
        var file = Path.Combine(LogDir, "d.log");
        File.WriteAllText(file, "HEADER\na\nb\nc\n");
        var (tailer, store) = await Start(StorePath, Raw("logs/*.log"), _dir.Path);
        tailer.PollOnce();
        await tailer.DisposeAsync();
        store.Dispose();
        File.Delete(file);
        File.WriteAllText(file, "HEADER\nd\ne\nf\ng\n"); // longer than the old file: a stale offset would fall inside it
        var (again, reopened) = await Start(StorePath, Raw("logs/*.log"), _dir.Path);
        await using (again)
        using (reopened)
        {
            again.PollOnce();
            Assert.Equal(["HEADER", "a", "b", "c", "HEADER", "d", "e", "f", "g"], Lines(reopened).Select(l => l.Line));
            // and one created while running (after the positions were read at start) too
            File.Delete(file);
            File.WriteAllText(file, "HEADER\nh\ni\nj\nk\nl\n");
            again.PollOnce();
            again.PollOnce();
            Assert.Equal(["HEADER", "h", "i", "j", "k", "l"], Lines(reopened).Select(l => l.Line).Skip(9));
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
