/**
 * The images stage's folders: `count` synthetic 256×256 images, even-numbered ones PNG and odd
 * ones JPEG, from a seeded generator. PNG by fast-png (its default zlib level 3, filter none),
 * JPEG by MozJPEG's encoder in wasm (@jsquash/jpeg: baseline, quality 85, 4:2:0, optimised
 * Huffman tables, as cameras and most tools write them; jpeg-js takes ~100 ms an image here).
 * Both encode deterministically: the same bytes on every run. Cached: a folder whose marker
 * file names the same count and version is used as it is.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import encodeJpeg, { init as initJpegEncoder } from '@jsquash/jpeg/encode.js';
import { rng } from '../helpers/rng';

/** Bumped whenever the generator changes what it writes, so a cached folder is rewritten. */
const VERSION = 1;
export const IMAGE_SIZE = 256;

/**
 * One image, RGBA: a tinted gradient, a few soft discs and rectangles at random places and a
 * little noise — content a photo-like folder has (smooth areas, edges, texture), so PNG does
 * not compress it to nothing and every image has its own dHash.
 */
function picture(seed: number): Uint8Array {
  const r = rng(seed);
  const n = IMAGE_SIZE;
  const rgba = new Uint8Array(n * n * 4);
  const base = [40 + r() * 170, 40 + r() * 170, 40 + r() * 170];
  const gx = (r() - 0.5) * 0.8;
  const gy = (r() - 0.5) * 0.8;
  const shapes = Array.from({ length: 6 }, () => ({ disc: r() < 0.5, x: r() * n, y: r() * n, s: 12 + r() * 50, d: [(r() - 0.5) * 160, (r() - 0.5) * 160, (r() - 0.5) * 160] }));
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const i = (y * n + x) * 4;
      const ramp = gx * (x - n / 2) + gy * (y - n / 2);
      const noise = (r() - 0.5) * 12;
      for (let c = 0; c < 3; c++) {
        let v = base[c]! + ramp + noise;
        for (const s of shapes) {
          const inside = s.disc ? (x - s.x) ** 2 + (y - s.y) ** 2 < s.s * s.s : Math.abs(x - s.x) < s.s && Math.abs(y - s.y) < s.s * 0.6;
          if (inside) v += s.d[c]!;
        }
        rgba[i + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
      rgba[i + 3] = 255;
    }
  }
  return rgba;
}

/**
 * The folder `dir` with `count` images (img_00000.png, img_00001.jpg, …), written unless a
 * complete copy is already there; returns the bytes it holds.
 */
export async function imageFolder(dir: string, count: number): Promise<number> {
  const marker = join(dir, '.complete');
  const want = JSON.stringify({ count, version: VERSION });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === want) return Number(readFileSync(join(dir, '.bytes'), 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const wasm = readFileSync(createRequire(import.meta.url).resolve('@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm'));
  await initJpegEncoder(await WebAssembly.compile(wasm));
  let bytes = 0;
  for (let k = 0; k < count; k++) {
    const rgba = picture(20261203 + k);
    let file: Uint8Array;
    if (k % 2 === 0) {
      const rgb = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3);
      for (let p = 0, q = 0; p < rgb.length; p += 3, q += 4) rgb.set(rgba.subarray(q, q + 3), p);
      file = encodePng({ width: IMAGE_SIZE, height: IMAGE_SIZE, data: rgb, channels: 3, depth: 8 });
    } else {
      const image = { data: new Uint8ClampedArray(rgba.buffer), width: IMAGE_SIZE, height: IMAGE_SIZE, colorSpace: 'srgb' } as ImageData;
      file = new Uint8Array(await encodeJpeg(image, { quality: 85, progressive: false, optimize_coding: true, chroma_subsample: 2, auto_subsample: false }));
    }
    writeFileSync(join(dir, `img_${String(k).padStart(5, '0')}.${k % 2 === 0 ? 'png' : 'jpg'}`), file);
    bytes += file.length;
  }
  // Dot files: the images cell leaves them out, in the app and the CLI alike.
  writeFileSync(join(dir, '.bytes'), String(bytes));
  writeFileSync(marker, want);
  return bytes;
}

/**
 * The folder `dir` holding the first `count` images of the complete folder `from` (the same
 * files, copied), for comparing a smaller folder with the same mix.
 */
export function firstImages(from: string, dir: string, count: number): number {
  const marker = join(dir, '.complete');
  const want = JSON.stringify({ count, version: VERSION, from: readFileSync(join(from, '.complete'), 'utf8') });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === want) return Number(readFileSync(join(dir, '.bytes'), 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const names = readdirSync(from).filter((f) => !f.startsWith('.')).sort().slice(0, count);
  if (names.length < count) throw new Error(`${from} holds ${names.length} images, fewer than ${count}`);
  let bytes = 0;
  for (const name of names) {
    copyFileSync(join(from, name), join(dir, name));
    bytes += statSync(join(dir, name)).size;
  }
  writeFileSync(join(dir, '.bytes'), String(bytes));
  writeFileSync(marker, want);
  return bytes;
}
