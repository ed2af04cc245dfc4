using System.Globalization;
using Mlobs.Model;
using Mlobs.Query.PromQl.Parser;

namespace Mlobs.Query.LogQl;

/// <summary>
/// Parses LogQL expressions: log queries, and metric queries built from range aggregations
/// (<c>count_over_time({...} |= "x" [5m])</c>, <c>rate</c>, <c>bytes_over_time</c>, <c>bytes_rate</c>,
/// <c>absent_over_time</c>), vector aggregations (<c>sum/avg/min/max/count/topk/bottomk</c> with <c>by</c>/<c>without</c>)
/// and a comparison with a number (<c>... &gt; 5</c>), as log alerts use.
/// </summary>
public static class LogMetricParser
{
    private static readonly HashSet<string> RangeFunctions = ["count_over_time", "rate", "bytes_over_time", "bytes_rate", "absent_over_time"];
    private static readonly HashSet<string> Aggregations = ["sum", "avg", "min", "max", "count", "topk", "bottomk"];
    private static readonly string[] Comparisons = [">=", "<=", "==", "!=", ">", "<"];

    public static LogQlExpr Parse(string query)
    {
        int pos = LogQlParser.Skip(query, 0);
        if (pos < query.Length && query[pos] == '{') return new LogQueryExpr(LogQlParser.Parse(query));
        var expr = Metric(query, ref pos, 1);
        pos = LogQlParser.Skip(query, pos);
        if (pos < query.Length) throw LogQlParser.ErrorAt(query, pos, $"syntax error: unexpected {LogQlParser.What(query, pos)}");
        return expr;
    }

    /// <summary>Deeper nesting (parentheses, aggregations) is refused rather than risking the stack, as PromQL's parser does.</summary>
    public const int MaxDepth = 4096;

    private static LogMetricExpr Metric(string q, ref int pos, int depth)
    {
        if (depth > MaxDepth) throw LogQlParser.ErrorAt(q, pos, $"syntax error: expression nested too deeply (more than {MaxDepth} levels)");
        var inner = Unary(q, ref pos, depth);
        pos = LogQlParser.Skip(q, pos);
        int at = pos;
        var op = Comparisons.FirstOrDefault(c => string.CompareOrdinal(q, at, c, 0, c.Length) == 0);
        if (op is null) return inner;
        pos = LogQlParser.Skip(q, pos + op.Length);
        bool returnBool = false;
        var (word, after) = LogQlParser.Ident(q, pos);
        if (word == "bool") { returnBool = true; pos = LogQlParser.Skip(q, after); }
        return new ScalarComparison(inner, op, Number(q, ref pos), returnBool);
    }

    private static LogMetricExpr Unary(string q, ref int pos, int depth)
    {
        pos = LogQlParser.Skip(q, pos);
        if (pos < q.Length && q[pos] == '(')
        {
            pos++;
            var inner = Metric(q, ref pos, depth + 1);
            Expect(q, ref pos, ')');
            return inner;
        }
        int at = pos;
        var (name, after) = LogQlParser.Ident(q, pos);
        pos = after;
        if (RangeFunctions.Contains(name))
        {
            Expect(q, ref pos, '(');
            var log = LogQlParser.ParseLog(q, ref pos, nested: true);
            Expect(q, ref pos, '[');
            int end = q.IndexOf(']', pos);
            if (end < 0) throw LogQlParser.ErrorAt(q, pos, "syntax error: unexpected end of input, expecting ]");
            var durationText = q[pos..end].Trim();
            if (!PromDuration.TryParse(durationText, out long rangeMs) || rangeMs <= 0)
                throw LogQlParser.ErrorAt(q, pos, $"invalid duration {durationText}");
            pos = end + 1;
            Expect(q, ref pos, ')');
            return new RangeAggregation(name, log, rangeMs);
        }
        if (Aggregations.Contains(name))
        {
            var (grouping, without) = Grouping(q, ref pos);
            Expect(q, ref pos, '(');
            int? k = null;
            if (name is "topk" or "bottomk")
            {
                k = (int)Number(q, ref pos);
                Expect(q, ref pos, ',');
            }
            var inner = Metric(q, ref pos, depth + 1);
            Expect(q, ref pos, ')');
            if (grouping is null) (grouping, without) = Grouping(q, ref pos);
            return new VectorAggregation(name, grouping ?? [], without, k, inner);
        }
        throw LogQlParser.ErrorAt(q, at, $"syntax error: unexpected {(name.Length > 0 ? name : LogQlParser.What(q, at))}");
    }

    private static (List<string>?, bool) Grouping(string q, ref int pos)
    {
        pos = LogQlParser.Skip(q, pos);
        var (word, after) = LogQlParser.Ident(q, pos);
        if (word is not ("by" or "without")) return (null, false);
        pos = after;
        Expect(q, ref pos, '(');
        var labels = new List<string>();
        while (true)
        {
            pos = LogQlParser.Skip(q, pos);
            if (pos < q.Length && q[pos] == ')') { pos++; break; }
            var (label, next) = LogQlParser.Ident(q, pos);
            if (label.Length == 0) throw LogQlParser.ErrorAt(q, pos, $"syntax error: unexpected {LogQlParser.What(q, pos)}, expecting IDENTIFIER");
            labels.Add(label);
            pos = LogQlParser.Skip(q, next);
            if (pos < q.Length && q[pos] == ',') pos++;
        }
        return (labels, word == "without");
    }

    private static double Number(string q, ref int pos)
    {
        pos = LogQlParser.Skip(q, pos);
        int start = pos;
        while (pos < q.Length && (char.IsAsciiDigit(q[pos]) || q[pos] is '.' or '-' or '+' or 'e' or 'E')) pos++;
        if (!double.TryParse(q[start..pos], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            throw LogQlParser.ErrorAt(q, start, $"syntax error: unexpected {LogQlParser.What(q, start)}, expecting NUMBER");
        return v;
    }

    private static void Expect(string q, ref int pos, char c)
    {
        pos = LogQlParser.Skip(q, pos);
        if (pos >= q.Length || q[pos] != c) throw LogQlParser.ErrorAt(q, pos, $"syntax error: unexpected {LogQlParser.What(q, pos)}, expecting {c}");
        pos++;
    }
}
