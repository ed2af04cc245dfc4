using Mlobs.Storage.Labels;
using Mlobs.Storage.Logs;
using Mlobs.Tests.Support;

namespace Mlobs.Storage.Tests.Logs;

public class LogStoreTests
{
    private static readonly LabelSet Api = LabelSet.From(("service", "api"), ("level", "error"));
    private static readonly LabelSet Worker = LabelSet.From(("service", "worker"), ("level", "info"));

    [Fact]
    public void LinesComeBackByStreamTimeAndFilterAndSurviveReopening()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "logstore.sqlite");
        using (var store = LogStore.Open(path))
        {
            store.Append([
                new LogEntry(Api, 1_000, "GET /predict timeout after 30s"),
                new LogEntry(Api, 2_000, "GET /predict ok"),
                new LogEntry(Worker, 1_500, "batch done"),
                new LogEntry(Api, 3_000, "POST /train timeout"),
            ]);
        }
        using var reopened = LogStore.Open(path);
        var newest = reopened.Select([LabelMatcher.Equal("service", "api")], 0, 10_000, 10, backward: true, _ => true);
        Assert.Equal([3_000L, 2_000, 1_000], newest.Select(e => e.TimestampNs));
        Assert.All(newest, e => Assert.Equal(Api, e.Stream));
        // A substring filter goes through the trigram index and is still checked exactly.
        var timeouts = reopened.Select([LabelMatcher.Equal("service", "api")], 0, 10_000, 10, backward: false, l => l.Contains("timeout"), mustContain: "timeout");
        Assert.Equal(["GET /predict timeout after 30s", "POST /train timeout"], timeouts.Select(e => e.Line));
        Assert.Single(reopened.Select([], 0, 10_000, 1, backward: true, _ => true));
        Assert.Empty(reopened.Select([LabelMatcher.Equal("service", "api")], 2_500, 2_900, 10, backward: true, _ => true));
        Assert.Equal(["level", "service"], reopened.LabelNames());
        Assert.Equal(["api", "worker"], reopened.LabelValues("service"));
        // New lines after reopening join the same stream.
        reopened.Append([new LogEntry(Api, 4_000, "again")]);
        Assert.Equal(4, reopened.Select([LabelMatcher.Equal("level", "error")], 0, 10_000, 10, backward: true, _ => true).Count);
    }
}
