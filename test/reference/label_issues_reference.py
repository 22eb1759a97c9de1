"""Reference values for the label_issues cell, computed by cleanlab's own code.

Run (Debian python3 with python3-numpy and python3-sklearn):
  git --git-dir=<mirror of github.com/cleanlab/cleanlab> archive HEAD cleanlab | tar x -C /tmp/cleanlab
  CLEANLAB_SRC=/tmp/cleanlab /usr/bin/python3 -W ignore test/reference/label_issues_reference.py \
      > test/reference/label_issues_reference.json

Values below were produced with cleanlab 2.9.0 (its repository at commit
750625747de1b26d8530954f51f0530bd0b51d3c, 2026-01-13), numpy 1.24.2, scikit-learn 1.2.1.
cleanlab's package __init__ imports optional modules (token classification needs termcolor),
so the package is registered without running __init__ and filter, count and rank are imported
as they are; nothing of cleanlab is replaced.

Datasets are generated here with a seeded numpy generator and written into the JSON with the
results, so the TypeScript test loads exactly these probabilities. Keys are "r" + zero-padded
row index: code-point order of the keys is row order, the tie-break Assay uses.
"""
import json, os, sys, types
import numpy as np

root = os.path.join(os.environ["CLEANLAB_SRC"], "cleanlab")
pkg = types.ModuleType("cleanlab")
pkg.__path__ = [root]
sys.modules["cleanlab"] = pkg
import cleanlab.filter as cl_filter  # noqa: E402
import cleanlab.count as cl_count  # noqa: E402
import cleanlab.rank as cl_rank  # noqa: E402
version = {}
exec(open(os.path.join(root, "version.py")).read(), version)

FILTERS = ["prune_by_noise_rate", "prune_by_class", "both", "confident_learning", "predicted_neq_given"]
RANKS = ["self_confidence", "normalized_margin"]


def noisy(rng, n, k, given_weights, flip, sharp, decimals=None):
    """n rows, k classes: a true class, a given label flipped with probability `flip`, softmax probabilities."""
    true = rng.choice(k, size=n, p=given_weights)
    given = true.copy()
    flips = rng.random(n) < flip
    for i in np.nonzero(flips)[0]:
        others = [c for c in range(k) if c != true[i] and given_weights[c] > 0]
        given[i] = rng.choice(others)
    logits = rng.normal(0, 1, size=(n, k))
    logits[np.arange(n), true] += sharp
    p = np.exp(logits)
    p = p / p.sum(axis=1, keepdims=True)
    if decimals is not None:
        p = np.round(p, decimals)
    return given, p, true


def case(name, classes, given, p, *, extra=None):
    given = np.asarray(given)
    p = np.asarray(p, dtype=float)
    n, k = p.shape
    out = {
        "name": name,
        "classes": classes,
        "keys": [f"r{i:05d}" for i in range(n)],
        "given": [classes[g] for g in given],
        "probabilities": p.tolist(),
        "thresholds": cl_count.get_confident_thresholds(given, p).tolist(),
        "confident_joint_raw": cl_count.compute_confident_joint(given, p, calibrate=False).tolist(),
        "confident_joint": cl_count.compute_confident_joint(given, p).tolist(),
        "joint": cl_count.estimate_joint(given, p).tolist(),
        "num_label_issues": int(cl_count.num_label_issues(given, p)),
        "scores": {m: cl_rank.get_label_quality_scores(given, p, method=m).tolist() for m in RANKS},
        "runs": [],
    }
    settings = [(f, r, {}) for f in FILTERS for r in RANKS] + (extra or [])
    for f, r, kw in settings:
        ranked = cl_filter.find_label_issues(given, p, filter_by=f, return_indices_ranked_by=r, n_jobs=1, **kw)
        scores = np.asarray(out["scores"][r])
        flagged = [out["keys"][i] for i in ranked]
        # Where tied values straddle a cut, which of them cleanlab takes is up to NumPy's
        # quicksort (stable only up to 16 values). Rerun on shuffled rows: a run whose flagged
        # set never changes is tie-free; otherwise keep the keys every order flags and the keys
        # some order flags, so a test can check what is determined.
        sets = [set(flagged)]
        for s in range(8):
            perm = np.random.default_rng(s).permutation(n)
            again = cl_filter.find_label_issues(given[perm], p[perm], filter_by=f, n_jobs=1, **kw)
            sets.append({out["keys"][perm[i]] for i in np.nonzero(again)[0]})
        run = {"filter_by": f, "rank_by": r, **kw, "flagged": flagged, "flagged_scores": scores[ranked].tolist()}
        if any(x != sets[0] for x in sets):
            run["tie_dependent"] = True
            run["flagged_by_every_order"] = sorted(set.intersection(*sets))
            run["flagged_by_some_order"] = sorted(set.union(*sets))
        out["runs"].append(run)
    return out


rng = np.random.default_rng(20261202)
cases = []

# 1. Continuous probabilities, 5 classes, one of them ("e") nobody is given, 400 rows.
g, p, _ = noisy(rng, 400, 5, [0.35, 0.3, 0.2, 0.15, 0.0], 0.12, 2.2)
cases.append(case("absent_class", ["a", "b", "c", "d", "e"], g, p,
                  extra=[("prune_by_noise_rate", "self_confidence", {"frac_noise": 0.5}),
                         ("prune_by_class", "self_confidence", {"min_examples_per_class": 40})]))

# 2. Continuous probabilities, 4 classes, class "rare" given to a single example, 300 rows.
g, p, _ = noisy(rng, 300, 4, [0.45, 0.35, 0.2, 0.0], 0.15, 1.8)
g[17] = 3  # the one example given "rare"
cases.append(case("single_example_class", ["ant", "bee", "cow", "rare"], g, p))

# 3. Rounded probabilities (one decimal), 3 classes, 14 rows each: ties everywhere, several classes
#    above their thresholds, tied maxima. Classes hold at most 16 rows, where NumPy's argsort sorts
#    by insertion (stable), so cleanlab's order among equal values is row order, as Assay's is.
g = np.repeat([0, 1, 2], 14)
rows = []
for i, c in enumerate(g):
    r = rng.integers(0, 4)
    base = [[0.6, 0.3, 0.1], [0.4, 0.4, 0.2], [0.5, 0.2, 0.3], [0.2, 0.7, 0.1]][r]
    # rotate so the pattern refers to the row's given class, then swap for some rows
    v = np.roll(base, c)
    if rng.random() < 0.25:
        v = np.roll(v, 1)
    rows.append(v)
cases.append(case("rounded_ties", ["crack", "dent", "ok"], g, np.array(rows)))

# 4. Rounded probabilities (two decimals), 4 classes, 600 rows. A row's probabilities need not sum
#    to exactly 1 after rounding; cleanlab does not ask them to.
g, p, _ = noisy(rng, 600, 4, [0.4, 0.3, 0.2, 0.1], 0.1, 2.0, decimals=2)
cases.append(case("rounded_two_decimals", ["p", "q", "r", "s"], g, p))

print(json.dumps({
    "cleanlab_version": version["__version__"],
    "cleanlab_commit": "750625747de1b26d8530954f51f0530bd0b51d3c",
    "numpy": np.__version__,
    "cases": cases,
}, indent=None, separators=(",", ":")))
