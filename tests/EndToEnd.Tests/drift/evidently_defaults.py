"""Evidently's column drift, transcribed from its legacy stattests with numpy and Debian's scipy (Evidently itself
is not packaged by Debian): the default test per column (_get_default_stattest), get_binned_data's bins, and each
test's score. Usage: evidently_defaults.py REFERENCE.csv CURRENT.csv [METHOD]; prints {column: [stattest, score]}.
Columns whose every value parses as a number are numeric (as pandas would infer); NA strings and infinities dropped.
"""
import csv
import json
import sys
import warnings
from collections import Counter

import numpy as np
from scipy import stats
from scipy.spatial import distance

# numpy's "divide by zero" notes (a chi-square category the reference never saw) would mix into the JSON on stdout.
warnings.filterwarnings("ignore")

NA = {"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA",
      "NULL", "NaN", "None", "n/a", "nan", "null"}


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    cols = {}
    for i, name in enumerate(header):
        raw = [r[i].strip() for r in body if r[i].strip() not in NA]
        try:
            vals = [float(v) for v in raw]
            cols[name] = ("num", [v for v in vals if np.isfinite(v)])
        except ValueError:
            cols[name] = ("cat", raw)
    return cols


def key(v):
    return repr(float(v)) if isinstance(v, float) else v


def binned(ref, cur, kind, fill):
    if kind == "num" and len(set(ref)) > 20:
        bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
        r = np.histogram(ref, bins)[0] / len(ref)
        c = np.histogram(cur, bins)[0] / len(cur)
    else:
        keys = list(set(map(key, ref)) | set(map(key, cur)))
        rc, cc = Counter(map(key, ref)), Counter(map(key, cur))
        r = np.array([rc[k] for k in keys]) / len(ref)
        c = np.array([cc[k] for k in keys]) / len(cur)
    if fill:
        for a in (r, c):
            m = min(a[a != 0])
            np.place(a, a == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return r, c


def default(ref, cur, kind):
    n_unique = len(set(map(key, ref)) | set(map(key, cur)))
    if len(ref) <= 1000:
        if kind == "num":
            return "ks" if n_unique > 5 else ("chisquare" if n_unique > 2 else "z")
        return "chisquare" if n_unique > 2 else "z"
    if kind == "num" and n_unique > 5:
        return "wasserstein"
    return "jensenshannon"


def score(method, ref, cur, kind):
    if method == "ks":
        return stats.ks_2samp(ref, cur)[1]
    if method == "wasserstein":
        return stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)
    if method == "jensenshannon":
        r, c = binned(ref, cur, kind, False)
        return distance.jensenshannon(r, c)
    if method == "psi":
        r, c = binned(ref, cur, kind, True)
        return float(np.sum((r - c) * np.log(r / c)))
    if method == "chisquare":
        keys = list(set(map(key, ref)) | set(map(key, cur)))
        rc, cc = Counter(map(key, ref)), Counter(map(key, cur))
        k_norm = len(cur) / len(ref)
        return stats.chisquare([cc[k] for k in keys], [rc[k] * k_norm for k in keys])[1]
    if method == "z":
        keys = sorted(set(map(key, ref)) | set(map(key, cur)))
        if len(set(map(key, ref))) == 1 and len(set(map(key, cur))) == 1 and set(map(key, ref)) == set(map(key, cur)):
            return 1.0
        t = keys[0]
        n1, n2 = len(ref), len(cur)
        p1 = sum(1 for v in map(key, ref) if v == t) / n1
        p2 = sum(1 for v in map(key, cur) if v == t) / n2
        P = (p1 * n1 + p2 * n2) / (n1 + n2)
        z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
        return 2 * (1 - stats.norm.cdf(np.abs(z)))
    if method == "hellinger":
        if kind == "num":
            bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
            r = np.histogram(ref, bins)[0] / len(ref)
            c = np.histogram(cur, bins)[0] / len(cur)
        else:
            r, c = binned(ref, cur, kind, False)
        return float(np.sqrt(np.sum((np.sqrt(r) - np.sqrt(c)) ** 2)) / np.sqrt(2))
    raise ValueError(method)


reference, current = read(sys.argv[1]), read(sys.argv[2])
forced = sys.argv[3] if len(sys.argv) > 3 else None
out = {}
for name, (kind, ref) in reference.items():
    ckind, cur = current[name]
    if kind != ckind:
        kind = "cat"
        ref, cur = [key(v) for v in ref], [key(v) for v in cur]
    m = forced or default(ref, cur, kind)
    out[name] = [m, repr(float(score(m, np.array(ref) if kind == "num" else ref, np.array(cur) if kind == "num" else cur, kind)))]
json.dump(out, sys.stdout)
