namespace Mlobs.Drift.Statistics;

/// <summary>The drift statistics, named as Evidently names its stattests (what users type in its configs).</summary>
public enum DriftMethod
{
    Psi,
    JensenShannon,
    Wasserstein,
    Ks,
    ChiSquare,
    ZTest,
    Hellinger,
}

public static class DriftMethods
{
    public static string Name(this DriftMethod m) => m switch
    {
        DriftMethod.Psi => "psi",
        DriftMethod.JensenShannon => "jensenshannon",
        DriftMethod.Wasserstein => "wasserstein",
        DriftMethod.Ks => "ks",
        DriftMethod.ChiSquare => "chisquare",
        DriftMethod.ZTest => "z",
        DriftMethod.Hellinger => "hellinger",
        _ => throw new ArgumentOutOfRangeException(nameof(m)),
    };

    /// <summary>What Evidently's stattest is called in its reports.</summary>
    public static string DisplayName(this DriftMethod m) => m switch
    {
        DriftMethod.Psi => "PSI",
        DriftMethod.JensenShannon => "Jensen-Shannon distance",
        DriftMethod.Wasserstein => "Wasserstein distance (normed)",
        DriftMethod.Ks => "K-S p_value",
        DriftMethod.ChiSquare => "chi-square p_value",
        DriftMethod.ZTest => "Z-test p_value",
        DriftMethod.Hellinger => "Hellinger distance (normed)",
        _ => throw new ArgumentOutOfRangeException(nameof(m)),
    };

    public static IReadOnlyList<string> AllNames { get; } = [.. Enum.GetValues<DriftMethod>().Select(Name)];

    public static bool TryParse(string name, out DriftMethod method)
    {
        foreach (var m in Enum.GetValues<DriftMethod>())
        {
            if (m.Name() == name) { method = m; return true; }
        }
        // Evidently also accepts these spellings.
        (bool ok, method) = name switch
        {
            "js" => (true, DriftMethod.JensenShannon),
            "wasserstein_norm" or "wasserstein_distance_norm" => (true, DriftMethod.Wasserstein),
            "chi2" or "chi_square" => (true, DriftMethod.ChiSquare),
            "ztest" => (true, DriftMethod.ZTest),
            _ => (false, default),
        };
        return ok;
    }

    /// <summary>True for the statistical tests, whose score is a p-value (drift when it falls below the threshold).</summary>
    public static bool IsPValue(this DriftMethod m) => m is DriftMethod.Ks or DriftMethod.ChiSquare or DriftMethod.ZTest;

    /// <summary>Evidently's default thresholds: p-value 0.05 for the tests, 0.1 for the distances and PSI.</summary>
    public static double DefaultThreshold(this DriftMethod m) => m.IsPValue() ? 0.05 : 0.1;

    /// <summary>True when the methods' meaning needs ordered values (bins along an axis), so not for categories.</summary>
    public static bool NeedsOrder(this DriftMethod m) => m is DriftMethod.Ks or DriftMethod.Wasserstein;

    /// <summary>
    /// Evidently's drift condition: KS drifts at p ≤ threshold, the other tests at p &lt; threshold, the distances
    /// and PSI at score ≥ threshold.
    /// </summary>
    public static bool Drifted(this DriftMethod m, double score, double threshold) => m switch
    {
        DriftMethod.Ks => score <= threshold,
        DriftMethod.ChiSquare or DriftMethod.ZTest => score < threshold,
        _ => score >= threshold,
    };
}
