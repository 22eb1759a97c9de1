"""Independent reference values for the profile cell, from the CSV copy of sample-data.

Run: python3 test/reference/profile_reference.py
Standard library only: statistics.quantiles(method='inclusive') is the linear interpolation of
NumPy's default and DuckDB's quantile_cont; statistics.stdev is the sample (n - 1) deviation.
"""
import csv, os, re, statistics, json
from collections import Counter

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "..", "..", "sample-data", "defects_v2.csv"), newline="") as f:
    rows = list(csv.DictReader(f))

out = {"rows": len(rows)}
for col in ["lighting_lux", "confidence", "width", "severity_b"]:
    vals = [float(r[col]) for r in rows if r[col] != ""]
    q = statistics.quantiles(vals, n=4, method="inclusive")
    out[col] = {
        "count": len(vals), "nulls": len(rows) - len(vals), "distinct": len(set(vals)),
        "min": min(vals), "max": max(vals), "mean": statistics.fmean(vals), "std": statistics.stdev(vals),
        "q25": q[0], "q50": q[1], "q75": q[2],
    }
for col in ["label", "camera_id", "vendor_batch"]:
    vals = [r[col] for r in rows if r[col] != ""]
    top = sorted(Counter(vals).items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    out[col] = {"count": len(vals), "nulls": len(rows) - len(vals), "distinct": len(set(vals)),
                "min": min(vals), "max": max(vals), "top": top}
email = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
out["annotator_email"] = {"emails": sum(1 for r in rows if r["annotator_email"] and email.match(r["annotator_email"]))}
# Exact duplicate rows beyond the first (the CSV holds every column of the table).
seen = Counter(tuple(r.values()) for r in rows)
out["duplicate_rows"] = sum(n - 1 for n in seen.values())
keys = Counter(r["image_id"] for r in rows)
out["repeated_keys"] = sum(1 for n in keys.values() if n > 1)
out["key_duplicate_rows"] = sum(n - 1 for n in keys.values() if n > 1)
print(json.dumps(out, indent=1))
