using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Ast;
using Mlobs.Query.PromQl.Parser;
using ValueType = Mlobs.Query.PromQl.Ast.ValueType;

namespace Mlobs.Query.PromQl.Engine;

/// <summary>Binary operators: scalar/scalar, vector/scalar and vector/vector with on/ignoring and group_x (engine.go).</summary>
internal sealed partial class Evaluator
{
    private List<Series> EvalBinary(BinaryExpr b)
    {
        var lt = b.Lhs.Type;
        var rt = b.Rhs.Type;
        if (lt == ValueType.Scalar && rt == ValueType.Scalar)
        {
            return RangeEval((args, ts, output) =>
            {
                if (args[0].Count == 0 || args[1].Count == 0) return true;
                var (value, keep) = ElementOp(b.Op, args[0][0].F, args[1][0].F);
                if (PromQlParser.IsComparison(b.Op)) value = keep ? 1 : 0;
                output.Add(new Sample(LabelSet.Empty, ts, value));
                return true;
            }, b.Lhs, b.Rhs);
        }
        if (lt == ValueType.Vector && rt == ValueType.Vector)
        {
            var matching = b.Matching ?? new VectorMatching(PromQlParser.IsSetOperator(b.Op) ? VectorMatchCardinality.ManyToMany : VectorMatchCardinality.OneToOne, [], false, []);
            var sigs = new SignatureCache(matching);
            var resultMetrics = new Dictionary<(LabelSet, LabelSet), LabelSet>();
            return RangeEval((args, ts, output) =>
            {
                switch (b.Op)
                {
                    case BinaryOp.And: And(args[0], args[1], sigs, output); break;
                    case BinaryOp.Or: Or(args[0], args[1], sigs, output); break;
                    case BinaryOp.Unless: Unless(args[0], args[1], sigs, output); break;
                    default: VectorBinop(b.Op, args[0], args[1], matching, b.ReturnBool, sigs, resultMetrics, output); break;
                }
                return true;
            }, b.Lhs, b.Rhs);
        }
        bool swap = lt == ValueType.Scalar;
        var vectorExpr = swap ? b.Rhs : b.Lhs;
        var scalarExpr = swap ? b.Lhs : b.Rhs;
        var dropped = new Dictionary<LabelSet, LabelSet>(ReferenceEqualityComparer.Instance as IEqualityComparer<LabelSet>);
        return RangeEval((args, ts, output) =>
        {
            if (args[1].Count == 0) return true;
            double scalar = args[1][0].F;
            foreach (var s in args[0])
            {
                double l = s.F, r = scalar;
                if (swap) (l, r) = (r, l);
                var (value, keep) = ElementOp(b.Op, l, r);
                // A comparison keeps the vector's own value, even when the scalar is on the left.
                if (PromQlParser.IsComparison(b.Op) && swap) value = r;
                if (b.ReturnBool) { value = keep ? 1 : 0; keep = true; }
                if (!keep) continue;
                var metric = s.Metric;
                if (DropsMetricName(b.Op) || b.ReturnBool)
                {
                    if (!dropped.TryGetValue(metric, out var d)) dropped[metric] = d = metric.Without(LabelSet.MetricName);
                    metric = d;
                }
                output.Add(new Sample(metric, ts, value));
            }
            return true;
        }, vectorExpr, scalarExpr);
    }

    private static bool DropsMetricName(BinaryOp op) => op is BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul or BinaryOp.Div
        or BinaryOp.Mod or BinaryOp.Pow or BinaryOp.Atan2;

    /// <summary>The value and, for comparisons, whether the element is kept (vectorElemBinop).</summary>
    internal static (double Value, bool Keep) ElementOp(BinaryOp op, double l, double r) => op switch
    {
        BinaryOp.Add => (l + r, true),
        BinaryOp.Sub => (l - r, true),
        BinaryOp.Mul => (l * r, true),
        BinaryOp.Div => (l / r, true),
        BinaryOp.Pow => (Math.Pow(l, r), true),
        BinaryOp.Mod => (l % r, true),
        BinaryOp.Atan2 => (Math.Atan2(l, r), true),
        BinaryOp.Eql => (l, l == r),
        BinaryOp.Neq => (l, l != r),
        BinaryOp.Gtr => (l, l > r),
        BinaryOp.Lss => (l, l < r),
        BinaryOp.Gte => (l, l >= r),
        BinaryOp.Lte => (l, l <= r),
        _ => throw QueryException.Execution($"operator \"{Printer.OpText(op)}\" not allowed for scalar operations"),
    };

    /// <summary>Matching signatures per series labels, computed once per label set (on: only those labels; ignoring: all but those and __name__).</summary>
    private sealed class SignatureCache(VectorMatching matching)
    {
        private readonly Dictionary<LabelSet, ulong> _cache = new(ReferenceEqualityComparer.Instance as IEqualityComparer<LabelSet>);

        public ulong Of(LabelSet labels)
        {
            if (_cache.TryGetValue(labels, out var sig)) return sig;
            ulong h = 14695981039346656037UL;
            foreach (var l in labels.AsSpan())
            {
                bool listed = Array.IndexOf(matching.MatchingLabels, l.Name) >= 0;
                bool include = matching.On ? listed : !listed && l.Name != LabelSet.MetricName;
                if (!include) continue;
                h = Mix(h, l.Name);
                h = Mix(h, l.Value);
            }
            _cache[labels] = h;
            return h;
        }

        private static ulong Mix(ulong h, string s)
        {
            foreach (char c in s) { h ^= c; h *= 1099511628211UL; }
            h ^= 0xff; h *= 1099511628211UL; // separator
            return h;
        }
    }

    private static void And(List<Sample> lhs, List<Sample> rhs, SignatureCache sigs, List<Sample> output)
    {
        if (lhs.Count == 0 || rhs.Count == 0) return;
        var right = new HashSet<ulong>();
        foreach (var s in rhs) right.Add(sigs.Of(s.Metric));
        foreach (var s in lhs) if (right.Contains(sigs.Of(s.Metric))) output.Add(s);
    }

    private static void Or(List<Sample> lhs, List<Sample> rhs, SignatureCache sigs, List<Sample> output)
    {
        var left = new HashSet<ulong>();
        foreach (var s in lhs) { left.Add(sigs.Of(s.Metric)); output.Add(s); }
        foreach (var s in rhs) if (!left.Contains(sigs.Of(s.Metric))) output.Add(s);
    }

    private static void Unless(List<Sample> lhs, List<Sample> rhs, SignatureCache sigs, List<Sample> output)
    {
        var right = new HashSet<ulong>();
        foreach (var s in rhs) right.Add(sigs.Of(s.Metric));
        foreach (var s in lhs) if (!right.Contains(sigs.Of(s.Metric))) output.Add(s);
    }

    private static void VectorBinop(BinaryOp op, List<Sample> lhs, List<Sample> rhs, VectorMatching matching, bool returnBool,
        SignatureCache sigs, Dictionary<(LabelSet, LabelSet), LabelSet> resultMetrics, List<Sample> output)
    {
        if (lhs.Count == 0 || rhs.Count == 0) return;
        bool oneToMany = matching.Card == VectorMatchCardinality.OneToMany;
        if (oneToMany) (lhs, rhs) = (rhs, lhs);
        var rightSigs = new Dictionary<ulong, Sample>(rhs.Count);
        foreach (var rs in rhs)
        {
            ulong sig = sigs.Of(rs.Metric);
            if (rightSigs.TryGetValue(sig, out var dupl))
            {
                string oneSide = oneToMany ? "left" : "right";
                var matched = MatchLabels(rs.Metric, matching);
                throw QueryException.Execution($"found duplicate series for the match group {matched} on the {oneSide} hand-side of the operation: [{rs.Metric}, {dupl.Metric}];many-to-many matching not allowed: matching labels must be unique on one side");
            }
            rightSigs[sig] = rs;
        }
        var matchedSigs = new Dictionary<ulong, HashSet<LabelSet>?>();
        foreach (var ls in lhs)
        {
            ulong sig = sigs.Of(ls.Metric);
            if (!rightSigs.TryGetValue(sig, out var rs)) continue;
            double fl = ls.F, fr = rs.F;
            if (oneToMany) (fl, fr) = (fr, fl);
            var (value, keep) = ElementOp(op, fl, fr);
            if (returnBool) value = keep ? 1 : 0;
            else if (!keep) continue;
            var metric = ResultMetric(ls.Metric, rs.Metric, op, matching, resultMetrics);
            if (returnBool) metric = metric.Without(LabelSet.MetricName);
            matchedSigs.TryGetValue(sig, out var inserted);
            bool exists = matchedSigs.ContainsKey(sig);
            if (matching.Card == VectorMatchCardinality.OneToOne)
            {
                if (exists) throw QueryException.Execution("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
                matchedSigs[sig] = null;
            }
            else
            {
                if (!exists) matchedSigs[sig] = inserted = new HashSet<LabelSet>();
                if (!inserted!.Add(metric)) throw QueryException.Execution("multiple matches for labels: grouping labels must ensure unique matches");
            }
            output.Add(new Sample(metric, ls.T, value));
        }
    }

    private static LabelSet MatchLabels(LabelSet labels, VectorMatching matching)
    {
        var b = new LabelSetBuilder();
        foreach (var l in labels.AsSpan())
        {
            bool listed = Array.IndexOf(matching.MatchingLabels, l.Name) >= 0;
            if (matching.On ? listed : !listed && l.Name != LabelSet.MetricName) b.Set(l.Name, l.Value);
        }
        return b.Build();
    }

    private static LabelSet ResultMetric(LabelSet lhs, LabelSet rhs, BinaryOp op, VectorMatching matching,
        Dictionary<(LabelSet, LabelSet), LabelSet> cache)
    {
        if (cache.TryGetValue((lhs, rhs), out var cached)) return cached;
        var b = new LabelSetBuilder().Reset(lhs);
        if (DropsMetricName(op)) b.Delete(LabelSet.MetricName);
        if (matching.Card == VectorMatchCardinality.OneToOne)
        {
            if (matching.On) b.RemoveWhere(l => Array.IndexOf(matching.MatchingLabels, l.Name) < 0);
            else foreach (var name in matching.MatchingLabels) b.Delete(name);
        }
        foreach (var name in matching.Include)
        {
            // Labels named in group_x come from the "one" side.
            var v = rhs.Get(name);
            if (!string.IsNullOrEmpty(v)) b.Set(name, v); else b.Delete(name);
        }
        var result = b.Build();
        cache[(lhs, rhs)] = result;
        return result;
    }
}
