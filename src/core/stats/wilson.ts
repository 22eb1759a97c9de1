/** z for a two-sided 95 % interval: the 0.975 quantile of the standard normal. */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval for a proportion x/n (no continuity correction), as used for per-class
 * reject rates: it stays inside [0, 1] and behaves at 0 and n, unlike the normal approximation.
 * Returns nulls for n = 0.
 */
export function wilsonInterval(x: number, n: number, z = Z95): { rate: number | null; low: number | null; high: number | null } {
  if (n <= 0) return { rate: null, low: null, high: null };
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { rate: p, low: Math.max(0, center - half), high: Math.min(1, center + half) };
}
