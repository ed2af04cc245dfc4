using Mlobs.Model.Labels;

namespace Mlobs.Query.PromQl.Parser;

/// <summary>
/// Parses a series selector such as <c>up{job="api", instance=~"10\\..*"}</c> into label matchers, as the
/// <c>match[]</c> parameter of /api/v1/series, /api/v1/labels and /federate takes it (parser.ParseMetricSelector).
/// </summary>
public static class SeriesSelectorParser
{
    public static LabelMatcher[] Parse(string input)
    {
        var tokens = new Lexer(input).Tokenize();
        int i = 0;
        var matchers = new List<LabelMatcher>();
        string? name = null;
        if (tokens[i].Kind is TokenKind.Identifier or TokenKind.MetricIdentifier)
        {
            name = tokens[i].Text;
            matchers.Add(new LabelMatcher(LabelMatchType.Equal, LabelSet.MetricName, name));
            i++;
        }
        if (tokens[i].Kind == TokenKind.LeftBrace)
        {
            i++;
            while (tokens[i].Kind != TokenKind.RightBrace)
            {
                var nameTok = tokens[i];
                if (nameTok.Kind is not (TokenKind.Identifier or TokenKind.String))
                    throw new ParseException(input, nameTok.Position, $"unexpected {Describe(nameTok)} in label matching, expected label");
                i++;
                var op = tokens[i];
                // A lone quoted string is a UTF-8 metric name: {"my.metric"}.
                if (nameTok.Kind == TokenKind.String && op.Kind is TokenKind.Comma or TokenKind.RightBrace)
                {
                    matchers.Add(new LabelMatcher(LabelMatchType.Equal, LabelSet.MetricName, nameTok.Text));
                }
                else
                {
                    var type = op.Kind switch
                    {
                        TokenKind.Assign => LabelMatchType.Equal,
                        TokenKind.Neq => LabelMatchType.NotEqual,
                        TokenKind.EqlRegex => LabelMatchType.Regex,
                        TokenKind.NeqRegex => LabelMatchType.NotRegex,
                        _ => throw new ParseException(input, op.Position, $"unexpected {Describe(op)} in label matching, expected label matching operator"),
                    };
                    i++;
                    var value = tokens[i];
                    if (value.Kind != TokenKind.String)
                        throw new ParseException(input, value.Position, $"unexpected {Describe(value)} in label matching, expected string");
                    i++;
                    try
                    {
                        matchers.Add(new LabelMatcher(type, nameTok.Text, value.Text));
                    }
                    catch (ArgumentException ex)
                    {
                        throw new ParseException(input, value.Position, $"invalid regular expression in label matcher: {ex.Message}");
                    }
                }
                if (tokens[i].Kind == TokenKind.Comma) { i++; continue; }
                if (tokens[i].Kind != TokenKind.RightBrace)
                    throw new ParseException(input, tokens[i].Position, $"unexpected {Describe(tokens[i])} in label matching, expected \",\" or \"}}\"");
            }
            i++;
        }
        else if (name is null)
        {
            throw new ParseException(input, tokens[i].Position, $"unexpected {Describe(tokens[i])}, expected a series selector");
        }
        if (tokens[i].Kind != TokenKind.Eof)
            throw new ParseException(input, tokens[i].Position, $"unexpected {Describe(tokens[i])}");
        if (matchers.Count(m => m.Name == LabelSet.MetricName) > 1)
            throw new ParseException(input, 0, "metric name must not be set twice");
        // Prometheus: a selector must contain at least one matcher that does not match the empty string.
        if (matchers.All(m => m.MatchesEmpty))
            throw new ParseException(input, 0, "vector selector must contain at least one non-empty matcher");
        return matchers.ToArray();
    }

    private static string Describe(Token t) => t.Kind switch
    {
        TokenKind.Eof => "end of input",
        TokenKind.String => "string \"" + t.Text + "\"",
        TokenKind.Identifier or TokenKind.MetricIdentifier => "identifier \"" + t.Text + "\"",
        TokenKind.Number => "number \"" + t.Text + "\"",
        _ => "\"" + t.Text + "\"",
    };
}
