"""Independent reference values for the drift statistics (standard library only).

Run: python3 test/reference/drift_reference.py
Different routes from Assay's TypeScript where one exists: the Kolmogorov tail by the
alternating series alone, the chi-square tail by its closed forms for integer degrees of
freedom, deciles by statistics.quantiles (NumPy's linear interpolation).
"""
import csv, json, math, os, statistics
from collections import Counter

def ecdf_stats(a, b):
    xs = sorted(set(a) | set(b))
    n1, n2 = len(a), len(b)
    fa = lambda x: sum(1 for v in a if v <= x) / n1
    fb = lambda x: sum(1 for v in b if v <= x) / n2
    d = max(abs(fa(x) - fb(x)) for x in xs)
    w1 = sum(abs(fa(x) - fb(x)) * (xs[i + 1] - x) for i, x in enumerate(xs[:-1]))
    return d, w1, n1, n2

def kolmogorov_sf(x):
    # Alternating series only; converges for x >= 0.4 with a few hundred terms.
    return 2 * sum((-1) ** (k - 1) * math.exp(-2 * k * k * x * x) for k in range(1, 2000))

def ks_p(d, n1, n2):
    return kolmogorov_sf(math.sqrt(n1 * n2 / (n1 + n2)) * d)

def chi2_sf(x, dof):
    h = x / 2
    if dof % 2 == 0:
        return math.exp(-h) * sum(h ** j / math.factorial(j) for j in range(dof // 2))
    s = math.erfc(math.sqrt(h))
    return s + math.exp(-h) * sum(h ** (j + 0.5) / math.gamma(j + 1.5) for j in range((dof - 1) // 2))

def shares(c):
    t = sum(c)
    return [x / t for x in c]

def psi(p_counts, q_counts):
    p = [max(x, 1e-4) for x in shares(p_counts)]
    q = [max(x, 1e-4) for x in shares(q_counts)]
    return sum((qi - pi) * math.log(qi / pi) for pi, qi in zip(p, q))

def js(p_counts, q_counts):
    p, q = shares(p_counts), shares(q_counts)
    d = 0.0
    for pi, qi in zip(p, q):
        m = (pi + qi) / 2
        if pi > 0: d += 0.5 * pi * math.log2(pi / m)
        if qi > 0: d += 0.5 * qi * math.log2(qi / m)
    return math.sqrt(d)

def chi2(p_counts, q_counts):
    cols = [(b, c) for b, c in zip(p_counts, q_counts) if b + c > 0]
    n1 = sum(b for b, _ in cols); n2 = sum(c for _, c in cols); n = n1 + n2
    stat = sum((b - (b + c) * n1 / n) ** 2 / ((b + c) * n1 / n) + (c - (b + c) * n2 / n) ** 2 / ((b + c) * n2 / n) for b, c in cols)
    return stat, len(cols) - 1, chi2_sf(stat, len(cols) - 1)

def numpy_quantile(values, q):
    """NumPy's default (linear) quantile, step for step: the position (n-1)*q in floating point,
    then its lerp (a + (b-a)*t below t = 0.5, b - (b-a)*(1-t) from there)."""
    v = sorted(values)
    pos = (len(v) - 1) * q
    i = math.floor(pos)
    t = pos - i
    a, b = v[i], v[min(i + 1, len(v) - 1)]
    return a + (b - a) * t if t < 0.5 else b - (b - a) * (1 - t)

def numeric_psi(base, cur):
    # The deciles exactly as NumPy computes them (statistics.quantiles is exact rational and can
    # differ in the last bit, which moves a value sitting on an edge into the next bin).
    edges = sorted(set(numpy_quantile(base, k / 10) for k in range(1, 10)))
    def binned(vals):
        counts = [0] * (len(edges) + 1)
        for v in vals:
            counts[next((i for i, e in enumerate(edges) if v <= e), len(edges))] += 1
        return counts
    return edges, binned(base), binned(cur), psi(binned(base), binned(cur))

out = {}
# Small samples with ties (worked by hand too: see the test's comments).
a = [1, 2, 2, 3, 5]
b = [2, 2, 4, 6, 6, 7]
d, w1, n1, n2 = ecdf_stats(a, b)
out["small"] = {"d": d, "w1": w1, "p": ks_p(d, n1, n2)}
# Duplicate decile edges: six ties at the bottom of the baseline.
base = [1, 1, 1, 1, 1, 1, 2, 3, 4, 5]
cur = [1, 1, 2, 2, 3, 3, 4, 4, 5, 9]
edges, pb, pc, v = numeric_psi(base, cur)
out["ties_psi"] = {"edges": edges, "baseline": pb, "current": pc, "psi": v}
out["kolmogorov_sf"] = {str(x): kolmogorov_sf(x) for x in [0.5, 0.8, 1.0, 1.36, 2.0]}
out["chi2_sf"] = {f"{x}/{k}": chi2_sf(x, k) for x, k in [(3.84, 1), (5.99, 2), (10.0, 3), (20.5, 4), (1.0, 7)]}
# Categorical: counts by hand.
cb, cc = [50, 30, 20, 0], [40, 30, 20, 10]
s, dof, p = chi2(cb, cc)
out["categorical"] = {"psi": psi(cb, cc), "js": js(cb, cc), "chi2": s, "dof": dof, "p": p}

here = os.path.dirname(os.path.abspath(__file__))
def load(name):
    with open(os.path.join(here, "..", "..", "sample-data", name), newline="") as f:
        return list(csv.DictReader(f))
v1, v2 = load("defects_v1.csv"), load("defects_v2.csv")
for col in ["lighting_lux", "confidence"]:
    a = [float(r[col]) for r in v1 if r[col] != ""]
    b = [float(r[col]) for r in v2 if r[col] != ""]
    xs = sorted(set(a) | set(b))
    sa, sb = sorted(a), sorted(b)
    import bisect
    fa = [bisect.bisect_right(sa, x) / len(a) for x in xs]
    fb = [bisect.bisect_right(sb, x) / len(b) for x in xs]
    d = max(abs(x - y) for x, y in zip(fa, fb))
    w1 = sum(abs(fa[i] - fb[i]) * (xs[i + 1] - xs[i]) for i in range(len(xs) - 1))
    edges, pb, pc, v = numeric_psi(a, b)
    out[col] = {"d": d, "p": ks_p(d, len(a), len(b)), "w1": w1, "psi": v, "n1": len(a), "n2": len(b)}
for col in ["label", "camera_id"]:
    ca = Counter(r[col] if r[col] != "" else "NULL" for r in v1)
    cb_ = Counter(r[col] if r[col] != "" else "NULL" for r in v2)
    cats = sorted(set(ca) | set(cb_))
    x, y = [ca[c] for c in cats], [cb_[c] for c in cats]
    s, dof, p = chi2(x, y)
    out[col] = {"categories": cats, "psi": psi(x, y), "js": js(x, y), "chi2": s, "dof": dof, "p": p}
print(json.dumps(out, indent=1))
