import type { DecodedImage } from './decode';

/**
 * The grey image every measure reads: one byte per pixel, row-major.
 *
 * grey = ⌊(299·R + 587·G + 114·B + 500) / 1000⌋ — ITU-R BT.601 luma weights in integer
 * arithmetic, rounded half up — for RGB and RGBA; the sample itself for grey and grey + alpha.
 * Alpha is ignored (a transparent pixel counts as its colour).
 */
export function toGrey(image: Pick<DecodedImage, 'width' | 'height' | 'layout' | 'data'>): Uint8Array {
  const n = image.width * image.height;
  const { layout, data } = image;
  const grey = new Uint8Array(n);
  if (layout <= 2) {
    for (let i = 0; i < n; i++) grey[i] = data[i * layout]!;
    return grey;
  }
  // s = 299·R + 587·G + 114·B + 500 ≤ 255,500, and ⌊s / 1000⌋ = ⌊⌊s / 8⌋ / 125⌋ = (⌊s / 8⌋ · 33,555) >>> 22
  // for every such s (checked for all of them in test/core/images/sharpness.test.ts): integer
  // arithmetic within 32 bits, no division, the same value as the rule above.
  if (layout === 4 && LITTLE_ENDIAN && data.byteOffset % 4 === 0) {
    // One 32-bit load a pixel (R in the low byte), not three byte loads.
    const words = new Uint32Array(data.buffer, data.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const p = words[i]!;
      const eighth = (299 * (p & 0xff) + 587 * ((p >>> 8) & 0xff) + 114 * ((p >>> 16) & 0xff) + 500) >>> 3;
      grey[i] = (eighth * 33555) >>> 22;
    }
    return grey;
  }
  for (let i = 0, j = 0; i < n; i++, j += layout) {
    const eighth = (299 * data[j]! + 587 * data[j + 1]! + 114 * data[j + 2]! + 500) >>> 3;
    grey[i] = (eighth * 33555) >>> 22;
  }
  return grey;
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** One RGB pixel's grey value (the rule above). */
export function greyOf(r: number, g: number, b: number): number {
  return Math.floor((299 * r + 587 * g + 114 * b + 500) / 1000);
}
