using Mlobs.Model.Labels;
using Mlobs.Query.LogQl;

namespace Mlobs.Query.Tests.LogQl;

public class LogQlParserTests
{
    [Fact]
    public void SelectorAndLineFiltersInOrder()
    {
        var q = LogQlParser.Parse("{service=\"api\", level=~\"error|warn\"} |= \"timeout\" != `healthz` |~ \"GET|POST\" !~ \"debug\\\\d\"");
        Assert.Equal(2, q.Selector.Length);
        Assert.Equal(LabelMatchType.Regex, q.Selector[1].Type);
        Assert.Equal([LineFilterOp.Contains, LineFilterOp.NotContains, LineFilterOp.Matches, LineFilterOp.NotMatches], q.Stages.OfType<LineFilter>().Select(f => f.Op));
        Assert.True(q.Keeps("GET /predict timeout"));
        Assert.False(q.Keeps("GET /healthz timeout"));
        Assert.False(q.Keeps("PUT /x timeout"));
        Assert.False(q.Keeps("GET timeout debug7"));
        Assert.Equal("timeout", q.RequiredText);
    }

    [Theory]
    [InlineData("service=\"api\"", "parse error at line 1, col 1: syntax error: unexpected s, expecting {")]
    [InlineData("{service=\"api\"", "parse error at line 1, col 15: syntax error: unexpected end of input, expecting }")]
    [InlineData("{service=\"api\"} |= timeout", "parse error at line 1, col 20: syntax error: unexpected t, expecting STRING")]
    [InlineData("{service=\"api\"} | json | latency_ms", "parse error at line 1, col 36: syntax error: unexpected end of input, expecting a label filter operator")]
    [InlineData("{service=\"api\"} | json | latency_ms > \"5\"", "parse error at line 1, col 39: syntax error: unexpected STRING, expecting NUMBER or DURATION or BYTES")]
    [InlineData("{service=\"api\"} | regexp \"(\\\\d+)\"", "parse error at line 1, col 26: at least one named capture must be supplied")]
    [InlineData("{service=\"api\"} ! \"x\"", "parse error at line 1, col 17: syntax error: unexpected !")]
    [InlineData("{service=~\".*\"}", "parse error at line 1, col 1: queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will")]
    [InlineData("{service=\"api\"} |~ \"(\"", "parse error at line 1, col 20: invalid regexp (: Invalid pattern '(' at offset 1. Not enough )'s.")]
    public void ErrorsSayWhereAsLokiDoes(string query, string message) =>
        Assert.Equal(message, Assert.Throws<LogQlParseException>(() => LogQlParser.Parse(query)).Message);

    private static (string Line, Dictionary<string, string> Labels)? Run(string query, string line)
    {
        var q = LogQlParser.Parse(query);
        var stream = LabelSet.From(("service", "api"));
        var result = q.Process(new Mlobs.Storage.Logs.LogEntry(stream, 1, line));
        if (result is not { } kept) return null;
        var labels = new Dictionary<string, string>();
        foreach (var l in kept.Stream.AsSpan()) labels[l.Name] = l.Value;
        return (kept.Line, labels);
    }

    [Fact]
    public void JsonAndLabelFiltersAndLineFormat()
    {
        const string q = "{service=\"api\"} | json | latency_ms > 500 | level=~\"err.*\" | line_format \"{{.msg}} ({{ .model_name }}, {{.latency_ms}} ms)\"";
        var kept = Run(q, "{\"level\": \"error\", \"msg\": \"timeout\", \"latency_ms\": 512, \"model\": {\"name\": \"fraud\"}, \"service\": \"x\"}");
        Assert.Equal("timeout (fraud, 512 ms)", kept!.Value.Line);
        Assert.Equal("error", kept.Value.Labels["level"]);
        Assert.Equal("x", kept.Value.Labels["service_extracted"]); // clashes with the stream's label
        Assert.Null(Run(q, "{\"level\": \"error\", \"latency_ms\": 12}"));
        Assert.Null(Run(q, "{\"level\": \"info\", \"latency_ms\": 900}"));
        // Not JSON: marked, and a filter on __error__ can keep or drop it.
        Assert.Equal("JSONParserErr", Run("{service=\"api\"} | json", "plain text")!.Value.Labels["__error__"]);
        Assert.Null(Run("{service=\"api\"} | json | __error__=\"\"", "plain text"));
    }

    [Fact]
    public void LogfmtRegexpPatternAndUnits()
    {
        Assert.Equal("fraud", Run("{service=\"api\"} | logfmt | duration > 250ms", "model=fraud duration=1.5s msg=\"slow call\"")!.Value.Labels["model"]);
        Assert.Null(Run("{service=\"api\"} | logfmt | duration > 2s", "model=fraud duration=1.5s"));
        Assert.Equal("42", Run("{service=\"api\"} | regexp \"took (?P<ms>\\\\d+)ms\" | ms >= 42", "call took 42ms")!.Value.Labels["ms"]);
        var p = Run("{service=\"api\"} | pattern \"<ip> - <_> \\\"<method> <path> <_>\\\" <status> <size>\" | status == 500",
            "10.0.0.1 - - \"POST /predict HTTP/1.1\" 500 1024");
        Assert.Equal("/predict", p!.Value.Labels["path"]);
        Assert.Equal("1024", p.Value.Labels["size"]);
        Assert.Null(Run("{service=\"api\"} | logfmt | size > 1KB", "size=1000B"));
        Assert.NotNull(Run("{service=\"api\"} | logfmt | size > 1KB", "size=2KB"));
    }
}
