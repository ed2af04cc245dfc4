using System.Runtime.InteropServices;
using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Ast;
using Mlobs.Storage;
using ValueType = Mlobs.Query.PromQl.Ast.ValueType;

namespace Mlobs.Query.PromQl.Engine;

/// <summary>
/// Evaluates an expression over the steps Start, Start+Interval, ..., End (promql/engine.go's evaluator).
/// Every node yields a "matrix over steps": one <see cref="Series"/> per output label set holding a point at
/// each step where it has a value; an instant query is the one-step case. Scalars are one series with no labels.
/// Storage is reached only through <see cref="IQueryableStorage"/> queriers.
/// </summary>
internal sealed partial class Evaluator
{
    private readonly IQueryableStorage _storage;
    private readonly EngineOptions _options;
    private readonly CancellationToken _ct;
    private readonly Annotations _annotations;
    private long _samplesLoaded;

    /// <summary>Select series in label order (set while evaluating the input of topk/bottomk).</summary>
    private bool _sortedSelect;

    public Evaluator(IQueryableStorage storage, EngineOptions options, long start, long end, long interval,
        CancellationToken ct, Annotations annotations)
    {
        _storage = storage;
        _options = options;
        Start = start;
        End = end;
        Interval = interval;
        _ct = ct;
        _annotations = annotations;
    }

    public long Start { get; }
    public long End { get; }
    public long Interval { get; }
    public int StepCount => (int)((End - Start) / Interval) + 1;
    public long StepTime(int i) => Start + i * Interval;

    public List<Series> Eval(Expr expr)
    {
        _ct.ThrowIfCancellationRequested();
        switch (expr)
        {
            case NumberLiteral n:
                return [ConstantSeries(n.Value)];
            case ParenExpr p:
                return Eval(p.Inner);
            case UnaryExpr u:
                return EvalUnary(u);
            case VectorSelector vs:
                return EvalVectorSelector(vs, timestamps: false);
            case BinaryExpr b:
                return EvalBinary(b);
            case AggregateExpr a:
                return EvalAggregate(a);
            case Call c:
                return EvalCall(c);
            case MatrixSelector or SubqueryExpr when Start == End:
                return EvalRangeVectorAt(expr, Start);
            case StringLiteral:
                throw QueryException.Execution("string literals are only allowed as function arguments or query results");
            default:
                throw QueryException.Execution($"unexpected expression type {expr.GetType().Name} in range evaluation");
        }
    }

    private Series ConstantSeries(double value)
    {
        var points = new List<FPoint>(StepCount);
        for (int i = 0; i < StepCount; i++) points.Add(new FPoint(StepTime(i), value));
        return new Series(LabelSet.Empty, points);
    }

    private List<Series> EvalUnary(UnaryExpr u)
    {
        var result = Eval(u.Operand);
        if (u.Op != BinaryOp.Sub) return result;
        foreach (var s in result)
        {
            var span = CollectionsMarshal.AsSpan(s.Points);
            for (int i = 0; i < span.Length; i++) span[i] = span[i] with { F = -span[i].F };
            if (u.Operand.Type == ValueType.Vector) s.Metric = s.Metric.Without(LabelSet.MetricName);
        }
        return u.Operand.Type == ValueType.Vector ? MergeDuplicates(result) : result;
    }

    /// <summary>After dropping __name__, two series may share labels; Prometheus errors when they collide at a step.</summary>
    private static List<Series> MergeDuplicates(List<Series> series)
    {
        var byLabels = new Dictionary<LabelSet, Series>(series.Count);
        var result = new List<Series>(series.Count);
        foreach (var s in series)
        {
            if (!byLabels.TryGetValue(s.Metric, out var existing))
            {
                byLabels[s.Metric] = s;
                result.Add(s);
                continue;
            }
            var merged = new List<FPoint>(existing.Points.Count + s.Points.Count);
            int i = 0, j = 0;
            while (i < existing.Points.Count || j < s.Points.Count)
            {
                if (j >= s.Points.Count || i < existing.Points.Count && existing.Points[i].T < s.Points[j].T) merged.Add(existing.Points[i++]);
                else if (i >= existing.Points.Count || s.Points[j].T < existing.Points[i].T) merged.Add(s.Points[j++]);
                else throw QueryException.Execution("vector cannot contain metrics with the same labelset");
            }
            existing.Points.Clear();
            existing.Points.AddRange(merged);
        }
        return result;
    }

    // ---- selectors ----------------------------------------------------------------------------------------

    /// <summary>The time a selector looks at for step time ts: the @ time if set, minus the offset.</summary>
    private static long ReferenceTime(TimeModifiers m, long ts) => (m.At == AtModifier.None ? ts : m.AtMs) - m.OffsetMs;

    /// <summary>
    /// Streams the samples in (mint, maxt] of every matching series through one reused buffer (so nothing is kept
    /// per series unless <paramref name="visit"/> copies it); stale markers are dropped when asked, as range
    /// selections do.
    /// </summary>
    internal void ForEachSeries(LabelMatcher[] matchers, long mint, long maxt, bool dropStale, Action<LabelSet, List<FPoint>> visit)
    {
        using var q = _storage.Querier(mint + 1, maxt);
        var set = q.Select(_sortedSelect, matchers);
        ISampleIterator? it = null;
        var buffer = new List<FPoint>(256);
        while (set.Next())
        {
            _ct.ThrowIfCancellationRequested();
            it = set.Current.Iterator(it);
            ReadSamples(it, mint, maxt, dropStale, buffer);
            if (buffer.Count == 0) continue;
            CountSamples(buffer.Count);
            visit(set.Current.Labels, buffer);
        }
        if (set.Error is { } error) throw QueryException.Execution(error.Message);
    }

    /// <summary>Replaces <paramref name="into"/>'s contents with the iterator's samples in (mint, maxt], stale markers dropped if asked.</summary>
    private static void ReadSamples(ISampleIterator it, long mint, long maxt, bool dropStale, List<FPoint> into)
    {
        into.Clear();
        if (!it.Seek(mint + 1)) return;
        long t = it.Timestamp;
        if (t > maxt) return;
        double v = it.Value;
        if (!dropStale || !StaleNaN.Is(v)) into.Add(new FPoint(t, v));
        Span<long> ts = stackalloc long[128];
        Span<double> vs = stackalloc double[128];
        int n;
        while ((n = it.NextBatch(ts, vs)) > 0)
        {
            // Grow the list once per batch and write through a span: this runs for every sample a query reads.
            int at = into.Count;
            CollectionsMarshal.SetCount(into, at + n);
            var dest = CollectionsMarshal.AsSpan(into);
            int kept = at;
            bool pastEnd = false;
            for (int i = 0; i < n; i++)
            {
                if (ts[i] > maxt) { pastEnd = true; break; }
                if (dropStale && StaleNaN.Is(vs[i])) continue;
                dest[kept++] = new FPoint(ts[i], vs[i]);
            }
            CollectionsMarshal.SetCount(into, kept);
            if (pastEnd) return;
        }
    }

    private void CountSamples(long n)
    {
        _samplesLoaded += n;
        if (_samplesLoaded > _options.MaxSamples)
            throw QueryException.Execution("query processing would load too many samples into memory in query execution");
    }

    private List<Series> EvalVectorSelector(VectorSelector vs, bool timestamps)
    {
        long lookback = _options.LookbackDeltaMs;
        long firstRef = ReferenceTime(vs.Modifiers, Start), lastRef = ReferenceTime(vs.Modifiers, End);
        long mint = Math.Min(firstRef, lastRef) - lookback, maxt = Math.Max(firstRef, lastRef);
        var result = new List<Series>();
        ForEachSeries(vs.Matchers, mint, maxt, dropStale: false, (labels, samples) =>
        {
            var points = new List<FPoint>();
            int j = 0;
            for (int i = 0; i < StepCount; i++)
            {
                long ts = StepTime(i);
                long refT = ReferenceTime(vs.Modifiers, ts);
                // Latest sample at or before refT (samples are in time order and refT never decreases).
                while (j < samples.Count && samples[j].T <= refT) j++;
                if (j == 0) continue;
                var s = samples[j - 1];
                if (s.T <= refT - lookback || StaleNaN.Is(s.F)) continue;
                points.Add(new FPoint(ts, timestamps ? s.T / 1000.0 : s.F));
            }
            if (points.Count > 0) result.Add(new Series(labels, points));
        });
        return result;
    }

    /// <summary>
    /// A range vector (matrix selector or subquery) as the raw points each series has in its window at one
    /// evaluation time: the result of an instant query such as <c>foo[5m]</c>.
    /// </summary>
    private List<Series> EvalRangeVectorAt(Expr expr, long ts)
    {
        var windows = LoadRangeVector(expr);
        var result = new List<Series>();
        foreach (var w in windows)
        {
            var (lo, hi) = w.Window(ts);
            if (hi > lo) result.Add(new Series(w.Labels, w.Points.GetRange(lo, hi - lo)));
        }
        return result;
    }

    /// <summary>The points of one series of a range vector, with the range and modifiers that define its windows.</summary>
    internal sealed class RangeSeries(LabelSet labels, List<FPoint> points, long rangeMs, TimeModifiers modifiers)
    {
        public LabelSet Labels { get; } = labels;
        public List<FPoint> Points { get; } = points;
        public long RangeMs { get; } = rangeMs;
        public TimeModifiers Modifiers { get; } = modifiers;

        /// <summary>Index range [lo, hi) of the points in the left-open window (refT - range, refT] for step time ts.</summary>
        public (int Lo, int Hi) Window(long ts)
        {
            long end = ReferenceTime(Modifiers, ts), start = end - RangeMs;
            var span = CollectionsMarshal.AsSpan(Points);
            return (UpperBound(span, start), UpperBound(span, end));
        }

        /// <summary>First index whose timestamp is greater than t.</summary>
        private static int UpperBound(ReadOnlySpan<FPoint> points, long t)
        {
            int lo = 0, hi = points.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (points[mid].T <= t) lo = mid + 1; else hi = mid;
            }
            return lo;
        }
    }

    /// <summary>Loads a matrix selector's samples (stale markers dropped) or evaluates a subquery, for all steps.</summary>
    internal List<RangeSeries> LoadRangeVector(Expr expr)
    {
        expr = Unwrap(expr);
        if (expr is MatrixSelector ms)
        {
            var result = new List<RangeSeries>();
            ForEachRangeSeries(ms, (labels, samples) => result.Add(new RangeSeries(labels, [.. samples], ms.RangeMs, ms.Selector.Modifiers)));
            return result;
        }
        if (expr is SubqueryExpr sq) return EvalSubquery(sq);
        throw QueryException.Execution($"expected a range vector, got {expr.GetType().Name}");
    }

    private List<RangeSeries> EvalSubquery(SubqueryExpr sq)
    {
        long step = sq.StepMs > 0 ? sq.StepMs : _options.DefaultSubqueryStepMs;
        var m = sq.Modifiers;
        long firstRef = ReferenceTime(m, Start), lastRef = ReferenceTime(m, End);
        long from = Math.Min(firstRef, lastRef) - sq.RangeMs, to = Math.Max(firstRef, lastRef);
        // The first step after (from) that is a multiple of the step, as Prometheus aligns subqueries.
        long alignedStart = step * (from / step);
        if (alignedStart <= from) alignedStart += step;
        if (alignedStart > to) return [];
        long alignedEnd = to - (to - alignedStart) % step;
        var inner = new Evaluator(_storage, _options, alignedStart, alignedEnd, step, _ct, _annotations) { _samplesLoaded = _samplesLoaded };
        var series = inner.Eval(sq.Inner);
        _samplesLoaded = inner._samplesLoaded;
        var result = new List<RangeSeries>(series.Count);
        foreach (var s in series)
        {
            s.Points.RemoveAll(p => StaleNaN.Is(p.F));
            if (s.Points.Count > 0) result.Add(new RangeSeries(s.Metric, s.Points, sq.RangeMs, m));
        }
        return result;
    }

    internal static Expr Unwrap(Expr e)
    {
        while (e is ParenExpr p) e = p.Inner;
        return e;
    }

    // ---- step-wise evaluation of instant-vector operations ---------------------------------------------------

    /// <summary>
    /// Evaluates the arguments over all steps, then calls <paramref name="step"/> once per step with each
    /// argument's vector at that step, collecting the outputs into series (engine.go's rangeEval).
    /// </summary>
    private List<Series> RangeEval(Func<List<Sample>[], long, List<Sample>, bool> step, params Expr[] args)
    {
        var matrices = new List<Series>[args.Length];
        for (int a = 0; a < args.Length; a++) matrices[a] = Eval(args[a]);
        var cursors = new int[args.Length][];
        for (int a = 0; a < args.Length; a++) cursors[a] = new int[matrices[a].Count];
        var vectors = new List<Sample>[args.Length];
        for (int a = 0; a < args.Length; a++) vectors[a] = new List<Sample>();
        var output = new List<Sample>();
        var outSeries = new Dictionary<LabelSet, Series>();
        var order = new List<Series>();
        var seenThisStep = new HashSet<LabelSet>();
        for (int i = 0; i < StepCount; i++)
        {
            _ct.ThrowIfCancellationRequested();
            long ts = StepTime(i);
            for (int a = 0; a < args.Length; a++)
            {
                var v = vectors[a];
                v.Clear();
                var m = matrices[a];
                var c = cursors[a];
                for (int s = 0; s < m.Count; s++)
                {
                    var pts = m[s].Points;
                    if (c[s] < pts.Count && pts[c[s]].T == ts)
                    {
                        v.Add(new Sample(m[s].Metric, ts, pts[c[s]].F));
                        c[s]++;
                    }
                }
            }
            output.Clear();
            if (!step(vectors, ts, output)) continue;
            seenThisStep.Clear();
            foreach (var sample in output)
            {
                if (!seenThisStep.Add(sample.Metric))
                    throw QueryException.Execution("vector cannot contain metrics with the same labelset");
                if (!outSeries.TryGetValue(sample.Metric, out var series))
                {
                    series = new Series(sample.Metric, new List<FPoint>());
                    outSeries[sample.Metric] = series;
                    order.Add(series);
                }
                series.Points.Add(new FPoint(ts, sample.F));
            }
        }
        return order;
    }

    private void Warn(string warning, Expr? about = null) => _annotations.Warn(warning, about?.Position ?? -1);

    private void Info(string info, Expr? about = null) => _annotations.Info(info, about?.Position ?? -1);
}
