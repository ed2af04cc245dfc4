using System.Globalization;
using System.Text.RegularExpressions;
using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Ast;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Query.PromQl.Parser;
using Mlobs.Storage;
using Mlobs.Storage.Tsdb;
using Mlobs.Tests.Support;

namespace Mlobs.Query.Tests.PromQl;

/// <summary>
/// Runs a Prometheus promqltest file (promql/promqltest): <c>load</c> into a real TSDB in a temp dir,
/// <c>clear</c>, and <c>eval</c>/<c>eval_fail</c>/<c>eval_ordered</c>/<c>eval_warn</c>/<c>eval_info</c> instant and
/// range queries, comparing as Prometheus's runner does (same series, values within a relative 1e-6).
/// Cases about native histograms or experimental functions are skipped with the reason.
/// </summary>
public sealed partial class PromQlTestScript : IDisposable
{
    public sealed record CaseResult(string File, int Line, string Query, string Outcome, string? Message)
    {
        public string Key => $"{File}:{Line}";
    }

    private readonly string _file;
    private readonly string[] _lines;
    private TempDir _dir = new();
    private TsdbDatabase _db;
    private readonly List<LabelSet> _nativeSeries = [];

    public PromQlTestScript(string path)
    {
        _file = Path.GetFileName(path);
        _lines = File.ReadAllLines(path);
        _db = OpenDb();
    }

    private TsdbDatabase OpenDb() => TsdbDatabase.Open(new TsdbOptions
    {
        Directory = Path.Combine(_dir.Path, "data"),
        RetentionTime = TimeSpan.FromDays(365 * 200),
    });

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    public List<CaseResult> Run()
    {
        var results = new List<CaseResult>();
        int i = 0;
        while (i < _lines.Length)
        {
            var line = _lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) { i++; continue; }
            if (line == "clear")
            {
                _db.Dispose();
                _dir.Dispose();
                _dir = new TempDir();
                _db = OpenDb();
                _nativeSeries.Clear();
                i++;
                continue;
            }
            if (line.StartsWith("load"))
            {
                i = Load(i);
                continue;
            }
            if (line.StartsWith("eval"))
            {
                int start = i;
                var body = new List<string>();
                i++;
                while (i < _lines.Length && _lines[i].Length > 0 && char.IsWhiteSpace(_lines[i][0]))
                {
                    var b = _lines[i].Trim();
                    if (b.Length > 0 && !b.StartsWith('#')) body.Add(b);
                    i++;
                }
                results.Add(Eval(start + 1, line, body));
                continue;
            }
            throw new InvalidOperationException($"{_file}:{i + 1}: unknown command \"{line}\"");
        }
        return results;
    }

    // ---- load -------------------------------------------------------------------------------------------

    private int Load(int i)
    {
        var header = _lines[i].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        bool nhcb = header[0] == "load_with_nhcb";
        long interval = ParseDuration(header[1]);
        i++;
        // As promqltest: series are keyed by labels, so a later line for the same series replaces an earlier one.
        var series = new Dictionary<LabelSet, string>();
        var order = new List<LabelSet>();
        while (i < _lines.Length && _lines[i].Length > 0 && char.IsWhiteSpace(_lines[i][0]))
        {
            var line = _lines[i].Trim();
            i++;
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var (labels, valuesText) = SplitSeriesLine(line);
            if (valuesText.Contains("{{"))
            {
                _nativeSeries.Add(labels);
                continue;
            }
            if (!series.ContainsKey(labels)) order.Add(labels);
            series[labels] = valuesText;
            // load_with_nhcb also stores each classic histogram as a native one under the base name (no le):
            // queries that can select that series are about native histograms.
            var name = labels.MetricNameOrEmpty;
            foreach (var suffix in new[] { "_bucket", "_count", "_sum" })
                if (nhcb && name.EndsWith(suffix, StringComparison.Ordinal))
                    _nativeSeries.Add(new LabelSetBuilder().Reset(labels).Delete("le").Set(LabelSet.MetricName, name[..^suffix.Length]).Build());
        }
        var app = _db.Appender();
        foreach (var labels in order)
        {
            ulong r = 0;
            long t = 0;
            foreach (var v in ExpandValues(series[labels]))
            {
                if (v is { } value) app.Append(ref r, labels, t, value);
                t += interval;
            }
        }
        app.Commit();
        return i;
    }

    private static (LabelSet Labels, string Values) SplitSeriesLine(string line) => SeriesDescription.SplitLine(line);

    internal static IEnumerable<double?> ExpandValues(string text) => SeriesDescription.ExpandValues(text);

    private static double ParseValue(string s)
    {
        if (Literals.TryParseNumber(s, out double v)) return v;
        throw new FormatException($"bad value \"{s}\"");
    }

    private static long ParseDuration(string s)
    {
        if (PromDuration.TryParse(s, out long ms)) return ms;
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long secs)) return secs * 1000;
        throw new FormatException($"bad duration \"{s}\"");
    }

    // ---- eval -------------------------------------------------------------------------------------------

    [GeneratedRegex(@"^(?<cmd>eval(?:_fail|_ordered|_warn|_info)?)\s+instant\s+at\s+(?<at>\S+)\s+(?<expr>.+)$")]
    private static partial Regex InstantPattern();

    [GeneratedRegex(@"^(?<cmd>eval(?:_fail|_ordered|_warn|_info)?)\s+range\s+from\s+(?<from>\S+)\s+to\s+(?<to>\S+)\s+step\s+(?<step>\S+)\s+(?<expr>.+)$")]
    private static partial Regex RangePattern();

    private CaseResult Eval(int lineNo, string line, List<string> body)
    {
        var instant = InstantPattern().Match(line);
        var range = instant.Success ? Match.Empty : RangePattern().Match(line);
        if (!instant.Success && !range.Success) return new CaseResult(_file, lineNo, line, "failed", "cannot parse eval line");
        var m = instant.Success ? instant : range;
        string cmd = m.Groups["cmd"].Value, query = m.Groups["expr"].Value;
        bool expectFail = cmd == "eval_fail", ordered = cmd == "eval_ordered", expectWarn = cmd == "eval_warn", expectInfo = cmd == "eval_info";
        bool noWarn = false, noInfo = false;
        var warnMessages = new List<string>();
        var infoMessages = new List<string>();
        string? failMessage = null, failRegex = null;
        var expected = new List<string>();
        foreach (var b in body)
        {
            if (b.StartsWith("expected_fail_message ")) { failMessage = b["expected_fail_message ".Length..]; continue; }
            if (b.StartsWith("expected_fail_regexp ")) { failRegex = b["expected_fail_regexp ".Length..]; continue; }
            if (b.StartsWith("expect "))
            {
                var e = b["expect ".Length..];
                if (e.StartsWith("fail")) expectFail = true;
                if (e.StartsWith("fail msg:")) failMessage = e["fail msg:".Length..].Trim();
                if (e.StartsWith("fail regex:")) failRegex = e["fail regex:".Length..].Trim();
                if (e.StartsWith("ordered")) ordered = true;
                if (e.StartsWith("warn")) expectWarn = true;
                if (e.StartsWith("info")) expectInfo = true;
                if (e.StartsWith("warn msg:")) warnMessages.Add(e["warn msg:".Length..].Trim());
                if (e.StartsWith("info msg:")) infoMessages.Add(e["info msg:".Length..].Trim());
                if (e.StartsWith("no_warn")) noWarn = true;
                if (e.StartsWith("no_info")) noInfo = true;
                continue;
            }
            expected.Add(b);
        }

        if (SkipReason(query, expected) is { } reason) return new CaseResult(_file, lineNo, query, "skipped", reason);

        var engine = new QueryEngine(_db);
        QueryResult result;
        try
        {
            result = instant.Success
                ? engine.Instant(query, ParseDuration(m.Groups["at"].Value))
                : engine.Range(query, ParseDuration(m.Groups["from"].Value), ParseDuration(m.Groups["to"].Value), ParseDuration(m.Groups["step"].Value));
        }
        catch (QueryException ex)
        {
            if (!expectFail) return new CaseResult(_file, lineNo, query, "failed", "unexpected error: " + ex.Message);
            if (failMessage is not null && !ex.Message.Contains(failMessage, StringComparison.Ordinal))
                return new CaseResult(_file, lineNo, query, "failed", $"expected error \"{failMessage}\", got \"{ex.Message}\"");
            if (failRegex is not null && !Regex.IsMatch(ex.Message, failRegex))
                return new CaseResult(_file, lineNo, query, "failed", $"expected error matching {failRegex}, got \"{ex.Message}\"");
            return new CaseResult(_file, lineNo, query, "passed", null);
        }
        if (expectFail) return new CaseResult(_file, lineNo, query, "failed", "expected an error, got a result");
        // Annotations as promqltest checks them: eval_warn/eval_info need at least one, expect msg lines must match one.
        if (expectWarn && result.Warnings.Count == 0) return new CaseResult(_file, lineNo, query, "failed", "expected warnings but got none");
        if (expectInfo && result.Infos.Count == 0) return new CaseResult(_file, lineNo, query, "failed", "expected info annotations but got none");
        if (noWarn && result.Warnings.Count > 0) return new CaseResult(_file, lineNo, query, "failed", "unexpected warnings: " + string.Join("; ", result.Warnings));
        if (noInfo && result.Infos.Count > 0) return new CaseResult(_file, lineNo, query, "failed", "unexpected infos: " + string.Join("; ", result.Infos));
        foreach (var w in warnMessages)
            if (!result.Warnings.Any(x => x.StartsWith(w, StringComparison.Ordinal)))
                return new CaseResult(_file, lineNo, query, "failed", $"expected warning \"{w}\", got: {string.Join("; ", result.Warnings)}");
        foreach (var w in infoMessages)
            if (!result.Infos.Any(x => x.StartsWith(w, StringComparison.Ordinal)))
                return new CaseResult(_file, lineNo, query, "failed", $"expected info \"{w}\", got: {string.Join("; ", result.Infos)}");
        string? problem = instant.Success
            ? CompareInstant(result.Value, expected, ordered)
            : CompareRange(result.Value, expected, ParseDuration(m.Groups["from"].Value), ParseDuration(m.Groups["step"].Value));
        if (problem is null && instant.Success && result.Value is VectorValue or ScalarValue)
        {
            // As promqltest: the same query as a range query around the instant must give the same middle step.
            long at = ParseDuration(m.Groups["at"].Value);
            var around = (MatrixValue)engine.Range(query, at - 60_000, at + 60_000, 60_000).Value;
            QueryValue middle = result.Value is ScalarValue
                ? new ScalarValue(at, around.Series.Count > 0 && around.Series[0].Points.FirstOrDefault(p => p.T == at) is { T: var t } pt && t == at ? pt.F : double.NaN)
                : new VectorValue(around.Series.Where(s => s.Points.Any(p => p.T == at)).Select(s => new Sample(s.Metric, at, s.Points.First(p => p.T == at).F)).ToList());
            if (CompareInstant(middle, expected, ordered: false) is { } rangeProblem) problem = "as a range query: " + rangeProblem;
        }
        return new CaseResult(_file, lineNo, query, problem is null ? "passed" : "failed", problem);
    }

    private string? SkipReason(string query, List<string> expected)
    {
        if (expected.Any(e => e.Contains("{{"))) return "native histogram result";
        Expr expr;
        try { expr = PromQlParser.Parse(query); }
        catch (ParseException ex)
        {
            var fn = Regex.Match(ex.Detail, "function \"(?<f>[a-z_]+)\" is not supported");
            if (fn.Success) return $"experimental or native-histogram function {fn.Groups["f"].Value}";
            return null;
        }
        foreach (var vs in Selectors(expr))
            if (_nativeSeries.Any(s => vs.Matchers.All(mt => mt.Matches(s.Get(mt.Name) ?? ""))))
                return "selects native histogram series";
        return null;
    }

    private static IEnumerable<VectorSelector> Selectors(Expr e)
    {
        switch (e)
        {
            case VectorSelector vs: yield return vs; break;
            case MatrixSelector ms: yield return ms.Selector; break;
            case SubqueryExpr sq: foreach (var s in Selectors(sq.Inner)) yield return s; break;
            case ParenExpr p: foreach (var s in Selectors(p.Inner)) yield return s; break;
            case UnaryExpr u: foreach (var s in Selectors(u.Operand)) yield return s; break;
            case BinaryExpr b:
                foreach (var s in Selectors(b.Lhs)) yield return s;
                foreach (var s in Selectors(b.Rhs)) yield return s;
                break;
            case Call c: foreach (var a in c.Args) foreach (var s in Selectors(a)) yield return s; break;
            case AggregateExpr a:
                foreach (var s in Selectors(a.Inner)) yield return s;
                if (a.Param is not null) foreach (var s in Selectors(a.Param)) yield return s;
                break;
        }
    }

    private static bool CloseEnough(double actual, double expected)
    {
        if (double.IsNaN(actual) && double.IsNaN(expected)) return true;
        if (StaleNaN.Is(expected) != StaleNaN.Is(actual)) return false;
        if (actual == expected) return true;
        double absSum = Math.Abs(actual) + Math.Abs(expected), diff = Math.Abs(actual - expected);
        const double epsilon = 0.000001, minNormal = 2.2250738585072014E-308;
        if (actual == 0 || expected == 0 || absSum < minNormal) return diff < epsilon * minNormal;
        return diff / Math.Min(absSum, double.MaxValue) < epsilon;
    }

    private static string? CompareInstant(QueryValue value, List<string> expected, bool ordered)
    {
        if (value is ScalarValue sv)
        {
            if (expected.Count != 1 || expected[0].StartsWith('{') || char.IsLetter(expected[0][0]) && !IsNumberWord(expected[0]))
                return $"expected vector result, got scalar {sv.F}";
            var want = ParseValue(expected[0]);
            return CloseEnough(sv.F, want) ? null : $"expected scalar {want}, got {sv.F}";
        }
        if (value is StringValue str)
            return expected.Count == 1 && expected[0] == "\"" + str.S + "\"" ? null : $"got string \"{str.S}\"";
        if (value is MatrixValue)
            return "instant queries returning a range vector are not compared by this runner";
        var samples = ((VectorValue)value).Samples;
        var want2 = new Dictionary<LabelSet, (double Value, int Pos)>();
        int pos = 0;
        foreach (var e in expected)
        {
            if (!e.StartsWith('{') && !char.IsLetter(e[0]) || IsNumberWord(e.Split(' ')[0]))
                return $"expected scalar {e}, got a vector of {samples.Count}";
            var (labels, v) = SplitSeriesLine(e);
            var values = ExpandValues(v).ToList();
            want2[labels] = (values[0] ?? double.NaN, pos++);
        }
        var seen = new HashSet<LabelSet>();
        for (int i = 0; i < samples.Count; i++)
        {
            var s = samples[i];
            if (!want2.TryGetValue(s.Metric, out var w)) return $"unexpected metric {s.Metric} in result, has value {s.F}";
            if (ordered && w.Pos != i) return $"expected metric {s.Metric} with {w.Value} at position {w.Pos + 1} but was at {i + 1}";
            if (!CloseEnough(s.F, w.Value)) return $"expected {w.Value} for {s.Metric} but got {s.F}";
            seen.Add(s.Metric);
        }
        foreach (var (labels, w) in want2)
            if (!seen.Contains(labels)) return $"expected metric {labels} with {w.Value} not found";
        return null;
    }

    private static bool IsNumberWord(string s) => Literals.TryParseNumber(s, out _);

    private static string? CompareRange(QueryValue value, List<string> expected, long from, long step)
    {
        var series = ((MatrixValue)value).Series;
        var want = new Dictionary<LabelSet, List<FPoint>>();
        foreach (var e in expected)
        {
            var (labels, v) = SplitSeriesLine(e);
            var points = new List<FPoint>();
            long t = from;
            foreach (var x in ExpandValues(v))
            {
                if (x is { } f) points.Add(new FPoint(t, f));
                t += step;
            }
            want[labels] = points;
        }
        var seen = new HashSet<LabelSet>();
        foreach (var s in series)
        {
            if (!want.TryGetValue(s.Metric, out var w)) return $"unexpected metric {s.Metric} in result";
            seen.Add(s.Metric);
            if (w.Count != s.Points.Count)
                return $"expected {w.Count} points for {s.Metric}, got {s.Points.Count}: {string.Join(" ", s.Points.Select(p => $"{p.F}@{p.T}"))}";
            for (int i = 0; i < w.Count; i++)
            {
                if (w[i].T != s.Points[i].T) return $"expected point {i} of {s.Metric} at {w[i].T}, got {s.Points[i].T}";
                if (!CloseEnough(s.Points[i].F, w[i].F)) return $"expected {w[i].F} at {w[i].T} for {s.Metric}, got {s.Points[i].F}";
            }
        }
        foreach (var (labels, _) in want)
            if (!seen.Contains(labels)) return $"expected metric {labels} not found";
        return null;
    }
}
