using System.Globalization;
using Mlobs.Model.Labels;
using Mlobs.Model.Strconv;
using Mlobs.Query.PromQl.Ast;
using ValueType = Mlobs.Query.PromQl.Ast.ValueType;

namespace Mlobs.Query.PromQl.Engine;

/// <summary>Aggregation operators with by/without (engine.go's aggregation and aggregationK).</summary>
internal sealed partial class Evaluator
{
    private sealed class Group(LabelSet labels)
    {
        public LabelSet Labels = labels;
        public double Value, KahanC, Mean;
        public double Count;
        public bool IncrementalMean;
        public List<double>? Values;
    }

    private List<Series> EvalAggregate(AggregateExpr a)
    {
        if (a.Op is not (AggregateOp.Topk or AggregateOp.Bottomk) || _sortedSelect) return EvalAggregateCore(a);
        // Which of several equal values topk/bottomk keep depends on input order. Prometheus reads series sorted by
        // labels whenever more than one block is queried (its merge querier sorts), which is the usual case; so the
        // input of topk/bottomk is selected in label order here (other queries skip the sort).
        _sortedSelect = true;
        try { return EvalAggregateCore(a); }
        finally { _sortedSelect = false; }
    }

    private List<Series> EvalAggregateCore(AggregateExpr a)
    {
        var groupLabels = new Dictionary<LabelSet, LabelSet>(ReferenceEqualityComparer.Instance as IEqualityComparer<LabelSet>);
        var b = new LabelSetBuilder(); // GroupOf runs on the evaluating thread only
        LabelSet GroupOf(LabelSet metric)
        {
            if (groupLabels.TryGetValue(metric, out var g)) return g;
            b.Reset();
            foreach (var l in metric.AsSpan())
            {
                bool listed = Array.IndexOf(a.Grouping, l.Name) >= 0;
                if (a.Without ? !listed && l.Name != LabelSet.MetricName : listed) b.Set(l.Name, l.Value);
            }
            g = b.Build();
            groupLabels[metric] = g;
            return g;
        }

        if (a.Param is null && a.Op is AggregateOp.Sum or AggregateOp.Count or AggregateOp.Min or AggregateOp.Max or AggregateOp.Group
            && Unwrap(a.Inner) is Call inner && inner.Func.Name != "absent_over_time"
            && Array.FindIndex(inner.Args, x => x.Type == ValueType.Matrix) is var mi && mi >= 0)
        {
            var fused = new AggregatingSink(a.Op, StepCount, StepTime, GroupOf);
            try
            {
                RunRangeFunction(inner, mi, fused);
                return fused.Build();
            }
            catch (AggregatingSink.DuplicateSeriesException)
            {
                // Two inputs share labels once __name__ is gone: the unfused path reports (or tolerates) it exactly as Prometheus.
            }
        }

        if (a.Op is AggregateOp.Topk or AggregateOp.Bottomk && Unwrap(a.Inner) is Call topInner && topInner.Func.Name != "absent_over_time"
            && Array.FindIndex(topInner.Args, x => x.Type == ValueType.Matrix) is var ti && ti >= 0)
        {
            var k = new double[StepCount];
            Array.Fill(k, double.NaN);
            var ks = Eval(a.Param!);
            bool haveK = ks.Count > 0;
            if (haveK) foreach (var p in ks[0].Points) k[(int)((p.T - Start) / Interval)] = p.F;
            foreach (var kv in k)
            {
                if (!haveK) break;
                if (double.IsNaN(kv)) throw QueryException.Execution("Parameter value is NaN");
                if (kv >= 9.223372036854775807E18 || kv <= -9.223372036854775807E18)
                    throw QueryException.Execution($"Scalar value {ValueFormat.Float(kv)} overflows int64");
            }
            var fusedTop = new TopKSink(a.Op == AggregateOp.Bottomk, k, StepTime, GroupOf);
            try
            {
                if (haveK) RunRangeFunction(topInner, ti, fusedTop);
                return fusedTop.Build();
            }
            catch (AggregatingSink.DuplicateSeriesException)
            {
                // Fall back to the unfused path, which reports colliding label sets exactly as Prometheus.
            }
        }

        if (a.Op == AggregateOp.CountValues)
        {
            var label = ((StringLiteral)Unwrap(a.Param!)).Value;
            if (!IsValidLabelName(label)) throw QueryException.Execution($"invalid label name {Mlobs.Model.Strconv.GoBytes.Quote(label)}");
            return RangeEval((args, ts, output) =>
            {
                var counts = new Dictionary<LabelSet, int>();
                var order = new List<LabelSet>();
                foreach (var s in args[0])
                {
                    var key = new LabelSetBuilder().Reset(GroupOf(s.Metric)).Set(label, ValueFormat.Float(s.F)).Build();
                    if (counts.TryGetValue(key, out int c)) counts[key] = c + 1;
                    else { counts[key] = 1; order.Add(key); }
                }
                foreach (var key in order) output.Add(new Sample(key, ts, counts[key]));
                return true;
            }, a.Inner);
        }

        var exprs = a.Param is null ? new[] { a.Inner } : new[] { a.Inner, a.Param };
        return RangeEval((args, ts, output) =>
        {
            double param = 0;
            if (a.Param is not null)
            {
                if (args[1].Count == 0) return true;
                param = args[1][0].F;
                if (a.Op == AggregateOp.Quantile) WarnQuantile(param, a.Param);
            }
            if (a.Op is AggregateOp.Topk or AggregateOp.Bottomk)
            {
                if (double.IsNaN(param)) throw QueryException.Execution("Parameter value is NaN");
                if (param >= 9.223372036854775807E18 || param <= -9.223372036854775807E18)
                    throw QueryException.Execution($"Scalar value {ValueFormat.Float(param)} overflows int64");
                long k = (long)param;
                if (k < 1) return true;
                TopK(args[0], k, a.Op == AggregateOp.Bottomk, GroupOf, output);
                return true;
            }
            var groups = new Dictionary<LabelSet, Group>();
            var order = new List<Group>();
            foreach (var s in args[0])
            {
                var key = GroupOf(s.Metric);
                if (!groups.TryGetValue(key, out var g))
                {
                    g = new Group(key) { Value = s.F, Mean = s.F, Count = 1 };
                    // A NaN or infinite sample makes the group's deviation NaN (Prometheus 3.5).
                    if (a.Op is AggregateOp.Stddev or AggregateOp.Stdvar) g.Value = double.IsFinite(s.F) ? 0 : double.NaN;
                    if (a.Op == AggregateOp.Quantile) g.Values = [s.F];
                    if (a.Op == AggregateOp.Sum) g.Value = s.F;
                    if (a.Op == AggregateOp.Avg) { g.Value = s.F; g.Mean = s.F; }
                    groups[key] = g;
                    order.Add(g);
                    continue;
                }
                Accumulate(a.Op, g, s.F);
            }
            foreach (var g in order) output.Add(new Sample(g.Labels, ts, Finish(a.Op, g, param)));
            return true;
        }, exprs);
    }

    /// <summary>
    /// sum/count/min/max/group over a range function of a selector, accumulated per group and step as each input
    /// series streams by, so the function's per-series output is never materialised. Inputs arrive in the same
    /// order as the unfused evaluation visits them, so compensated sums come out bit-identical.
    /// </summary>
    private sealed class AggregatingSink(AggregateOp op, int steps, Func<int, long> stepTime, Func<LabelSet, LabelSet> groupOf) : IStepSink
    {
        public sealed class DuplicateSeriesException() : Exception("duplicate series after dropping the metric name");

        private sealed class Acc(LabelSet labels, int steps)
        {
            public readonly LabelSet Labels = labels;
            public readonly double[] Value = new double[steps], C = new double[steps];
            public readonly int[] N = new int[steps];
        }

        private readonly Dictionary<LabelSet, Acc> _groups = new();
        private readonly List<Acc> _order = [];
        private readonly HashSet<LabelSet> _inputs = [];

        public void AddSeries(LabelSet labels, StepRow row)
        {
            if (row.Count == 0) return;
            if (!_inputs.Add(labels)) throw new DuplicateSeriesException();
            var key = groupOf(labels);
            if (!_groups.TryGetValue(key, out var g))
            {
                g = new Acc(key, steps);
                _groups[key] = g;
                _order.Add(g);
            }
            var has = row.Has;
            var values = row.Values;
            var n = g.N;
            var sums = g.Value;
            var cs = g.C;
            int rowSteps = row.Steps;
            // One loop per operator: this runs for every (series, step) on the evaluating thread.
            switch (op)
            {
                case AggregateOp.Sum:
                    for (int step = 0; step < rowSteps; step++)
                    {
                        if (!has[step]) continue;
                        double f = values[step];
                        if (n[step]++ == 0) { sums[step] = f; continue; }
                        (sums[step], cs[step]) = Kahan.Inc(f, sums[step], cs[step]);
                    }
                    break;
                case AggregateOp.Min or AggregateOp.Max:
                    bool min = op == AggregateOp.Min;
                    for (int step = 0; step < rowSteps; step++)
                    {
                        if (!has[step]) continue;
                        double f = values[step], current = sums[step];
                        if (n[step]++ == 0 || (min ? current > f : current < f) || double.IsNaN(current)) sums[step] = f;
                    }
                    break;
                default: // count, group: only how many
                    for (int step = 0; step < rowSteps; step++)
                        if (has[step]) n[step]++;
                    break;
            }
        }

        public List<Series> Build()
        {
            var result = new List<Series>(_order.Count);
            foreach (var g in _order)
            {
                var points = new List<FPoint>();
                for (int i = 0; i < steps; i++)
                {
                    if (g.N[i] == 0) continue;
                    double v = op switch
                    {
                        AggregateOp.Sum => g.Value[i] + g.C[i],
                        AggregateOp.Count => g.N[i],
                        AggregateOp.Group => 1,
                        _ => g.Value[i],
                    };
                    points.Add(new FPoint(stepTime(i), v));
                }
                result.Add(new Series(g.Labels, points));
            }
            return result;
        }
    }

    /// <summary>
    /// topk/bottomk over a range function: the k best per group and step are kept while input series stream by,
    /// in the same heap (and input order) as the unfused path, so the same series win.
    /// </summary>
    private sealed class TopKSink(bool bottom, double[] k, Func<int, long> stepTime, Func<LabelSet, LabelSet> groupOf) : IStepSink
    {
        /// <summary>A group's heap per step, and each full heap's root value (the worst kept).</summary>
        private sealed class Heaps(int steps)
        {
            public readonly TopKHeap<(LabelSet Labels, double F)>?[] ByStep = new TopKHeap<(LabelSet, double)>?[steps];
            public readonly double[] Root = new double[steps];
        }

        private readonly Dictionary<LabelSet, Heaps> _groups = new();
        private readonly HashSet<LabelSet> _inputs = [];
        private readonly long[] _k = Array.ConvertAll(k, x => double.IsNaN(x) ? 0 : (long)x);

        public void AddSeries(LabelSet labels, StepRow row)
        {
            if (row.Count == 0) return;
            if (!_inputs.Add(labels)) throw new AggregatingSink.DuplicateSeriesException();
            var key = groupOf(labels);
            if (!_groups.TryGetValue(key, out var g)) _groups[key] = g = new Heaps(k.Length);
            var has = row.Has;
            var values = row.Values;
            for (int step = 0; step < g.ByStep.Length; step++)
            {
                if (!has[step]) continue;
                long kk = _k[step];
                if (kk < 1) continue;
                double f = values[step];
                var heap = g.ByStep[step];
                if (heap is not null && heap.Count >= kk)
                {
                    // Most samples lose to a full heap's root: decide that here, as TopKHeap.Add would, without a call.
                    double root = g.Root[step];
                    bool better = bottom ? root > f : root < f;
                    if (!better && !(double.IsNaN(root) && !double.IsNaN(f))) continue;
                }
                heap ??= g.ByStep[step] = new TopKHeap<(LabelSet Labels, double F)>(bottom, x => x.F);
                heap.Add((labels, f), kk);
                g.Root[step] = heap.RootValue;
            }
        }

        public List<Series> Build()
        {
            var bySeries = new Dictionary<LabelSet, Series>();
            var result = new List<Series>();
            for (int step = 0; step < k.Length; step++)
            {
                foreach (var perStep in _groups.Values)
                {
                    var heap = perStep.ByStep[step];
                    if (heap is null) continue;
                    foreach (var (labels, f) in heap.Sorted())
                    {
                        if (!bySeries.TryGetValue(labels, out var series))
                        {
                            bySeries[labels] = series = new Series(labels, []);
                            result.Add(series);
                        }
                        series.Points.Add(new FPoint(stepTime(step), f));
                    }
                }
            }
            return result;
        }
    }

    private static void Accumulate(AggregateOp op, Group g, double f)
    {
        switch (op)
        {
            case AggregateOp.Sum:
                (g.Value, g.KahanC) = Kahan.Inc(f, g.Value, g.KahanC);
                break;
            case AggregateOp.Avg:
                g.Count++;
                if (!g.IncrementalMean)
                {
                    var (newV, newC) = Kahan.Inc(f, g.Value, g.KahanC);
                    if (!double.IsInfinity(newV)) { g.Value = newV; g.KahanC = newC; break; }
                    // The sum would overflow: continue with an incremental mean.
                    g.IncrementalMean = true;
                    g.Mean = g.Value / (g.Count - 1);
                    g.KahanC /= g.Count - 1;
                }
                if (double.IsInfinity(g.Mean))
                {
                    if (double.IsInfinity(f) && (g.Mean > 0) == (f > 0)) break;
                    if (!double.IsInfinity(f) && !double.IsNaN(f)) break;
                }
                double currentMean = g.Mean + g.KahanC;
                (g.Mean, g.KahanC) = Kahan.Inc(f / g.Count - currentMean / g.Count, g.Mean, g.KahanC);
                break;
            case AggregateOp.Count:
            case AggregateOp.Group:
                g.Count++;
                break;
            case AggregateOp.Min:
                if (g.Value > f || double.IsNaN(g.Value)) g.Value = f;
                break;
            case AggregateOp.Max:
                if (g.Value < f || double.IsNaN(g.Value)) g.Value = f;
                break;
            case AggregateOp.Stddev:
            case AggregateOp.Stdvar:
            {
                g.Count++;
                double delta = f - g.Mean;
                g.Mean += delta / g.Count;
                g.Value += delta * (f - g.Mean);
                break;
            }
            case AggregateOp.Quantile:
                g.Values!.Add(f);
                break;
        }
    }

    private static double Finish(AggregateOp op, Group g, double param) => op switch
    {
        AggregateOp.Sum => g.Value + g.KahanC,
        AggregateOp.Avg => g.IncrementalMean ? g.Mean + g.KahanC : (g.Value + g.KahanC) / g.Count,
        AggregateOp.Count => g.Count,
        AggregateOp.Group => 1,
        AggregateOp.Min or AggregateOp.Max => g.Value,
        AggregateOp.Stdvar => g.Value / g.Count,
        AggregateOp.Stddev => Math.Sqrt(g.Value / g.Count),
        AggregateOp.Quantile => Quantiles.Of(param, g.Values!),
        _ => throw QueryException.Execution($"unsupported aggregation {op}"),
    };

    /// <summary>topk/bottomk: the k largest (smallest) samples per group, labels unchanged, largest (smallest) first.</summary>
    private static void TopK(List<Sample> input, long k, bool bottom, Func<LabelSet, LabelSet> groupOf, List<Sample> output)
    {
        var groups = new Dictionary<LabelSet, TopKHeap<Sample>>();
        var order = new List<TopKHeap<Sample>>();
        foreach (var s in input)
        {
            var key = groupOf(s.Metric);
            if (!groups.TryGetValue(key, out var heap))
            {
                groups[key] = heap = new TopKHeap<Sample>(bottom, x => x.F);
                order.Add(heap);
            }
            heap.Add(s, k);
        }
        foreach (var heap in order) output.AddRange(heap.Sorted());
    }

    /// <summary>Prometheus 3 label names: any non-empty valid UTF-8.</summary>
    internal static bool IsValidLabelName(string name) => name.Length > 0 && Mlobs.Model.Strconv.GoBytes.IsValidUtf8(name);
}
