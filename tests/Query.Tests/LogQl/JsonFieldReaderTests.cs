using Mlobs.Model.Labels;
using Mlobs.Model.Logs;
using Mlobs.Query.LogQl;

namespace Mlobs.Query.Tests.LogQl;

public class JsonFieldReaderTests
{
    /// <summary>What the full flattening gives for a name: the reader must agree on every line.</summary>
    private static (bool Object, string? Value) Full(string line, string name)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        bool ok = LogFields.TryJson(line, (k, v) => fields[k] = v);
        return (ok, ok && fields.TryGetValue(name, out var v) ? v : null);
    }

    [Theory]
    [InlineData("{\"latency_ms\": 812.5, \"msg\": \"x\"}", "latency_ms", "812.5")]
    [InlineData("{\"latency\": {\"ms\": 7}}", "latency_ms", "7")]
    [InlineData("{\"latency_ms\": 1, \"latency\": {\"ms\": 2}}", "latency_ms", "2")]
    [InlineData("{\"latency\": {\"ms\": 2}, \"latency_ms\": 1}", "latency_ms", "1")]
    [InlineData("{\"a-b\": \"dash\"}", "a_b", "dash")]
    [InlineData("{\"1st\": true}", "_1st", "true")]
    [InlineData("{\"x\": {\"1st\": false}}", "x_1st", "false")]
    [InlineData("{\"tags\": [1, {\"a\": 2}], \"n\": null}", "tags", "[1, {\"a\": 2}]")]
    [InlineData("{\"n\": null}", "n", null)]
    [InlineData("{\"msg\": \"caf\\u00e9 \\\"q\\\"\"}", "msg", "café \"q\"")]
    [InlineData("{\"caf\\u00e9\": 1}", "caf_", "1")]
    [InlineData("{\"é\": {\"x\": 1}}", "__x", "1")]
    [InlineData("{\"a\": {\"b\": {\"c\": \"deep\"}}}", "a_b_c", "deep")]
    [InlineData("{\"a\": {\"b\": 1}}", "a", null)]
    public void ReadsTheValueTheFlatteningSets(string line, string name, string? expected)
    {
        Assert.Equal(JsonField.Read, JsonFieldReader.Read(line, name, out var value));
        Assert.Equal(expected, value);
        Assert.Equal((true, expected), Full(line, name));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("{\"a\": 1} trailing")]
    [InlineData("{\"a\": ")]
    public void LinesThatAreNotJsonObjectsAreSaidSo(string line) =>
        Assert.Equal(JsonField.NotObject, JsonFieldReader.Read(line, "a", out _));

    [Fact]
    public void AnEmptyPropertyNameIsLeftToTheFullParse() =>
        Assert.Equal(JsonField.Unsure, JsonFieldReader.Read("{\"\": {\"a\": 1}}", "a", out _));

    [Fact]
    public void RandomDocumentsAgreeWithTheFullFlattening()
    {
        var rnd = new Random(11);
        string[] keys = ["a", "b", "a_b", "a-b", "1", "x.y", "b_c", "c"];
        string Value(int depth) => rnd.Next(7) switch
        {
            0 when depth < 3 => Obj(depth + 1),
            1 => "null",
            2 => "[1,\"s\"]",
            3 => "true",
            4 => rnd.Next(1000).ToString(),
            _ => "\"v" + rnd.Next(100) + "\"",
        };
        string Obj(int depth) => "{" + string.Join(",", Enumerable.Range(0, rnd.Next(4)).Select(_ => $"\"{keys[rnd.Next(keys.Length)]}\":{Value(depth)}")) + "}";
        string[] names = ["a", "b", "a_b", "a_b_c", "_1", "x_y", "b_c", "c", "a_a", "a_b_a_b", "a_1", "b_c_c"];
        for (int n = 0; n < 3000; n++)
        {
            var line = Obj(0);
            foreach (var name in names)
            {
                var kind = JsonFieldReader.Read(line, name, out var value);
                Assert.Equal(JsonField.Read, kind);
                Assert.True(Full(line, name) == (true, value), $"{line} {name}: reader {value}, full {Full(line, name).Value}");
            }
        }
    }

    [Fact]
    public void PipelinesKeepTheSameLinesAndLabelsWithTheLazyJsonStage()
    {
        var stream = LabelSet.From(("service", "api"), ("level", "info"));
        string[] lines =
        [
            "{\"latency_ms\": 900, \"level\": \"error\", \"msg\": \"slow\"}",
            "{\"latency_ms\": 100, \"msg\": \"fast\"}",
            "{\"latency\": {\"ms\": 950}}",
            "not json at all",
            "{\"latency_ms\": \"n/a\"}",
        ];
        var query = LogQlParser.Parse("{service=\"api\"} | json | latency_ms > 800");
        var kept = lines.Select(l => query.Process(new Mlobs.Storage.Logs.LogEntry(stream, 1, l))).Where(e => e is not null).ToList();
        Assert.Equal(2, kept.Count);
        Assert.Equal("error", kept[0]!.Value.Stream.Get("level_extracted"));
        Assert.Equal("info", kept[0]!.Value.Stream.Get("level"));
        Assert.Equal("950", kept[1]!.Value.Stream.Get("latency_ms"));
        // A filter on a name a stream label takes reads the stream label; __error__ sees the parse failure.
        var errors = LogQlParser.Parse("{service=\"api\"} | json | __error__ = \"JSONParserErr\"");
        Assert.Equal(["not json at all"], lines.Select(l => errors.Process(new Mlobs.Storage.Logs.LogEntry(stream, 1, l))).OfType<Mlobs.Storage.Logs.LogEntry>().Select(e => e.Line));
        var byLevel = LogQlParser.Parse("{service=\"api\"} | json | level = \"info\"");
        Assert.Equal(5, lines.Count(l => byLevel.Process(new Mlobs.Storage.Logs.LogEntry(stream, 1, l)) is not null));
    }
}
