/**
 * Sharpness: the population variance of the 4-neighbour Laplacian of the grey image over
 * its interior pixels,
 *
 *   L(x, y) = G(x−1, y) + G(x+1, y) + G(x, y−1) + G(x, y+1) − 4·G(x, y),  1 ≤ x ≤ w−2, 1 ≤ y ≤ h−2,
 *   sharpness = (1/N)·Σ L² − ((1/N)·Σ L)²,  N = (w−2)(h−2),
 *
 * computed as (N·ΣL² − (ΣL)²) / N² with the numerator exact (integers; BigInt for the
 * product), so every engine gives the same double. Null for an image narrower or shorter
 * than 3 pixels (no interior).
 */
export function laplacianVariance(grey: Uint8Array, width: number, height: number): number | null {
  if (width < 3 || height < 3) return null;
  let s1 = 0;
  let s2 = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const l = grey[i - 1]! + grey[i + 1]! + grey[i - width]! + grey[i + width]! - 4 * grey[i]!;
      s1 += l;
      s2 += l * l;
    }
  }
  const n = BigInt((width - 2) * (height - 2));
  const numerator = n * BigInt(s2) - BigInt(s1) * BigInt(s1);
  return Number(numerator) / Number(n * n);
}
