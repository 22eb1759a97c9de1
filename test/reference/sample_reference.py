"""Reference keys of the stratified sample of sample-data's vendor batch (standard library only).

Run: python3 test/reference/sample_reference.py > test/reference/sample_keys.json
Per class n = min(N, max(min_per_class, ceil(fraction * N))) in exact decimal arithmetic; rows
ranked by md5("<seed>:<key>") then the key, first n taken.
"""
import csv, hashlib, json, math, os
from decimal import Decimal
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "..", "..", "sample-data", "defects_v2.csv"), newline="") as f:
    rows = list(csv.DictReader(f))
out = {}
for seed, fraction, minimum in [(20261121, "0.05", 5), (7, "0.05", 5), (20261121, "0.1", 0)]:
    classes = {}
    for r in rows:
        classes.setdefault(r["label"] if r["label"] != "" else None, []).append(r["image_id"])
    keys = []
    sizes = {}
    for cls, ids in classes.items():
        n = min(len(ids), max(minimum, math.ceil(Decimal(fraction) * len(ids))))
        ranked = sorted(ids, key=lambda k: (hashlib.md5(f"{seed}:{k}".encode()).hexdigest(), k))
        keys.extend(ranked[:n])
        sizes["NULL" if cls is None else cls] = [len(ids), n]
    out[f"{seed}/{fraction}/{minimum}"] = {"sizes": sizes, "keys": sorted(keys)}
print(json.dumps(out, indent=1, sort_keys=True))
