"""Computes the reference values mlobs's drift statistics are checked against, with Debian's scipy.

Reads a JSON list of cases on stdin, writes a JSON list of results (same order) on stdout.
"""
import json
import sys

import numpy as np
from scipy import stats
from scipy.spatial import distance
from scipy.stats import distributions


def psi(ref, cur):
    # Evidently's formula with its zero-fill (get_binned_data(feel_zeroes=True))
    ref = np.array(ref, dtype=float)
    cur = np.array(cur, dtype=float)
    for a in (ref, cur):
        m = min(a[a != 0])
        np.place(a, a == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return float(np.sum((ref - cur) * np.log(ref / cur)))


def run(case):
    kind = case["kind"]
    if kind == "ks_2samp":
        r = stats.ks_2samp(case["a"], case["b"])
        return [float(r.statistic), float(r.pvalue)]
    if kind == "kstwo_sf":
        return [float(distributions.kstwo.sf(case["x"], case["n"]))]
    if kind == "ks_pvalue":
        # ks_2samp's asymptotic branch for a statistic d with sample sizes n1, n2
        m, n = sorted([float(case["n1"]), float(case["n2"])], reverse=True)
        en = m * n / (m + n)
        return [float(distributions.kstwo.sf(case["d"], np.round(en)))]
    if kind == "chisquare":
        ref = np.array(case["ref"], dtype=float)
        cur = np.array(case["cur"], dtype=float)
        f_exp = ref * cur.sum() / ref.sum()
        r = stats.chisquare(cur, f_exp)
        return [float(r.statistic), float(r.pvalue)]
    if kind == "wasserstein":
        return [float(stats.wasserstein_distance(case["a"], case["b"]))]
    if kind == "wasserstein_weighted":
        return [float(stats.wasserstein_distance(case["points"], case["points"], case["wa"], case["wb"]))]
    if kind == "jensenshannon":
        return [float(distance.jensenshannon(case["p"], case["q"]))]
    if kind == "psi":
        return [psi(case["p"], case["q"])]
    if kind == "ztest":
        n1, n2 = case["n1"], case["n2"]
        p1, p2 = case["k1"] / n1, case["k2"] / n2
        P = (p1 * n1 + p2 * n2) / (n1 + n2)
        z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
        return [float(2 * (1 - stats.norm.cdf(np.abs(z))))]
    if kind == "chi2_sf":
        return [float(distributions.chi2.sf(case["x"], case["k"]))]
    if kind == "std":
        return [float(np.std(case["a"]))]
    raise ValueError(kind)


# Floats as repr() strings, so infinities and NaN travel too (JSON has no literal for them).
json.dump([[repr(float(v)) for v in run(c)] for c in json.load(sys.stdin)], sys.stdout)
