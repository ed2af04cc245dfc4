using System.Text;
using System.Text.RegularExpressions;
using Mlobs.Model.Labels;
using Mlobs.Model.Strconv;
using Mlobs.Query.PromQl.Ast;
using Mlobs.Storage;
using ValueType = Mlobs.Query.PromQl.Ast.ValueType;

namespace Mlobs.Query.PromQl.Engine;

/// <summary>Function calls: range-vector functions per series, the rest step by step (promql/functions.go).</summary>
internal sealed partial class Evaluator
{
    private List<Series> EvalCall(Call c)
    {
        var name = c.Func.Name;
        int matrixArg = Array.FindIndex(c.Args, a => a.Type == ValueType.Matrix);
        if (name == "absent_over_time") return EvalAbsentOverTime(c);
        if (matrixArg >= 0) return EvalRangeFunction(c, matrixArg);
        switch (name)
        {
            case "time":
                return [SeriesOf(ts => ts / 1000.0)];
            case "pi":
                return [ConstantSeries(Math.PI)];
            case "timestamp" when Unwrap(c.Args[0]) is VectorSelector vs:
                return DropNames(EvalVectorSelector(vs, timestamps: true));
            case "timestamp":
            {
                // Of anything but a selector: the evaluation time of each sample.
                var drop = NameDropper();
                return RangeEval((args, ts, output) =>
                {
                    foreach (var s in args[0]) output.Add(new Sample(drop(s.Metric), ts, ts / 1000.0));
                    return true;
                }, c.Args[0]);
            }
            case "absent":
                return EvalAbsent(c);
            case "label_replace":
                return EvalLabelReplace(c);
            case "label_join":
                return EvalLabelJoin(c);
            case "sort" or "sort_desc" or "sort_by_label" or "sort_by_label_desc":
                // Order only matters for an instant query's result; the engine sorts it there.
                return Eval(c.Args[0]);
            case "scalar":
                return RangeEval((args, ts, output) =>
                {
                    output.Add(new Sample(LabelSet.Empty, ts, args[0].Count == 1 ? args[0][0].F : double.NaN));
                    return true;
                }, c.Args[0]);
            case "vector":
                return RangeEval((args, ts, output) =>
                {
                    if (args[0].Count > 0) output.Add(new Sample(LabelSet.Empty, ts, args[0][0].F));
                    return true;
                }, c.Args[0]);
            case "histogram_quantile" or "histogram_fraction":
                return EvalHistogramQuantile(c);
            case "day_of_month" or "day_of_week" or "day_of_year" or "days_in_month" or "hour" or "minute" or "month" or "year":
                return EvalDateFunction(c);
            case "clamp" or "clamp_min" or "clamp_max" or "round":
                return EvalWithScalars(c);
            default:
                var f = MathFunction(name);
                var dropped = NameDropper();
                return RangeEval((args, ts, output) =>
                {
                    foreach (var s in args[0]) output.Add(new Sample(dropped(s.Metric), ts, f(s.F)));
                    return true;
                }, c.Args[0]);
        }
    }

    private void WarnQuantile(double q, Expr about)
    {
        if (!(q >= 0 && q <= 1)) Warn($"PromQL warning: quantile value should be between 0 and 1, got {ValueFormat.GoG(q)}", about);
    }

    private Series SeriesOf(Func<long, double> value)
    {
        var points = new List<FPoint>(StepCount);
        for (int i = 0; i < StepCount; i++) points.Add(new FPoint(StepTime(i), value(StepTime(i))));
        return new Series(LabelSet.Empty, points);
    }

    private static Func<LabelSet, LabelSet> NameDropper()
    {
        var cache = new Dictionary<LabelSet, LabelSet>(ReferenceEqualityComparer.Instance as IEqualityComparer<LabelSet>);
        return metric =>
        {
            if (!cache.TryGetValue(metric, out var d)) cache[metric] = d = metric.Without(LabelSet.MetricName);
            return d;
        };
    }

    private static List<Series> DropNames(List<Series> series)
    {
        foreach (var s in series) s.Metric = s.Metric.Without(LabelSet.MetricName);
        return MergeDuplicates(series);
    }

    private static Func<double, double> MathFunction(string name) => name switch
    {
        "abs" => Math.Abs,
        "ceil" => Math.Ceiling,
        "floor" => Math.Floor,
        "exp" => Math.Exp,
        "sqrt" => Math.Sqrt,
        "ln" => Math.Log,
        "log2" => Math.Log2,
        "log10" => Math.Log10,
        "sgn" => v => v < 0 ? -1 : v > 0 ? 1 : v,
        "acos" => Math.Acos,
        "acosh" => Math.Acosh,
        "asin" => Math.Asin,
        "asinh" => Math.Asinh,
        "atan" => Math.Atan,
        "atanh" => Math.Atanh,
        "cos" => Math.Cos,
        "cosh" => Math.Cosh,
        "sin" => Math.Sin,
        "sinh" => Math.Sinh,
        "tan" => Math.Tan,
        "tanh" => Math.Tanh,
        "deg" => v => v * 180 / Math.PI,
        "rad" => v => v * Math.PI / 180,
        _ => throw QueryException.Execution($"function \"{name}\" is not implemented"),
    };

    private List<Series> EvalWithScalars(Call c)
    {
        var dropped = NameDropper();
        return RangeEval((args, ts, output) =>
        {
            double a1 = c.Args.Length > 1 ? (args[1].Count > 0 ? args[1][0].F : double.NaN) : 1;
            double a2 = c.Args.Length > 2 ? (args[2].Count > 0 ? args[2][0].F : double.NaN) : 0;
            if (c.Func.Name == "clamp" && a2 < a1) return true;
            foreach (var s in args[0])
            {
                double v = c.Func.Name switch
                {
                    "clamp" => Math.Max(a1, Math.Min(a2, s.F)),
                    "clamp_max" => Math.Min(a1, s.F),
                    "clamp_min" => Math.Max(a1, s.F),
                    _ => Math.Floor(s.F * (1.0 / a1) + 0.5) / (1.0 / a1), // round(v, to_nearest)
                };
                output.Add(new Sample(dropped(s.Metric), ts, v));
            }
            return true;
        }, c.Args);
    }

    private List<Series> EvalDateFunction(Call c)
    {
        Func<DateTime, double> part = c.Func.Name switch
        {
            "day_of_month" => d => d.Day,
            "day_of_week" => d => (int)d.DayOfWeek,
            "day_of_year" => d => d.DayOfYear,
            "days_in_month" => d => DateTime.DaysInMonth(d.Year, d.Month),
            "hour" => d => d.Hour,
            "minute" => d => d.Minute,
            "month" => d => d.Month,
            _ => d => d.Year,
        };
        static DateTime ToTime(double seconds) => DateTime.UnixEpoch.AddSeconds(Math.Truncate(seconds));
        if (c.Args.Length == 0) return [SeriesOf(ts => part(ToTime(ts / 1000.0)))];
        var dropped = NameDropper();
        return RangeEval((args, ts, output) =>
        {
            foreach (var s in args[0])
            {
                if (!double.IsFinite(s.F) || Math.Abs(s.F) > 253402300799) continue;
                output.Add(new Sample(dropped(s.Metric), ts, part(ToTime(s.F))));
            }
            return true;
        }, c.Args[0]);
    }

    private List<Series> EvalRangeFunction(Call c, int matrixArg)
    {
        var sink = new SeriesSink(StepTime);
        RunRangeFunction(c, matrixArg, sink);
        var result = sink.Series;
        return c.Func.Name != "last_over_time" ? MergeDuplicates(result) : result;
    }

    /// <summary>Receives the per-step outputs of a range function, one input series at a time.</summary>
    internal interface IStepSink
    {
        /// <summary>One input series' outputs (possibly none), with the labels the function gives them.</summary>
        void AddSeries(LabelSet labels, StepRow row);
    }

    /// <summary>Collects each input series' outputs as one output series, sized exactly.</summary>
    private sealed class SeriesSink(Func<int, long> stepTime) : IStepSink
    {
        public List<Series> Series { get; } = [];

        public void AddSeries(LabelSet labels, StepRow row)
        {
            if (row.Count == 0) return;
            var points = new List<FPoint>(row.Count);
            var has = row.Has;
            for (int i = 0; i < row.Steps; i++)
                if (has[i]) points.Add(new FPoint(stepTime(i), row.Values[i]));
            Series.Add(new Series(labels, points));
        }
    }

    /// <summary>
    /// Evaluates a range-vector function series by series, streaming each input series through one reused
    /// buffer and a window that slides forward with the steps (no per-step search, nothing kept per input series).
    /// </summary>
    private void RunRangeFunction(Call c, int matrixArg, IStepSink sink)
    {
        var rangeExpr = Unwrap(c.Args[matrixArg]);
        var (rangeMs, modifiers) = rangeExpr switch
        {
            MatrixSelector ms => (ms.RangeMs, ms.Selector.Modifiers),
            SubqueryExpr sq => (sq.RangeMs, sq.Modifiers),
            _ => throw QueryException.Execution("expected a range vector argument"),
        };
        // A scalar parameter (quantile_over_time's φ, predict_linear's t) may change from step to step.
        double[]? param = null;
        if (c.Args.Length > 1)
        {
            var paramExpr = c.Args[matrixArg == 0 ? 1 : 0];
            param = new double[StepCount];
            Array.Fill(param, double.NaN);
            var ps = Eval(paramExpr);
            if (ps.Count > 0) foreach (var p in ps[0].Points) param[(int)((p.T - Start) / Interval)] = p.F;
            if (c.Func.Name == "quantile_over_time") foreach (var q in param) WarnQuantile(q, paramExpr);
        }
        var name = c.Func.Name;
        bool dropName = name != "last_over_time";
        bool counter = name is "rate" or "increase";
        bool mayNotBeCounter = name is "rate" or "increase" or "irate";
        // rate/increase/delta are what dashboards run over thousands of series: call them directly, not by name.
        bool extrapolated = name is "rate" or "increase" or "delta", isRate = name == "rate";
        LabelSet Compute(SeriesWorker worker, LabelSet labels, List<FPoint> list, StepRow output)
        {
            if (mayNotBeCounter && labels.Get(LabelSet.MetricName) is { Length: > 0 } metricName
                && !(metricName.EndsWith("_total", StringComparison.Ordinal) || metricName.EndsWith("_sum", StringComparison.Ordinal)
                     || metricName.EndsWith("_count", StringComparison.Ordinal) || metricName.EndsWith("_bucket", StringComparison.Ordinal)))
                Info($"PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"{metricName}\"", c.Args[matrixArg]);
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list);
            var outLabels = dropName ? labels.Without(LabelSet.MetricName) : labels;
            if (extrapolated && modifiers.At == AtModifier.None)
            {
                ExtrapolatedRateSteps.Compute(span, Start - modifiers.OffsetMs, Interval, StepCount, rangeMs, counter, isRate, output);
                return outLabels;
            }
            int lo = 0, hi = 0;
            for (int i = 0; i < StepCount; i++)
            {
                long ts = StepTime(i);
                long rangeEnd = ReferenceTime(modifiers, ts), rangeStart = rangeEnd - rangeMs;
                if (modifiers.At != AtModifier.None) { lo = 0; hi = 0; }
                while (hi < span.Length && span[hi].T <= rangeEnd) hi++;
                while (lo < hi && span[lo].T <= rangeStart) lo++;
                if (hi <= lo) continue;
                // predict_linear's intercept is at the step time, even when @ moves the window.
                var window = new RangeFunctions.Window(rangeStart, rangeEnd, rangeMs, ts, param?[i] ?? 0);
                bool ok = extrapolated
                    ? RangeFunctions.ExtrapolatedRate(span[lo..hi], window, counter, isRate, out double v)
                    : RangeFunctions.TryEval(name, span[lo..hi], window, out v);
                if (ok) output.Set(i, v);
            }
            return outLabels;
        }

        if (rangeExpr is MatrixSelector selector && _options.Parallelism > 1)
        {
            var (mint, maxt) = SelectionRange(selector);
            ForEachSeriesParallel(selector.Selector.Matchers, mint, maxt, dropStale: true, Compute, sink);
            return;
        }
        var serial = new SeriesWorker();
        var row = new StepRow(StepCount);
        ForEachRangeSeries(rangeExpr, (labels, list) =>
        {
            row.Clear();
            sink.AddSeries(Compute(serial, labels, list, row), row);
        });
    }

    /// <summary>Calls <paramref name="visit"/> with each series of a range vector: stale markers dropped, samples of all steps' windows.</summary>
    private void ForEachRangeSeries(Expr rangeExpr, Action<LabelSet, List<FPoint>> visit)
    {
        if (rangeExpr is SubqueryExpr sq)
        {
            foreach (var rs in EvalSubquery(sq)) visit(rs.Labels, rs.Points);
            return;
        }
        var ms = (MatrixSelector)rangeExpr;
        var (mint, maxt) = SelectionRange(ms);
        ForEachSeries(ms.Selector.Matchers, mint, maxt, dropStale: true, visit);
    }

    /// <summary>The samples a range selector needs over all steps: (mint, maxt].</summary>
    private (long Mint, long Maxt) SelectionRange(MatrixSelector ms)
    {
        var m = ms.Selector.Modifiers;
        long firstRef = ReferenceTime(m, Start), lastRef = ReferenceTime(m, End);
        return (Math.Min(firstRef, lastRef) - ms.RangeMs, Math.Max(firstRef, lastRef));
    }

    /// <summary>Labels absent() reports: equality matchers of the selector, except names matched more than once or otherwise.</summary>
    private static LabelSet AbsentLabels(Expr arg)
    {
        LabelMatcher[] matchers = Unwrap(arg) switch
        {
            VectorSelector vs => vs.Matchers,
            MatrixSelector ms => ms.Selector.Matchers,
            _ => [],
        };
        var b = new LabelSetBuilder();
        var has = new HashSet<string>();
        foreach (var m in matchers)
        {
            if (m.Name == LabelSet.MetricName) continue;
            if (m.Type == LabelMatchType.Equal && has.Add(m.Name)) b.Set(m.Name, m.Value);
            else b.Delete(m.Name);
        }
        return b.Build();
    }

    private List<Series> EvalAbsent(Call c)
    {
        var labels = AbsentLabels(c.Args[0]);
        var present = new HashSet<long>();
        foreach (var s in Eval(c.Args[0])) foreach (var p in s.Points) present.Add(p.T);
        var points = new List<FPoint>();
        for (int i = 0; i < StepCount; i++) if (!present.Contains(StepTime(i))) points.Add(new FPoint(StepTime(i), 1));
        return points.Count == 0 ? [] : [new Series(labels, points)];
    }

    private List<Series> EvalAbsentOverTime(Call c)
    {
        var labels = AbsentLabels(c.Args[0]);
        var series = LoadRangeVector(c.Args[0]);
        var points = new List<FPoint>();
        for (int i = 0; i < StepCount; i++)
        {
            long ts = StepTime(i);
            bool any = false;
            foreach (var rs in series)
            {
                var (lo, hi) = rs.Window(ts);
                if (hi > lo) { any = true; break; }
            }
            if (!any) points.Add(new FPoint(ts, 1));
        }
        return points.Count == 0 ? [] : [new Series(labels, points)];
    }

    private List<Series> EvalHistogramQuantile(Call c)
    {
        var withoutLe = new Dictionary<LabelSet, (LabelSet Key, LabelSet Output, double UpperBound, bool Valid)>(ReferenceEqualityComparer.Instance as IEqualityComparer<LabelSet>);
        return RangeEval((args, ts, output) =>
        {
            bool fraction = c.Func.Name == "histogram_fraction";
            if (args[0].Count == 0 || fraction && args[1].Count == 0) return true;
            double q = args[0][0].F, upper = fraction ? args[1][0].F : 0;
            if (!fraction) WarnQuantile(q, c.Args[0]);
            var bucketsArg = args[^1];
            var groups = new Dictionary<LabelSet, (LabelSet Output, List<HistogramQuantile.Bucket> Buckets)>();
            var names = new Dictionary<LabelSet, string>();
            var order = new List<LabelSet>();
            foreach (var s in bucketsArg)
            {
                if (!withoutLe.TryGetValue(s.Metric, out var info))
                {
                    var le = s.Metric.Get("le");
                    bool valid = le is not null && Parser.Literals.TryParseNumber(le, out double ub);
                    Parser.Literals.TryParseNumber(le ?? "", out ub);
                    var key = s.Metric.Without("le");
                    info = (key, key.Without(LabelSet.MetricName), ub, valid);
                    withoutLe[s.Metric] = info;
                }
                if (!info.Valid)
                {
                    Warn($"PromQL warning: bucket label \"le\" is missing or has a malformed value of \"{s.Metric.Get("le")}\" for metric name \"{s.Metric.MetricNameOrEmpty}\"", c.Args[^1]);
                    continue;
                }
                if (!groups.TryGetValue(info.Key, out var g))
                {
                    g = (info.Output, new List<HistogramQuantile.Bucket>());
                    groups[info.Key] = g;
                    names[info.Key] = s.Metric.MetricNameOrEmpty;
                    order.Add(info.Key);
                }
                g.Buckets.Add(new HistogramQuantile.Bucket(info.UpperBound, s.F));
            }
            foreach (var key in order)
            {
                var g = groups[key];
                if (fraction)
                {
                    output.Add(new Sample(g.Output, ts, HistogramQuantile.Fraction(q, upper, g.Buckets)));
                    continue;
                }
                output.Add(new Sample(g.Output, ts, HistogramQuantile.Of(q, g.Buckets, out bool forced)));
                if (forced)
                    Info($"PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name \"{names[key]}\"", c.Args[^1]);
            }
            return true;
        }, c.Args);
    }

    private static Regex CompileAnchored(string pattern, string function)
    {
        try
        {
            return GoRegex.Anchored(pattern);
        }
        catch (ArgumentException)
        {
            // As Prometheus: an execution error (422) naming the pattern, found while evaluating.
            throw QueryException.Execution($"invalid regular expression in {function}(): {pattern}");
        }
    }

    private List<Series> EvalLabelReplace(Call c)
    {
        string dst = StringArg(c.Args[1]), replacement = StringArg(c.Args[2]), src = StringArg(c.Args[3]), pattern = StringArg(c.Args[4]);
        var regex = CompileAnchored(pattern, "label_replace");
        if (!IsValidLabelName(dst)) throw QueryException.Execution($"invalid destination label name in label_replace(): {dst}");
        var cache = new Dictionary<LabelSet, LabelSet>(ReferenceEqualityComparer.Instance as IEqualityComparer<LabelSet>);
        return RangeEval((args, ts, output) =>
        {
            foreach (var s in args[0])
            {
                if (!cache.TryGetValue(s.Metric, out var metric))
                {
                    metric = s.Metric;
                    var m = regex.Match(s.Metric.Get(src) ?? "");
                    if (m.Success)
                    {
                        var value = GoRegex.Expand(replacement, m, regex);
                        var b = new LabelSetBuilder().Reset(s.Metric);
                        if (value.Length == 0) b.Delete(dst); else b.Set(dst, value);
                        metric = b.Build();
                    }
                    cache[s.Metric] = metric;
                }
                output.Add(new Sample(metric, ts, s.F));
            }
            return true;
        }, c.Args[0]);
    }

    private List<Series> EvalLabelJoin(Call c)
    {
        string dst = StringArg(c.Args[1]), sep = StringArg(c.Args[2]);
        var srcs = c.Args.Skip(3).Select(StringArg).ToArray();
        foreach (var s in srcs)
            if (!IsValidLabelName(s)) throw QueryException.Execution($"invalid source label name in label_join(): {s}");
        if (!IsValidLabelName(dst)) throw QueryException.Execution($"invalid destination label name in label_join(): {dst}");
        var cache = new Dictionary<LabelSet, LabelSet>(ReferenceEqualityComparer.Instance as IEqualityComparer<LabelSet>);
        return RangeEval((args, ts, output) =>
        {
            foreach (var s in args[0])
            {
                if (!cache.TryGetValue(s.Metric, out var metric))
                {
                    var value = string.Join(sep, srcs.Select(n => s.Metric.Get(n) ?? ""));
                    var b = new LabelSetBuilder().Reset(s.Metric);
                    if (value.Length == 0) b.Delete(dst); else b.Set(dst, value);
                    cache[s.Metric] = metric = b.Build();
                }
                output.Add(new Sample(metric, ts, s.F));
            }
            return true;
        }, c.Args[0]);
    }

    private static string StringArg(Expr e) => Unwrap(e) is StringLiteral s ? s.Value
        : throw QueryException.Execution("expected a string literal argument");
}

