/**
 * Deterministic generator of the sample image folder: `npm run sample-images`.
 *
 * `sample-data/images/` holds a few hundred small synthetic "steel surface" images (PNG and
 * JPEG) and `sample-data/images.csv` the metadata naming them (image_id, image_path, width,
 * height, label). Problems are seeded on purpose — wrong declared sizes, truncated files, an
 * unsupported format, exact duplicates, near-duplicates (re-encoded, resized, brightened),
 * missing and extra files — and written to `sample-data/images_truth.json`, which the tests
 * compare with what the images cell finds. sample-data/README.md lists them. The same seed
 * writes the same bytes (fast-png and jpeg-js encode deterministically).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';

const here = dirname(fileURLToPath(import.meta.url));
const folder = join(here, 'images');

/** mulberry32, as in generate.ts. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

interface Pixels {
  width: number;
  height: number;
  /** RGB, 3 bytes a pixel. */
  rgb: Uint8Array;
}

/** A synthetic steel surface: a shaded grey plate with blobs (stains, dents) and scratch lines. */
function surface(r: ReturnType<typeof rng>, width: number, height: number): Pixels {
  const base = [r.int(95, 165), 0, 0];
  base[1] = base[0]! + r.int(-8, 8);
  base[2] = base[0]! + r.int(-4, 14);
  const gx = (r.next() - 0.5) * 0.1;
  const gy = (r.next() - 0.5) * 0.1;
  const blobs = Array.from({ length: 24 }, () => ({ x: r.next() * width, y: r.next() * height, s: 2.5 + r.next() * 6, a: (r.next() - 0.5) * 180, tint: r.next() * 0.3 }));
  const lines = Array.from({ length: r.int(0, 2) }, () => ({ x0: r.next() * width, y0: r.next() * height, dx: r.next() - 0.5, dy: r.next() - 0.5, a: -60 - r.next() * 60 }));
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = gx * (x - width / 2) + gy * (y - height / 2);
      let t = 0;
      for (const b of blobs) {
        const e = Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.s * b.s));
        v += b.a * e;
        t += b.tint * b.a * e;
      }
      for (const l of lines) {
        const n = Math.hypot(l.dx, l.dy);
        const d = Math.abs((x - l.x0) * l.dy - (y - l.y0) * l.dx) / n;
        if (d < 0.8) v += l.a * (1 - d / 0.8);
      }
      const noise = r.int(-3, 3);
      const i = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) rgb[i + c] = Math.max(0, Math.min(255, Math.round(base[c]! + v + noise + (c === 0 ? t : 0))));
    }
  }
  return { width, height, rgb };
}

function png(p: Pixels): Uint8Array {
  return encodePng({ width: p.width, height: p.height, data: p.rgb, channels: 3, depth: 8 });
}

function jpg(p: Pixels, quality = 88): Uint8Array {
  const rgba = new Uint8Array(p.width * p.height * 4);
  for (let i = 0; i < p.width * p.height; i++) {
    rgba[4 * i] = p.rgb[3 * i]!;
    rgba[4 * i + 1] = p.rgb[3 * i + 1]!;
    rgba[4 * i + 2] = p.rgb[3 * i + 2]!;
    rgba[4 * i + 3] = 255;
  }
  return new Uint8Array(jpeg.encode({ width: p.width, height: p.height, data: rgba }, quality).data);
}

/** Box-average down by a whole factor of the output grid (3/4: 4 px → 3 px, area weights). */
function resize(p: Pixels, width: number, height: number): Pixels {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const x0 = (x * p.width) / width;
      const x1 = ((x + 1) * p.width) / width;
      const y0 = (y * p.height) / height;
      const y1 = ((y + 1) * p.height) / height;
      const acc = [0, 0, 0];
      let area = 0;
      for (let sy = Math.floor(y0); sy < Math.ceil(y1); sy++) {
        for (let sx = Math.floor(x0); sx < Math.ceil(x1); sx++) {
          const w = (Math.min(x1, sx + 1) - Math.max(x0, sx)) * (Math.min(y1, sy + 1) - Math.max(y0, sy));
          area += w;
          for (let c = 0; c < 3; c++) acc[c]! += w * p.rgb[(sy * p.width + sx) * 3 + c]!;
        }
      }
      for (let c = 0; c < 3; c++) rgb[(y * width + x) * 3 + c] = Math.round(acc[c]! / area);
    }
  }
  return { width, height, rgb };
}

function brighten(p: Pixels, by: number): Pixels {
  return { ...p, rgb: p.rgb.map((v) => Math.min(255, v + by)) };
}

/** A minimal GIF (a 1×1 image): a format Assay names as unsupported. */
const GIF = Uint8Array.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3b]);

const LABELS = ['ok', 'ok', 'ok', 'crack', 'dent', 'scratch', 'stain'];

interface Record_ {
  image_id: string;
  image_path: string;
  width: number;
  height: number;
  label: string;
}

export function generateImages(): void {
  const r = rng(20261207);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(join(folder, 'unsorted'), { recursive: true });
  const records: Record_[] = [];
  const write = (path: string, bytes: Uint8Array) => writeFileSync(join(folder, path), bytes);
  const truth = {
    size_mismatch: [] as { path: string; declared: [number, number]; actual: [number, number] }[],
    undecodable: [] as { path: string; why: string }[],
    exact_duplicates: [] as string[][],
    near_duplicates: [] as { a: string; b: string; how: string }[],
    missing: [] as string[],
    extra: [] as string[],
  };
  let id = 0;
  const nextId = () => `img_${String(++id).padStart(4, '0')}`;
  const sizes: [number, number][] = [[64, 64], [64, 64], [64, 48], [80, 60], [48, 64]];

  // 280 originals: every fifth a JPEG.
  const originals: { path: string; pixels: Pixels; format: 'png' | 'jpeg' }[] = [];
  for (let i = 0; i < 280; i++) {
    const [w, h] = sizes[r.int(0, sizes.length - 1)]!;
    const pixels = surface(r, w, h);
    const format = i % 5 === 4 ? 'jpeg' : 'png';
    const imageId = nextId();
    const path = `${imageId}.${format === 'png' ? 'png' : 'jpg'}`;
    originals.push({ path, pixels, format });
    write(path, format === 'png' ? png(pixels) : jpg(pixels));
    records.push({ image_id: imageId, image_path: path, width: w, height: h, label: LABELS[r.int(0, LABELS.length - 1)]! });
  }

  // Truncated: 2 PNG and 2 JPEG cut to 60 % of their bytes.
  for (const i of [10, 57, 14, 99]) {
    const o = originals[i]!;
    const full = o.format === 'png' ? png(o.pixels) : jpg(o.pixels);
    write(o.path, full.subarray(0, Math.floor(full.length * 0.6)));
    truth.undecodable.push({ path: o.path, why: 'truncated' });
  }
  // Wrong declared sizes: the metadata says something else for 6 records (width, height or both).
  for (const [i, dw, dh] of [[20, 96, 0], [33, 0, 72], [71, 128, 128], [120, 0, 50], [201, 60, 0], [250, 1024, 768]] as const) {
    const rec = records[i]!;
    const declared: [number, number] = [dw || rec.width, dh || rec.height];
    truth.size_mismatch.push({ path: rec.image_path, declared, actual: [rec.width, rec.height] });
    rec.width = declared[0];
    rec.height = declared[1];
  }
  // An unsupported format, named by the metadata.
  {
    const imageId = nextId();
    const path = `${imageId}.gif`;
    write(path, GIF);
    records.push({ image_id: imageId, image_path: path, width: 1, height: 1, label: 'ok' });
    truth.undecodable.push({ path, why: 'unsupported format: GIF' });
  }
  const copyOf = (o: (typeof originals)[number], bytes: Uint8Array, format: 'png' | 'jpeg', w: number, h: number) => {
    const imageId = nextId();
    const path = `${imageId}.${format === 'png' ? 'png' : 'jpg'}`;
    write(path, bytes);
    records.push({ image_id: imageId, image_path: path, width: w, height: h, label: LABELS[r.int(0, LABELS.length - 1)]! });
    return path;
  };
  // Exact duplicates: three pairs and one triple, byte copies under new names.
  for (const [i, copies] of [[40, 1], [41, 1], [144, 1], [160, 2]] as const) {
    const o = originals[i]!;
    const bytes = o.format === 'png' ? png(o.pixels) : jpg(o.pixels);
    const group = [o.path];
    for (let c = 0; c < copies; c++) group.push(copyOf(o, bytes, o.format, o.pixels.width, o.pixels.height));
    truth.exact_duplicates.push(group.sort());
  }
  // Near-duplicates: re-encoded (PNG → JPEG), resized to 3/4, brightened by 10 levels.
  for (const i of [60, 61, 62]) {
    const o = originals[i]!;
    truth.near_duplicates.push({ a: o.path, b: copyOf(o, jpg(o.pixels, 80), 'jpeg', o.pixels.width, o.pixels.height), how: 're-encoded as JPEG (quality 80)' });
  }
  for (const i of [80, 81, 84]) {
    const o = originals[i]!;
    const small = resize(o.pixels, (o.pixels.width * 3) / 4, (o.pixels.height * 3) / 4);
    truth.near_duplicates.push({ a: o.path, b: copyOf(o, o.format === 'png' ? png(small) : jpg(small), o.format, small.width, small.height), how: 'resized to 3/4' });
  }
  for (const i of [100, 101, 103]) {
    const o = originals[i]!;
    const light = brighten(o.pixels, 10);
    truth.near_duplicates.push({ a: o.path, b: copyOf(o, o.format === 'png' ? png(light) : jpg(light), o.format, o.pixels.width, o.pixels.height), how: 'brightened by 10 levels' });
  }
  // Missing: five records whose file is not in the folder.
  for (let k = 0; k < 5; k++) {
    const imageId = nextId();
    const path = `${imageId}.png`;
    records.push({ image_id: imageId, image_path: path, width: 64, height: 64, label: 'ok' });
    truth.missing.push(path);
  }
  // Extra: four files in the folder (in a subfolder) that no record names.
  for (let k = 0; k < 4; k++) {
    const pixels = surface(r, 64, 64);
    const path = `unsorted/scan_${k + 1}.${k % 2 ? 'jpg' : 'png'}`;
    write(path, k % 2 ? jpg(pixels) : png(pixels));
    truth.extra.push(path);
  }
  for (const n of truth.near_duplicates) if (n.b < n.a) [n.a, n.b] = [n.b, n.a];
  truth.near_duplicates.sort((x, y) => (x.a < y.a ? -1 : x.a > y.a ? 1 : 0));
  const csv = ['image_id,image_path,width,height,label', ...records.map((x) => `${x.image_id},${x.image_path},${x.width},${x.height},${x.label}`)].join('\n') + '\n';
  writeFileSync(join(here, 'images.csv'), csv);
  writeFileSync(join(here, 'images_truth.json'), JSON.stringify(truth, null, 1) + '\n');
}

generateImages();
