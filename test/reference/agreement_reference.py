"""Independent reference values for the agreement statistics, in exact rational arithmetic.

Run: python3 test/reference/agreement_reference.py
Its printed values are the literals in test/core/stats/*.test.ts. It shares no code with Assay
and follows the textbook definitions directly; it is a calculator, not a model of our code.
"""
import math
from fractions import Fraction as F
from collections import Counter
from itertools import combinations


def cohen(matrix, weights="none"):
    """Cohen's kappa of a square count matrix (rows = rater 1); weights none/linear/quadratic."""
    k = len(matrix)
    n = sum(sum(r) for r in matrix)
    rows = [sum(r) for r in matrix]
    cols = [sum(matrix[i][j] for i in range(k)) for j in range(k)]
    def w(i, j):
        if weights == "none":
            return 0 if i == j else 1
        if weights == "linear":
            return abs(i - j)
        return (i - j) ** 2
    observed = sum(w(i, j) * matrix[i][j] for i in range(k) for j in range(k))
    expected = sum(F(w(i, j) * rows[i] * cols[j], n) for i in range(k) for j in range(k))
    return 1 - F(observed) / expected


def fleiss(table):
    """Fleiss' kappa of an items x categories count table (equal ratings per item)."""
    N = len(table)
    n = sum(table[0])
    P = [F(sum(x * x for x in row) - n, n * (n - 1)) for row in table]
    Pbar = sum(P) / N
    p = [F(sum(row[j] for row in table), N * n) for j in range(len(table[0]))]
    Pe = sum(x * x for x in p)
    return (Pbar - Pe) / (1 - Pe)


def kripp_nominal(units):
    """Krippendorff's alpha, nominal, from a list of units, each a list of values (missing left out)."""
    o = Counter()
    for values in units:
        m = len(values)
        if m < 2:
            continue
        for a, b in ((a, b) for i, a in enumerate(values) for j, b in enumerate(values) if i != j):
            o[(a, b)] += F(1, m - 1)
    cats = sorted({c for pair in o for c in pair})
    nc = {c: sum(o[(c, k)] for k in cats) for c in cats}
    n = sum(nc.values())
    disagree_o = sum(o[(c, k)] for c in cats for k in cats if c != k)
    disagree_e = sum(nc[c] * nc[k] for c in cats for k in cats if c != k)
    return 1 - (n - 1) * disagree_o / disagree_e


def show(name, value):
    print(f"{name}: {value}  = {float(value)!r}")


table10 = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]
show("cohen table10 none", cohen(table10))
show("cohen table10 linear", cohen(table10, "linear"))
show("cohen table10 quadratic", cohen(table10, "quadratic"))

wikipedia = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
             [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
show("fleiss wikipedia", fleiss(wikipedia))

diagnoses = [[4,4,4,4,4,4],[2,2,2,5,5,5],[2,3,3,3,3,5],[5,5,5,5,5,5],[2,2,2,4,4,4],[1,1,3,3,3,3],
             [3,3,3,3,5,5],[1,1,3,3,3,4],[1,1,4,4,4,4],[5,5,5,5,5,5],[1,4,4,4,4,4],[1,2,4,4,4,4],
             [2,2,2,3,3,3],[1,4,4,4,4,4],[2,2,4,4,4,5],[3,3,3,3,3,5],[1,1,1,4,5,5],[1,1,1,1,1,2],
             [2,2,4,4,4,4],[1,3,3,5,5,5],[5,5,5,5,5,5],[2,4,4,4,4,4],[2,2,4,5,5,5],[1,1,4,4,4,4],
             [1,4,4,4,4,5],[2,2,2,2,2,4],[1,1,1,1,5,5],[2,2,4,4,4,4],[1,3,3,3,3,3],[5,5,5,5,5,5]]
counts = [[row.count(c) for c in range(1, 6)] for row in diagnoses]
show("fleiss 1971 diagnoses", fleiss(counts))
# Krippendorff's alpha on complete data with 6 raters, for comparison with Fleiss.
show("kripp diagnoses", kripp_nominal(diagnoses))

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", 4 observers x 12 units, nominal: 0.743
A = [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None]
B = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3]
C = [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None]
D = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]
units = [[v for v in (A[u], B[u], C[u], D[u]) if v is not None] for u in range(12)]
show("kripp 2011 nominal", kripp_nominal(units))

# Percent agreement (pairwise, pooled over items): sum over items of agreeing ordered pairs / all ordered pairs.
def pairwise(units):
    agree = sum(sum(c * (c - 1) for c in Counter(u).values()) for u in units if len(u) >= 2)
    pairs = sum(len(u) * (len(u) - 1) for u in units if len(u) >= 2)
    return F(agree, pairs)
show("pairwise agreement kripp 2011", pairwise(units))
show("pairwise agreement diagnoses", pairwise(diagnoses))

# scikit-learn precision_recall_fscore_support(zero_division=0) on a small hand example with a
# class only one side uses ('d' predicted, never true) and one never predicted ('c').
y_true = ["a", "a", "a", "b", "b", "c", "a", "b"]
y_pred = ["a", "b", "a", "b", "d", "a", "a", "b"]
classes = sorted(set(y_true) | set(y_pred))
for c in classes:
    tp = sum(1 for t, p in zip(y_true, y_pred) if t == c and p == c)
    fp = sum(1 for t, p in zip(y_true, y_pred) if t != c and p == c)
    fn = sum(1 for t, p in zip(y_true, y_pred) if t == c and p != c)
    prec = F(tp, tp + fp) if tp + fp else F(0)
    rec = F(tp, tp + fn) if tp + fn else F(0)
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else F(0)
    print(f"prf {c}: precision={prec} recall={rec} f1={f1} support={tp + fn}")

# --- sample-data (read straight from the CSV copies) ---
import csv, os
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "..", "..", "sample-data", "defects_v2.csv"), newline="") as f:
    rows = list(csv.DictReader(f))
pairs = [(r["annotator_a"], r["annotator_b"]) for r in rows if r["annotator_a"] != "" and r["annotator_b"] != ""]
excluded = len(rows) - len(pairs)
classes = sorted({x for p in pairs for x in p})
idx = {c: i for i, c in enumerate(classes)}
m = [[0] * len(classes) for _ in classes]
for a, b in pairs:
    m[idx[a]][idx[b]] += 1
print("sample v2 annotator classes", classes, "excluded", excluded)
print("sample v2 matrix", m)
show("sample v2 annotator kappa", cohen(m))
show("sample v2 annotator accuracy", F(sum(m[i][i] for i in range(len(classes))), len(pairs)))
sev = [(int(r["severity_a"]), int(r["severity_b"])) for r in rows]
sm = [[sum(1 for a, b in sev if a == i and b == j) for j in range(4)] for i in range(4)]
show("sample v2 severity kappa quadratic", cohen(sm, "quadratic"))
show("sample v2 severity kappa linear", cohen(sm, "linear"))
# label vs prediction, per-class F1 for 'crack' (label column has off-taxonomy values and NULLs)
lp = [(r["label"], r["prediction"]) for r in rows if r["label"] != ""]
tp = sum(1 for t, p in lp if t == "crack" and p == "crack")
fp = sum(1 for t, p in lp if t != "crack" and p == "crack")
fn = sum(1 for t, p in lp if t == "crack" and p != "crack")
show("sample v2 label/prediction crack f1", F(2 * tp, 2 * tp + fp + fn))

with open(os.path.join(here, "..", "..", "sample-data", "ratings.csv"), newline="") as f:
    ratings = list(csv.DictReader(f))
by_item = {}
for r in ratings:
    by_item.setdefault(r["item_id"], []).append(r["label"])
show("sample ratings krippendorff", kripp_nominal(list(by_item.values())))
show("sample ratings pairwise agreement", pairwise(list(by_item.values())))
gold = {r["item_id"]: r["gold_label"] for r in ratings if r["gold_label"] != ""}
for rater in sorted({r["rater"] for r in ratings}):
    mine = [r for r in ratings if r["rater"] == rater and r["item_id"] in gold]
    print(f"sample ratings gold accuracy {rater}: {F(sum(1 for r in mine if r['label'] == gold[r['item_id']]), len(mine))}")

# Wilson score interval (95 %, no continuity correction), straight from the formula.
def wilson(x, n, z=1.959963984540054):
    p = x / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z / d * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, c - h), min(1.0, c + h)
for x, n in [(81, 263), (15, 148), (0, 20), (1, 29), (3, 60)]:
    lo, hi = wilson(x, n)
    print(f"wilson {x}/{n}: {lo!r} {hi!r}")
