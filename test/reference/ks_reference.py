"""Reference values for the two-sample KS p-value, from SciPy itself.

Run: /usr/bin/python3 test/reference/ks_reference.py > test/reference/ks_reference.json
(Debian's python3-scipy; the version is written into the output). Each pair is generated
here from a fixed seed; what Assay needs is (D, n1, n2) -> p, so the statistic D, the sizes
and ks_2samp's default (method='auto') p-value are recorded, plus kstwo.sf at points that
exercise each of its methods (the large-sample branch of ks_2samp calls it).
"""
import json
import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20261202)
pairs = []

def add(name, a, b):
    r = stats.ks_2samp(a, b)
    pairs.append({"name": name, "n1": len(a), "n2": len(b), "d": float(r.statistic), "p": float(r.pvalue)})

# Small, unequal, with ties (integers from a narrow range).
add("ties 5 vs 6", [1, 2, 2, 3, 5], [2, 2, 4, 6, 6, 7])
add("ties 40 vs 55", rng.integers(0, 6, 40), rng.integers(0, 7, 55))
add("equal 30 vs 30", rng.normal(0, 1, 30), rng.normal(0.5, 1, 30))
add("equal ties 200 vs 200", rng.integers(0, 10, 200), rng.integers(0, 10, 200))
add("unequal 300 vs 1000", rng.normal(0, 1, 300), rng.normal(0.1, 1, 1000))
add("same shape 5000 vs 5000", rng.normal(0, 1, 5000), rng.normal(0.02, 1, 5000))
add("shifted 2000 vs 3001", rng.normal(0, 1, 2000), rng.normal(0.2, 1, 3001))
# Both sides of the exact/asymptotic switch (max(n1, n2) <= 10000 is exact).
add("exact edge 10000 vs 9999", rng.normal(0, 1, 10000), rng.normal(0.03, 1, 9999))
add("exact edge 10000 vs 7", rng.normal(0, 1, 10000), rng.normal(0.5, 1, 7))
add("asymp 10001 vs 9999", rng.normal(0, 1, 10001), rng.normal(0.03, 1, 9999))
add("asymp 10001 vs 10001 (n_e = 5000.5)", rng.normal(0, 1, 10001), rng.normal(0.02, 1, 10001))
add("asymp ties 20000 vs 15000", rng.integers(0, 50, 20000), rng.integers(0, 50, 15000))
add("asymp 20000 vs 5", rng.normal(0, 1, 20000), rng.normal(1, 1, 5))
add("asymp 12000 vs 100", rng.normal(0, 1, 12000), rng.normal(0.3, 1, 100))
add("asymp 50000 vs 50000 small shift", rng.normal(0, 1, 50000), rng.normal(0.01, 1, 50000))
add("asymp 50000 vs 40000 large shift", rng.normal(0, 1, 50000), rng.normal(0.05, 1, 40000))

# kstwo.sf(x, n) across its methods: closed forms, Durbin, Pomeranz, smirnov, Pelz-Good.
kstwo = []
for n, x in [(1, 0.7), (3, 0.2), (3, 0.4), (5, 0.15), (5, 0.55), (10, 0.12), (10, 0.25), (10, 0.9),
             (50, 0.1), (50, 0.2), (50, 0.35), (140, 0.05), (140, 0.15), (140, 0.3), (141, 0.1),
             (500, 0.02), (500, 0.06), (500, 0.1), (1000, 0.03), (5000, 0.012), (5000, 0.03),
             (20000, 0.008), (120000, 0.004), (250000, 0.001), (250000, 0.003), (2000000, 0.0012)]:
    kstwo.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})

# The sample data's numeric columns, as the drift cell's test reads them.
import csv, os
here = os.path.dirname(os.path.abspath(__file__))
def column(name, col):
    with open(os.path.join(here, "..", "..", "sample-data", name), newline="") as f:
        return [float(r[col]) for r in csv.DictReader(f) if r[col] != ""]
sample = {}
for col in ["lighting_lux", "confidence"]:
    r = stats.ks_2samp(column("defects_v1.csv", col), column("defects_v2.csv", col))
    sample[col] = {"d": float(r.statistic), "p": float(r.pvalue)}

print(json.dumps({"scipy": scipy.__version__, "numpy": np.__version__, "pairs": pairs, "kstwo": kstwo, "sample_data": sample}, indent=1))
