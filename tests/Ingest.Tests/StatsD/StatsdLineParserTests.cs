using Mlobs.Ingest.StatsD;

namespace Mlobs.Ingest.Tests.StatsD;

/// <summary>StatsD lines as statsd_exporter's pkg/line reads them (its line_test.go cases, and the tag styles in its README).</summary>
public sealed class StatsdLineParserTests
{
    private static (List<StatsdEvent> Events, List<string> Errors) Parse(string line)
    {
        var events = new List<StatsdEvent>();
        var errors = new List<string>();
        StatsdLineParser.ParseLine(line, events.Add, errors.Add);
        return (events, errors);
    }

    private static string Tags(StatsdEvent e) => string.Join(",", e.Tags.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => $"{t.Name}={t.Value}"));

    [Theory]
    [InlineData("foo:2|c", "foo", StatsdType.Counter, 2.0, "")]
    [InlineData("foo:2|c|@0.1", "foo", StatsdType.Counter, 20.0, "")] // counters divided by the sample rate
    [InlineData("foo:3|g|@0.1", "foo", StatsdType.Gauge, 3.0, "")] // gauges ignore it
    [InlineData("foo:320|ms", "foo", StatsdType.Timer, 0.32, "")] // milliseconds to seconds
    [InlineData("foo:320|h", "foo", StatsdType.Histogram, 320.0, "")]
    [InlineData("foo:320|d", "foo", StatsdType.Distribution, 320.0, "")]
    [InlineData("foo:1|c|#tag1:bar,#tag2:baz", "foo", StatsdType.Counter, 1.0, "tag1=bar,tag2=baz")]
    [InlineData("foo:1|c|@0.5|#env:prod", "foo", StatsdType.Counter, 2.0, "env=prod")]
    [InlineData("foo,tag1=bar,tag2=baz:100|c", "foo", StatsdType.Counter, 100.0, "tag1=bar,tag2=baz")] // InfluxDB
    [InlineData("foo#tag1=bar,tag2=baz:100|c", "foo", StatsdType.Counter, 100.0, "tag1=bar,tag2=baz")] // Librato
    [InlineData("foo[tag1=bar,tag2=baz]test:100|c", "footest", StatsdType.Counter, 100.0, "tag1=bar,tag2=baz")] // SignalFX
    [InlineData("foo:1|c|#tag-a:x", "foo", StatsdType.Counter, 1.0, "tag_a=x")] // tag keys escaped
    [InlineData("foo:1|c|#a:b|c:83c0a99c0a54c0c187f461c7980e9b57f3f6a8b0c918c8d93df19a9de6f3fe1d", "foo", StatsdType.Counter, 1.0, "a=b,container_id=83c0a99c0a54c0c187f461c7980e9b57f3f6a8b0c918c8d93df19a9de6f3fe1d")]
    [InlineData("foo:1|c|T1656581400", "foo", StatsdType.Counter, 1.0, "")]
    public void ReadsOneSample(string line, string name, StatsdType type, double value, string tags)
    {
        var (events, errors) = Parse(line);
        Assert.Empty(errors);
        var e = Assert.Single(events);
        Assert.Equal((name, type, tags), (e.Name, e.Type, Tags(e)));
        Assert.Equal(value, e.Value, 9);
    }

    [Fact]
    public void GaugeDeltasSampledTimersSetsAndSeveralSamples()
    {
        Assert.True(Parse("foo:+5|g").Events.Single().Relative);
        Assert.Equal(-5, Parse("foo:-5|g").Events.Single().Value);
        Assert.False(Parse("foo:5|g").Events.Single().Relative);
        Assert.Equal(10, Parse("foo:200|ms|@0.1").Events.Single().Repeat); // a sampled timer stands for 1/rate observations
        var set = Parse("users:alice|s").Events.Single();
        Assert.Equal((StatsdType.Set, "alice"), (set.Type, set.SetMember));
        Assert.Equal([1.0, 2.0], Parse("foo:1|c:2|c").Events.Select(e => e.Value)); // several samples on one line
        Assert.Equal([0.1, 0.2, 0.3], Parse("foo:100:200:300|ms|#a:b").Events.Select(e => e.Value)); // DogStatsD extended aggregation
    }

    [Theory]
    [InlineData("foo", "malformed_line")]
    [InlineData(":1|c", "malformed_line")]
    [InlineData("foo:1", "not_enough_parts_after_colon")]
    [InlineData("foo:abc|c", "malformed_value")]
    [InlineData("foo:1|x", "illegal_event")]
    [InlineData("foo:1|c|", "malformed_component")]
    [InlineData("foo:1|c|@0.1|#a:b|c:x|T1|y|z", "malformed_component")]
    [InlineData("foo:1|c|@abc", "invalid_sample_factor")]
    [InlineData("foo:1|c|x", "invalid_sample_factor")]
    [InlineData("foo,a=b:1|c|#c:d", "mixed_tagging_styles")]
    [InlineData("foo:1:2|c", "invalid_extended_aggregate_type")]
    [InlineData("foo:1|c|#a", "tag_error")]
    public void ABadLineOrSampleIsCountedByItsReason(string line, string reason) =>
        Assert.Contains(reason, Parse(line).Errors);

    [Fact]
    public void APacketKeepsItsGoodLines()
    {
        var events = new List<StatsdEvent>();
        var errors = new List<string>();
        StatsdLineParser.ParsePacket("a:1|c\nbroken\nb:2|g\r\n\nc:3|ms\n"u8.ToArray().Concat(new byte[] { 0xff, (byte)':', (byte)'1', (byte)'|', (byte)'c' }).ToArray(),
            events.Add, errors.Add);
        Assert.Equal(["a", "b", "c"], events.Select(e => e.Name));
        Assert.Equal(["malformed_line", "malformed_line"], errors); // "broken", and the line that is not UTF-8
    }
}
