using Mlobs.Query.LogQl;
using Mlobs.Storage.Labels;

namespace Mlobs.Query.Tests.LogQl;

public class LogQlParserTests
{
    [Fact]
    public void SelectorAndLineFiltersInOrder()
    {
        var q = LogQlParser.Parse("{service=\"api\", level=~\"error|warn\"} |= \"timeout\" != `healthz` |~ \"GET|POST\" !~ \"debug\\\\d\"");
        Assert.Equal(2, q.Selector.Length);
        Assert.Equal(LabelMatchType.Regex, q.Selector[1].Type);
        Assert.Equal([LineFilterOp.Contains, LineFilterOp.NotContains, LineFilterOp.Matches, LineFilterOp.NotMatches], q.Filters.Select(f => f.Op));
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
    [InlineData("{service=\"api\"} | json", "parse error at line 1, col 17: syntax error: unexpected |")]
    [InlineData("{service=~\".*\"}", "parse error at line 1, col 1: queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will")]
    [InlineData("{service=\"api\"} |~ \"(\"", "parse error at line 1, col 20: invalid regexp (: Invalid pattern '(' at offset 1. Not enough )'s.")]
    public void ErrorsSayWhereAsLokiDoes(string query, string message) =>
        Assert.Equal(message, Assert.Throws<LogQlParseException>(() => LogQlParser.Parse(query)).Message);
}
