using System.Text;
using System.Text.Json;
using Mlobs.Model.Strconv;

namespace Mlobs.Model.Tests.Strconv;

/// <summary>JSON strings escaped as Go's encoding/json escapes them, wherever in the text the characters stand.</summary>
public class GoJsonEncoderTests
{
    [Theory]
    [InlineData("plain label value+é", "\"plain label value+é\"")]
    [InlineData("<b>&</b>", "\"\\u003cb\\u003e\\u0026\\u003c/b\\u003e\"")]
    [InlineData("a\"b\\c\nd\te\u0001", "\"a\\\"b\\\\c\\nd\\te\\u0001\"")]
    [InlineData("line\u2028sep\u2029", "\"line\\u2028sep\\u2029\"")]
    public void EscapesAsGo(string value, string expected)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, GoJsonEncoder.WriterOptions)) w.WriteStringValue(value);
        Assert.Equal(expected, Encoding.UTF8.GetString(buffer.ToArray()));
        // Long text takes the vectorised search: the first escaped character far into it is still found.
        var prefix = new string('x', 1000);
        buffer.SetLength(0);
        using (var w = new Utf8JsonWriter(buffer, GoJsonEncoder.WriterOptions)) w.WriteStringValue(prefix + value);
        Assert.Equal("\"" + prefix + expected[1..], Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
