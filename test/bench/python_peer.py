#!/usr/bin/python3
"""The bench's Python peer: the statistics of Assay's profile, drift, confusion and sample cells
as a pandas / NumPy / SciPy / scikit-learn user computes them, timed.

Two ways to run it:

  python3 python_peer.py --serve
      One JSON request per line on stdin, one JSON answer per line on stdout. `npm run bench`
      keeps one such process open, so a table read once stays in memory (as it does in
      Assay's engine) and each case is timed seconds after the browser's and native DuckDB's
      run of the same case. Requests:
        {"op": "hello"}                                   -> {"reader": "parquet"|"csv", versions}
        {"op": "load", "name": N, "path": P}              -> {"ms", "rows"}   (file -> DataFrame)
        {"op": "profile", "table": N, "key": K, "top": 10, "bins": 20}         -> {"ms", "check"}
        {"op": "drift", "baseline": A, "current": B, "columns": [...], "label": L} -> {"ms", "check"}
        {"op": "confusion", "table": N, "reference": R, "compared": C}         -> {"ms", "check"}
        {"op": "sample", "table": N, "stratify": S, "fraction": F, "min_per_class": M, "seed": X}

  python3 python_peer.py [--repeat 3] CASE FILE [FILE2]
      Standalone: reads the file(s) `repeat` times and runs the case `repeat` times on the last
      read, with the bench's specs; prints the medians of both as JSON.

Reading: pandas reads Parquet only through pyarrow or fastparquet. Where neither is installed
(Debian 12 packages neither) it reads a CSV copy of the same data written beside the Parquet
file by the bench, `<stem>.csv` with `<stem>.csv.types.json` (column -> DuckDB type), with
explicit dtypes, so no column's type is guessed. The answer to "hello" says which.
"""

import json
import math
import statistics
import sys
import time
from decimal import Decimal

import numpy as np
import pandas as pd
import scipy
import scipy.stats
import sklearn
from sklearn.metrics import cohen_kappa_score, confusion_matrix, precision_recall_fscore_support

PSI_FLOOR = 0.0001  # as Assay's PSI (src/core/stats/drift.ts): an empty bin gets this share
TOP_DISTINCT_LIMIT = 100_000  # as Assay's profile: a nearly unique column gets no top-values list


def parquet_engine():
    """The Parquet engine pandas can use here, or None."""
    for name in ("pyarrow", "fastparquet"):
        try:
            __import__(name)
            return name
        except ImportError:
            pass
    return None


def pandas_dtype(duck_type):
    """The dtype a Parquet reader gives a DuckDB column type (strings stay Python objects)."""
    t = duck_type.upper()
    if t in ("BIGINT", "HUGEINT", "UBIGINT"):
        return "int64"
    if t in ("INTEGER", "UINTEGER"):
        return "int32"
    if t in ("SMALLINT", "TINYINT", "USMALLINT", "UTINYINT"):
        return "int16"
    if t in ("DOUBLE", "FLOAT", "REAL") or t.startswith("DECIMAL"):
        return "float64"
    if t == "BOOLEAN":
        return "boolean"
    if t.startswith("TIMESTAMP") or t == "DATE":
        return "datetime"
    return "object"


def read(path):
    """The file as a DataFrame: Parquet with pandas' own reader, else the CSV copy beside it."""
    if parquet_engine():
        return pd.read_parquet(path)
    csv = path[: -len(".parquet")] + ".csv" if path.endswith(".parquet") else path
    with open(csv + ".types.json") as f:
        types = json.load(f)
    dtypes = {}
    dates = []
    for col, t in types.items():
        d = pandas_dtype(t)
        if d == "datetime":
            dates.append(col)
        elif d.startswith("int"):
            # A NULL in an integer column would fail the read: such columns get pandas' nullable integer.
            dtypes[col] = d.replace("int", "Int")
        else:
            dtypes[col] = d
    df = pd.read_csv(csv, dtype=dtypes, parse_dates=dates, keep_default_na=False, na_values=[""])
    # Back to plain NumPy integers where there is no NULL, as a Parquet reader would give them.
    for col, d in dtypes.items():
        if d.startswith("Int") and not df[col].hasnans:
            df[col] = df[col].astype(d.lower())
    return df


# --- the statistics --------------------------------------------------------------------------


def profile(df, key=None, top=10, bins=20):
    """Every column: count, NULLs, distinct, min/max, mean, std, quartiles (describe), top values
    (value_counts), equal-width histograms; repeated keys and duplicate rows."""
    nulls = df.isna().sum()
    distinct = df.nunique()
    numeric = df.select_dtypes("number")
    temporal = df.select_dtypes("datetime")
    text = df.select_dtypes("object")
    # describe: count, mean, std, min, quartiles, max of the numeric and date columns.
    described = df[list(numeric.columns) + list(temporal.columns)].describe(datetime_is_numeric=True)
    text_range = text.agg(["min", "max"])
    counts = len(df) - nulls
    tops = {
        c: df[c].value_counts().head(top)
        for c in df.columns
        if distinct[c] <= TOP_DISTINCT_LIMIT or distinct[c] <= counts[c] / 2
    }
    hists = {}
    for c in numeric.columns:
        x = numeric[c].dropna().to_numpy(dtype=float)
        if len(x):
            hists[c] = np.histogram(x, bins=bins, range=(x.min(), x.max()))
    repeated_keys = None
    duplicate_rows = None
    if key is not None:
        repeated_keys = int(df[key].duplicated().sum())
    # As Assay: a key with no NULL and no repeat means no row repeats; only otherwise are whole rows compared.
    if key is not None and repeated_keys == 0 and nulls[key] == 0:
        duplicate_rows = 0
    else:
        duplicate_rows = int(df.duplicated().sum())
    return {
        "rows": len(df),
        "nulls": {c: int(n) for c, n in nulls.items() if n},
        "distinct": {c: int(n) for c, n in distinct.items()},
        "mean": {c: float(described.loc["mean", c]) for c in numeric.columns},
        "top_columns": sorted(tops),
        "histograms": len(hists),
        "text_min": {c: str(text_range.loc["min", c]) for c in text.columns},
        "repeated_keys": repeated_keys,
        "duplicate_rows": duplicate_rows,
    }


def shares(counts):
    total = counts.sum()
    return counts / total if total else np.zeros_like(counts, dtype=float)


def psi(b, c):
    p = np.maximum(shares(b), PSI_FLOOR)
    q = np.maximum(shares(c), PSI_FLOOR)
    return float(np.sum((q - p) * np.log(q / p)))


def jensen_shannon(b, c):
    """Jensen–Shannon distance, base 2, with NumPy."""
    p, q = shares(b), shares(c)
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        d = 0.5 * np.sum(np.where(p > 0, p * np.log2(p / m), 0)) + 0.5 * np.sum(np.where(q > 0, q * np.log2(q / m), 0))
    return float(np.sqrt(max(0.0, d)))


def numeric_drift(b, c):
    """KS (scipy.stats.ks_2samp), Wasserstein, PSI over the baseline's deciles, a 30-bin overlay."""
    x = b.dropna().to_numpy(dtype=float)
    y = c.dropna().to_numpy(dtype=float)
    ks = scipy.stats.ks_2samp(x, y)
    w1 = scipy.stats.wasserstein_distance(x, y)
    edges = np.unique(np.quantile(x, np.arange(1, 10) / 10))
    # Bins (−∞, e1], (e1, e2], …, (ek, +∞), as Assay's.
    bx = np.bincount(np.searchsorted(edges, x, side="left"), minlength=len(edges) + 1)
    by = np.bincount(np.searchsorted(edges, y, side="left"), minlength=len(edges) + 1)
    lo, hi = min(x.min(), y.min()), max(x.max(), y.max())
    hx, _ = np.histogram(x, bins=30, range=(lo, hi))
    hy, _ = np.histogram(y, bins=30, range=(lo, hi))
    return {"ks_statistic": float(ks.statistic), "ks_pvalue": float(ks.pvalue), "wasserstein": float(w1), "psi": psi(bx, by)}


def categorical_drift(b, c):
    """value_counts of both sides; PSI and Jensen–Shannon with NumPy, χ² (scipy.stats.chi2_contingency)."""
    t = pd.concat([b.value_counts(dropna=False), c.value_counts(dropna=False)], axis=1).fillna(0).to_numpy()
    chi2, p, dof, _ = scipy.stats.chi2_contingency(t.T, correction=False)
    return {"psi": psi(t[:, 0], t[:, 1]), "js_distance": jensen_shannon(t[:, 0], t[:, 1]), "chi2_statistic": float(chi2), "chi2_pvalue": float(p), "chi2_dof": int(dof)}


def drift(base, cur, columns, label=None):
    """Per column numeric or categorical drift, the schema diff, and the label's class shares."""
    schema = {
        "added": [c for c in cur.columns if c not in base.columns],
        "removed": [c for c in base.columns if c not in cur.columns],
        "retyped": [c for c in base.columns if c in cur.columns and base[c].dtype != cur[c].dtype],
    }
    out = {}
    for col in columns:
        numeric = pd.api.types.is_numeric_dtype(base[col]) and not pd.api.types.is_bool_dtype(base[col])
        out[col] = numeric_drift(base[col], cur[col]) if numeric else categorical_drift(base[col], cur[col])
    if label is not None and label not in out:
        out[label] = categorical_drift(base[label], cur[label])
    return {"schema": schema, "columns": out}


def confusion(df, reference, compared):
    """sklearn.metrics: the confusion matrix, per-class precision/recall/F1 with macro and weighted
    averages, accuracy and Cohen's kappa, over the rows where both labels are set."""
    both = df[[reference, compared]].dropna()
    # The labels as integer codes over both columns' classes first: scikit-learn given the
    # strings themselves sorts and looks up Python objects, 1M rows at a time in each of the
    # three calls (about 20 s here against about 1 s this way).
    labels = pd.Index(both[reference].unique()).union(both[compared].unique())
    y = pd.Categorical(both[reference], categories=labels).codes
    p = pd.Categorical(both[compared], categories=labels).codes
    codes = np.arange(len(labels))
    cm = confusion_matrix(y, p, labels=codes)
    precision, recall, f1, support = precision_recall_fscore_support(y, p, labels=codes, zero_division=0)
    kappa = cohen_kappa_score(y, p, labels=codes)
    return {
        "classes": len(labels),
        "accuracy": float(np.trace(cm) / cm.sum()),
        "macro_f1": float(f1.mean()),
        "weighted_f1": float(np.average(f1, weights=support)),
        "precision_0": float(precision[0]),
        "recall_0": float(recall[0]),
        "kappa": float(kappa),
        "excluded_null": int(len(df) - len(both)),
    }


def sample(df, stratify, fraction, min_per_class, seed):
    """A per-class sample: n = min(N, max(min_per_class, ceil(fraction × N))) rows of each class,
    with groupby().sample (pandas' own generator, seeded: not the rows Assay's md5 ranking picks)."""
    population = df[stratify].value_counts(dropna=False)
    # The fraction as a decimal, as Assay's: 0.05 × 60 is 3, not the float 3.0000000000000004 whose ceiling is 4.
    size = population.map(lambda n: min(n, max(min_per_class, math.ceil(Decimal(str(fraction)) * n))))
    state = np.random.RandomState(seed)
    if (size == (population * fraction).round()).all():
        # One call where pandas' own rounding gives the same sizes (groupby().sample takes one frac for all).
        picked = df.groupby(stratify, dropna=False).sample(frac=fraction, random_state=state)
    else:
        picked = df.groupby(stratify, dropna=False, group_keys=False).apply(lambda g: g.sample(n=int(size[g.name]), random_state=state))
    picked = picked.sort_values(stratify, kind="stable")
    return {"rows": len(picked), "classes": len(size), "sizes": {str(k): int(v) for k, v in picked[stratify].value_counts(dropna=False).items()}}


# --- running ---------------------------------------------------------------------------------


def timed(f, *args, **kwargs):
    t = time.perf_counter()
    out = f(*args, **kwargs)
    return (time.perf_counter() - t) * 1000, out


def hello():
    engine = parquet_engine()
    return {
        "reader": "parquet" if engine else "csv",
        "parquet_engine": engine,
        "python": sys.version.split()[0],
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
    }


def serve():
    tables = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            op = r["op"]
            if op == "hello":
                out = hello()
            elif op == "load":
                tables.pop(r["name"], None)  # the old copy's memory is freed before the new read, as a reload would
                ms, df = timed(read, r["path"])
                tables[r["name"]] = df
                out = {"ms": ms, "rows": len(df)}
            elif op == "profile":
                ms, check = timed(profile, tables[r["table"]], r.get("key"), r.get("top", 10), r.get("bins", 20))
                out = {"ms": ms, "check": check}
            elif op == "drift":
                ms, check = timed(drift, tables[r["baseline"]], tables[r["current"]], r["columns"], r.get("label"))
                out = {"ms": ms, "check": check}
            elif op == "confusion":
                ms, check = timed(confusion, tables[r["table"]], r["reference"], r["compared"])
                out = {"ms": ms, "check": check}
            elif op == "sample":
                ms, check = timed(sample, tables[r["table"]], r["stratify"], r["fraction"], r["min_per_class"], r["seed"])
                out = {"ms": ms, "check": check}
            else:
                out = {"error": f"unknown op {op}"}
        except Exception as e:  # the bench shows the message and goes on without the peer
            out = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(out, default=str), flush=True)


# The bench's cell specs (test/bench/bench.ts), for the standalone mode.
SPECS = {
    "profile": lambda t: {"op": "profile", "table": t, "key": "image_id"},
    "confusion": lambda t: {"op": "confusion", "table": t, "reference": "label", "compared": "prediction"},
    "sample": lambda t: {"op": "sample", "table": t, "stratify": "label", "fraction": 0.05, "min_per_class": 5, "seed": 20261122},
}
DRIFT_COLUMNS = ["lux", "confidence", "width", "label", "prediction", "vendor"]


def standalone(argv):
    repeat = 3
    if argv[:1] == ["--repeat"]:
        repeat, argv = int(argv[1]), argv[2:]
    case, files = argv[0], argv[1:]
    reads, stats = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        dfs = [read(f) for f in files]
        reads.append((time.perf_counter() - t) * 1000)
    for _ in range(repeat):
        if case == "drift":
            ms, check = timed(drift, dfs[0], dfs[1], DRIFT_COLUMNS, "label")
        else:
            s = SPECS[case]("t")
            args = {k: v for k, v in s.items() if k not in ("op", "table")}
            fn = {"profile": profile, "confusion": confusion, "sample": sample}[case]
            ms, check = timed(fn, dfs[0], **args)
        stats.append(ms)
    print(json.dumps({**hello(), "case": case, "repeat": repeat, "read_ms": round(statistics.median(reads)), "stat_ms": round(statistics.median(stats)), "check": check}, default=str, indent=2))


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    elif len(sys.argv) > 2:
        standalone(sys.argv[1:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
