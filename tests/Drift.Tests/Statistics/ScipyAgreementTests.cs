using System.Text.Json.Nodes;
using Mlobs.Drift.Statistics;

namespace Mlobs.Drift.Tests.Statistics;

/// <summary>
/// Every statistic against Debian's scipy (python3-scipy 1.10) on fixed vectors, to 1e-9 (absolute for p-values and
/// distances). The KS p-value covers each branch of scipy's algorithm choice: exact lattice paths (equal and unequal
/// sizes), and for large samples Ruben-Gambino, Durbin matrix, Pomeranz, Pelz-Good and the Smirnov tail.
/// </summary>
public sealed class ScipyAgreementTests
{
    private const double Tolerance = 1e-9;

    private static double[] Normal(int n, double mean, double sd, int seed)
    {
        var rng = new Random(seed);
        var v = new double[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            v[i] = Math.Round(mean + sd * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2), 6);
        }
        return v;
    }

    private static double[] Sorted(double[] v) => [.. v.Order()];

    private sealed class Batch
    {
        public readonly JsonArray Cases = [];
        public readonly List<(string What, Func<double[], double[], string?> Check, Func<double[]> Ours)> Expectations = [];

        public void Add(JsonObject c, string what, Func<double[]> ours)
        {
            Cases.Add(c);
            Expectations.Add((what, null!, ours));
        }
    }

    [Fact]
    public void StatisticsAgreeWithScipy()
    {
        Assert.True(Scipy.Available(), "Debian's python3-scipy is not installed (./build.sh test installs it)");
        var batch = new Batch();
        var a = Normal(200, 0, 1, 1);
        var b = Normal(200, 0.3, 1, 2);
        var c = Normal(457, 0.1, 1.2, 3);
        var big1 = Normal(12_000, 0, 1, 4);
        var big2 = Normal(15_000, 0.02, 1, 5);
        var big3 = Normal(15_000, 0.2, 1, 6);

        foreach (var (x, y, name) in new[] { (a, b, "200 vs 200"), (a, c, "200 vs 457"), (c, b, "457 vs 200"), (big1, big2, "12000 vs 15000 close"), (big1, big3, "12000 vs 15000 shifted"), (a, a, "identical") })
        {
            batch.Add(new JsonObject { ["kind"] = "ks_2samp", ["a"] = Scipy.Array(x), ["b"] = Scipy.Array(y) }, $"ks_2samp {name}", () =>
            {
                var r = KolmogorovSmirnov.TwoSample(Sorted(x), Sorted(y));
                return [r.Statistic, r.PValue];
            });
            batch.Add(new JsonObject { ["kind"] = "wasserstein", ["a"] = Scipy.Array(x), ["b"] = Scipy.Array(y) }, $"wasserstein {name}",
                () => [Wasserstein.Distance(Sorted(x), Sorted(y))]);
        }
        batch.Add(new JsonObject { ["kind"] = "std", ["a"] = Scipy.Array(c) }, "std", () =>
        {
            double mean = c.Average();
            return [Math.Sqrt(c.Sum(v => (v - mean) * (v - mean)) / c.Length)];
        });

        // kstwo.sf over every branch of _kolmogn
        (int N, double X)[] kstwo =
        [
            (10, 0.06), (10, 0.08), (10, 0.95), (50, 0.6), (100, 0.05), (100, 0.08), (100, 0.15), (100, 0.3), (140, 0.25),
            (300, 0.002), (300, 0.01), (5000, 0.001), (5000, 0.005), (5000, 0.012), (5000, 0.02), (5000, 0.03),
            (6667, 0.016), (200_000, 0.002), (200_000, 0.0031), (1_000_000, 0.0005), (1_000_000, 0.001), (2000, 0.05),
        ];
        foreach (var (n, x) in kstwo)
            batch.Add(new JsonObject { ["kind"] = "kstwo_sf", ["n"] = n, ["x"] = x }, $"kstwo.sf({x}, {n})",
                () => [KolmogorovDistribution.Survival(n, x)]);
        foreach (var (n1, n2, d) in new[] { (20_000L, 20_000L, 0.013), (11_000L, 30_000L, 0.02), (50_000L, 80_000L, 0.004) })
            batch.Add(new JsonObject { ["kind"] = "ks_pvalue", ["n1"] = n1, ["n2"] = n2, ["d"] = d }, $"ks p-value d={d} n={n1},{n2}",
                () => [KolmogorovSmirnov.PValue(d, n1, n2).PValue]);

        double[][] refCounts = [[120, 340, 280, 160, 100], [5000, 3000, 2000], [10, 0, 30, 60], [1000, 1000]];
        double[][] curCounts = [[100, 300, 300, 200, 100], [4800, 3300, 1900], [12, 4, 20, 70], [1000, 1000]];
        for (int i = 0; i < refCounts.Length; i++)
        {
            var (r, cu) = (refCounts[i], curCounts[i]);
            batch.Add(new JsonObject { ["kind"] = "chisquare", ["ref"] = Scipy.Array(r), ["cur"] = Scipy.Array(cu) }, $"chisquare #{i}", () =>
            {
                var res = ChiSquareTest.Compute(r, cu);
                return [res.Statistic, res.PValue];
            });
            double[] p = [.. r.Select(v => v / r.Sum())], q = [.. cu.Select(v => v / cu.Sum())];
            batch.Add(new JsonObject { ["kind"] = "jensenshannon", ["p"] = Scipy.Array(p), ["q"] = Scipy.Array(q) }, $"jensenshannon #{i}",
                () => [JensenShannon.Distance(p, q)]);
            batch.Add(new JsonObject { ["kind"] = "psi", ["p"] = Scipy.Array(p), ["q"] = Scipy.Array(q) }, $"psi #{i}",
                () => [PopulationStabilityIndex.Compute(p, q)]);
            double[] points = [.. Enumerable.Range(0, r.Length).Select(k => 0.5 + k * 1.5)];
            batch.Add(new JsonObject { ["kind"] = "wasserstein_weighted", ["points"] = Scipy.Array(points), ["wa"] = Scipy.Array(r), ["wb"] = Scipy.Array(cu) },
                $"wasserstein weighted #{i}", () => [Wasserstein.Distance(points, r, cu)]);
        }
        // PSI's zero-fill with a tiny smallest share (min/10⁶ branch)
        double[] tinyP = [0.99995, 0.00005, 0], tinyQ = [0.5, 0.3, 0.2];
        batch.Add(new JsonObject { ["kind"] = "psi", ["p"] = Scipy.Array(tinyP), ["q"] = Scipy.Array(tinyQ) }, "psi tiny shares",
            () => [PopulationStabilityIndex.Compute(tinyP, tinyQ)]);
        foreach (var (k1, n1, k2, n2) in new[] { (480.0, 1000.0, 530.0, 1200.0), (30.0, 100.0, 70.0, 100.0), (5000.0, 10000.0, 5010.0, 10000.0) })
            batch.Add(new JsonObject { ["kind"] = "ztest", ["k1"] = k1, ["n1"] = n1, ["k2"] = k2, ["n2"] = n2 }, $"z-test {k1}/{n1} vs {k2}/{n2}",
                () => [ProportionsZTest.PValue(k1, n1, k2, n2)]);
        foreach (var (x, k) in new[] { (0.5, 1.0), (3.2, 4.0), (40.0, 9.0), (1234.5, 1000.0), (0.01, 30.0) })
            batch.Add(new JsonObject { ["kind"] = "chi2_sf", ["x"] = x, ["k"] = k }, $"chi2.sf({x}, {k})",
                () => [SpecialFunctions.ChiSquareSurvival(x, k)]);

        var expected = Scipy.Run(batch.Cases);
        var failures = new List<string>();
        for (int i = 0; i < expected.Count; i++)
        {
            var (what, _, ours) = batch.Expectations[i];
            var got = ours();
            for (int j = 0; j < got.Length; j++)
            {
                double want = expected[i][j];
                double tol = Tolerance * Math.Max(1, Math.Abs(want));
                if (!(Math.Abs(got[j] - want) <= tol) && !(double.IsInfinity(want) && got[j] == want))
                    failures.Add($"{what}[{j}]: mlobs {got[j]:R}, scipy {want:R} (diff {Math.Abs(got[j] - want):E2})");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
