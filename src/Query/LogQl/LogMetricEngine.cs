using System.Text;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Engine;
using Mlobs.Storage.Logs;

namespace Mlobs.Query.LogQl;

/// <summary>One series of a metric query's result: its labels and a value per step (time in ns).</summary>
public sealed record LogSeries(LabelSet Labels, List<(long TimeNs, double Value)> Points);

/// <summary>
/// Evaluates LogQL metric queries at every step of [start, end], as Loki does: a range aggregation counts (or
/// sums the bytes of) each series' lines in the window (t − range, t] after the pipeline — a series being a
/// distinct label set, extracted labels included — and emits nothing for an empty window; vector aggregations
/// combine series per step; a comparison keeps (or, with bool, marks) the samples that pass.
/// </summary>
public sealed class LogMetricEngine(ILogQueryable store)
{
    /// <summary>Lines a query may read, so one query cannot take the box down.</summary>
    public long MaxLines { get; init; } = 5_000_000;

    /// <summary>The series at every step; an over-long read fails as an execution error, a cancelled one throws OperationCanceledException.</summary>
    public List<LogSeries> Evaluate(LogMetricExpr expr, long startNs, long endNs, long stepNs, QueryDeadline deadline = default)
    {
        if (stepNs <= 0) stepNs = 1;
        int steps = (int)Math.Min(11_000, (endNs - startNs) / stepNs + 1);
        _deadline = deadline;
        var result = Eval(expr, startNs, stepNs, steps);
        result.Sort((a, b) => a.Labels.CompareTo(b.Labels));
        return result;
    }

    private QueryDeadline _deadline;

    private List<LogSeries> Eval(LogMetricExpr expr, long start, long step, int steps) => expr switch
    {
        RangeAggregation r => Range(r, start, step, steps),
        VectorAggregation v => Aggregate(v, Eval(v.Inner, start, step, steps)),
        ScalarComparison c => Compare(c, Eval(c.Inner, start, step, steps)),
        _ => throw new InvalidOperationException("not a metric expression"),
    };

    private List<LogSeries> Range(RangeAggregation r, long start, long step, int steps)
    {
        long rangeNs = r.RangeMs * 1_000_000, end = start + (steps - 1) * step;
        var bySeries = new Dictionary<LabelSet, List<(long Ts, long Bytes)>>();
        long read = 0;
        string? error = null;
        bool countBytes = r.Function is "bytes_over_time" or "bytes_rate"; // counting UTF-8 bytes costs a pass over every line
        store.Scan(r.Query.Selector, start - rangeNs + 1, end, backward: false, e =>
        {
            if (++read > MaxLines) { error = $"the query would read more than {MaxLines} lines: narrow the selector or the range"; return false; }
            if ((read & 1023) == 0) _deadline.ThrowIfExpired();
            if (r.Query.Process(e) is not { } kept) return true;
            if (!bySeries.TryGetValue(kept.Stream, out var list)) bySeries[kept.Stream] = list = [];
            list.Add((kept.TimestampNs, countBytes ? Encoding.UTF8.GetByteCount(kept.Line) : 0));
            return true;
        }, r.Query.RequiredText);
        if (error is not null) throw QueryException.Execution(error);
        double seconds = r.RangeMs / 1000.0;
        if (r.Function == "absent_over_time")
        {
            var all = bySeries.Values.SelectMany(x => x).Select(x => x.Ts).Order().ToList();
            var points = new List<(long, double)>();
            int lo = 0, hi = 0;
            for (int i = 0; i < steps; i++)
            {
                long t = start + i * step;
                while (hi < all.Count && all[hi] <= t) hi++;
                while (lo < hi && all[lo] <= t - rangeNs) lo++;
                if (hi == lo) points.Add((t, 1));
            }
            var labels = new LabelSetBuilder();
            foreach (var m in r.Query.Selector) if (m.Type == LabelMatchType.Equal) labels.Set(m.Name, m.Value);
            return points.Count == 0 ? [] : [new LogSeries(labels.Build(), points)];
        }
        var result = new List<LogSeries>();
        foreach (var (labels, lines) in bySeries)
        {
            var points = new List<(long, double)>();
            int lo = 0, hi = 0;
            long bytes = 0;
            for (int i = 0; i < steps; i++)
            {
                long t = start + i * step;
                while (hi < lines.Count && lines[hi].Ts <= t) bytes += lines[hi++].Bytes;
                while (lo < hi && lines[lo].Ts <= t - rangeNs) bytes -= lines[lo++].Bytes;
                int count = hi - lo;
                if (count == 0) continue;
                points.Add((t, r.Function switch
                {
                    "count_over_time" => count,
                    "rate" => count / seconds,
                    "bytes_over_time" => bytes,
                    _ => bytes / seconds,
                }));
            }
            if (points.Count > 0) result.Add(new LogSeries(labels, points));
        }
        return result;
    }

    private static List<LogSeries> Aggregate(VectorAggregation a, List<LogSeries> input)
    {
        LabelSet GroupOf(LabelSet labels)
        {
            var b = new LabelSetBuilder();
            foreach (var l in labels.AsSpan())
                if (a.Without ? !a.Grouping.Contains(l.Name) : a.Grouping.Contains(l.Name)) b.Set(l.Name, l.Value);
            return b.Build();
        }
        var steps = input.SelectMany(s => s.Points.Select(p => p.TimeNs)).Distinct().Order().ToList();
        if (a.Op is "topk" or "bottomk")
        {
            var kept = new Dictionary<LabelSet, List<(long, double)>>();
            // Each series' points by time, and its group, once: not a search of every series per step.
            var byTime = input.Select(s => (s.Labels, Group: GroupOf(s.Labels), Points: s.Points.ToDictionary(p => p.TimeNs, p => p.Value))).ToList();
            foreach (var t in steps)
            {
                var samples = byTime.Where(s => s.Points.ContainsKey(t)).Select(s => (s.Labels, s.Group, Value: s.Points[t])).GroupBy(x => x.Group);
                foreach (var g in samples)
                {
                    var ordered = a.Op == "topk" ? g.OrderByDescending(x => x.Value) : g.OrderBy(x => x.Value);
                    foreach (var x in ordered.Take(a.K ?? 1))
                    {
                        if (!kept.TryGetValue(x.Labels, out var list)) kept[x.Labels] = list = [];
                        list.Add((t, x.Value));
                    }
                }
            }
            return kept.Select(kv => new LogSeries(kv.Key, kv.Value)).ToList();
        }
        var groups = new Dictionary<LabelSet, SortedDictionary<long, (double Sum, double Min, double Max, int Count)>>();
        foreach (var s in input)
        {
            var key = GroupOf(s.Labels);
            if (!groups.TryGetValue(key, out var perStep)) groups[key] = perStep = new SortedDictionary<long, (double, double, double, int)>();
            foreach (var (t, v) in s.Points)
            {
                perStep[t] = perStep.TryGetValue(t, out var acc)
                    ? (acc.Sum + v, Math.Min(acc.Min, v), Math.Max(acc.Max, v), acc.Count + 1)
                    : (v, v, v, 1);
            }
        }
        return groups.Select(g => new LogSeries(g.Key, g.Value.Select(kv => (kv.Key, a.Op switch
        {
            "sum" => kv.Value.Sum,
            "avg" => kv.Value.Sum / kv.Value.Count,
            "min" => kv.Value.Min,
            "max" => kv.Value.Max,
            _ => (double)kv.Value.Count,
        })).ToList())).ToList();
    }

    private static List<LogSeries> Compare(ScalarComparison c, List<LogSeries> input)
    {
        bool Passes(double v) => c.Op switch
        {
            ">" => v > c.Value,
            ">=" => v >= c.Value,
            "<" => v < c.Value,
            "<=" => v <= c.Value,
            "==" => v == c.Value,
            _ => v != c.Value,
        };
        var result = new List<LogSeries>();
        foreach (var s in input)
        {
            var points = c.ReturnBool
                ? s.Points.Select(p => (p.TimeNs, Passes(p.Value) ? 1.0 : 0.0)).ToList()
                : s.Points.Where(p => Passes(p.Value)).ToList();
            if (points.Count > 0) result.Add(new LogSeries(s.Labels, points));
        }
        return result;
    }
}
