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
  for (let i = 0, j = 0; i < n; i++, j += layout) grey[i] = Math.floor((299 * data[j]! + 587 * data[j + 1]! + 114 * data[j + 2]! + 500) / 1000);
  return grey;
}

/** One RGB pixel's grey value (the rule above). */
export function greyOf(r: number, g: number, b: number): number {
  return Math.floor((299 * r + 587 * g + 114 * b + 500) / 1000);
}
