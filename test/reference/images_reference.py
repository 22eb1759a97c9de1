"""Independent reference values for the images cell over sample-data/images.

Run: python3 test/reference/images_reference.py  (writes images_reference.json beside it)

Numpy and Pillow (Debian's python3-numpy and python3-pil); nothing of Assay's code is used.
The definitions are the README's ("Images: the definitions"), implemented again here:
- format from the magic bytes; PNG and JPEG decoded by Pillow (zlib; libjpeg), anything else
  unsupported; a file Pillow cannot fully load (truncated, corrupt) is undecodable;
- grey = floor((299 R + 587 G + 114 B + 500) / 1000) in integers;
- sharpness = population variance of the 4-neighbour Laplacian over interior pixels,
  (N sum L^2 - (sum L)^2) / N^2 with the numerator an exact integer;
- dHash: S = Wy @ G @ Wx.T with integer overlap matrices (Wx[i, x] = overlap of pixel x's
  span [9x, 9x+9) with cell i's [i w, (i+1) w); Wy likewise with 8), bit = S[j, i] < S[j, i+1],
  row-major, first bit most significant.
PNG values are the same bytes decoded, so they must match exactly. JPEGs too: Assay decodes
them with libjpeg-turbo compiled to WebAssembly, Pillow with Debian's libjpeg-turbo (same
integer IDCT, same fancy chroma upsampling), so the samples and every measure are exact.
"""
import hashlib, json, os
import numpy as np
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..", "..", "sample-data", "images")


def magic(b):
    if b[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if b[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if b[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if b[:4] == b"RIFF" and b[8:12] == b"WEBP":
        return "webp"
    return None


def overlaps(n, k):
    """W[c, p]: overlap of pixel p ([k p, k p + k)) with cell c ([c n, (c+1) n)), scaled units."""
    w = np.zeros((k, n), dtype=np.int64)
    for c in range(k):
        for p in range(n):
            w[c, p] = max(0, min(k * p + k, (c + 1) * n) - max(k * p, c * n))
    return w


def measure(path):
    b = open(os.path.join(root, path), "rb").read()
    row = {"path": path, "bytes": len(b), "sha256": hashlib.sha256(b).hexdigest(), "format": magic(b),
           "width": None, "height": None, "channels": None, "decodes": False,
           "mean_luminance": None, "sharpness": None, "dhash": None}
    if row["format"] not in ("png", "jpeg"):
        return row
    try:
        im = Image.open(os.path.join(root, path))
        im.load()
    except Exception:
        return row
    bands = {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4, "CMYK": 4, "P": 3}
    row.update(width=im.width, height=im.height, channels=bands[im.mode], decodes=True)
    a = np.asarray(im.convert("RGB"), dtype=np.int64)
    g = (299 * a[:, :, 0] + 587 * a[:, :, 1] + 114 * a[:, :, 2] + 500) // 1000
    row["mean_luminance"] = float(int(g.sum())) / g.size
    h, w = g.shape
    if w >= 3 and h >= 3:
        lap = g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4 * g[1:-1, 1:-1]
        n = lap.size
        s1 = int(lap.sum())
        s2 = int((lap * lap).sum())
        row["sharpness"] = float(n * s2 - s1 * s1) / float(n * n)
    s = overlaps(h, 8) @ g @ overlaps(w, 9).T
    bits = "".join("1" if s[j, i] < s[j, i + 1] else "0" for j in range(8) for i in range(8))
    row["dhash"] = "%016x" % int(bits, 2)
    return row


paths = []
for d, dirs, files in os.walk(root):
    dirs[:] = [x for x in dirs if not x.startswith(".")]
    for f in files:
        if not f.startswith("."):
            paths.append(os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/"))
paths.sort()
out = {"pillow": Image.__version__, "numpy": np.__version__, "files": [measure(p) for p in paths]}
with open(os.path.join(here, "images_reference.json"), "w") as f:
    json.dump(out, f, indent=0)
    f.write("\n")
print(len(paths), "files")
