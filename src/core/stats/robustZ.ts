/**
 * Robust z-scores of a series against the points before it (the trend cell's anomaly test).
 * The definition is in README "Metric definitions: trend anomalies"; in short, for point i
 * with value x, W = the last `window` earlier points that have a value,
 *   median m = median(W), MAD = median(|w − m| for w in W),
 *   z = 0.6745 · (x − m) / MAD, flagged when |z| ≥ `threshold`.
 * 0.6745 (Φ⁻¹(0.75), to four places, as Iglewicz and Hoaglin's modified z-score) makes MAD
 * estimate the standard deviation of normal data. Fewer than `minPoints` values in W: not
 * scored, never flagged. MAD = 0 (half the window or more share one value): z is not finite;
 * the point is flagged when x differs from m, not when it equals it (MAD and differences
 * within 1e-9 relative of m count as 0).
 */

/** Options of the test; the defaults are the trend cell's. */
export interface RobustZOptions {
  /** How many earlier points with a value form the window (default 10). */
  window?: number;
  /** Flag at |z| at or above this (default 3.5). */
  threshold?: number;
  /** Fewer earlier values than this: not scored (default 2). */
  minPoints?: number;
}

export interface RobustZPoint {
  value: number | null;
  median: number | null;
  mad: number | null;
  window_size: number;
  z: number | null;
  status: 'no_value' | 'short_window' | 'scored' | 'constant_window';
  flagged: boolean;
}

/** The consistency constant: Φ⁻¹(0.75) rounded to four places, as in the modified z-score. */
export const MAD_CONSTANT = 0.6745;

/** Median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Two values that differ only by floating-point noise (relative 1e-9, what the engines may
 * differ by) count as equal, so a constant window is not broken by the last digit.
 */
function sameValue(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** Score every point of a series against the points before it (nulls are skipped, never scored). */
export function robustZScores(series: readonly (number | null)[], options: RobustZOptions = {}): RobustZPoint[] {
  const window = options.window ?? 10;
  const threshold = options.threshold ?? 3.5;
  const minPoints = options.minPoints ?? 2;
  const seen: number[] = [];
  return series.map((value) => {
    if (value === null || !Number.isFinite(value)) return { value: null, median: null, mad: null, window_size: 0, z: null, status: 'no_value', flagged: false };
    const w = seen.slice(Math.max(0, seen.length - window));
    seen.push(value);
    if (w.length < Math.max(1, minPoints)) return { value, median: w.length ? median(w) : null, mad: null, window_size: w.length, z: null, status: 'short_window', flagged: false };
    const m = median(w);
    const mad = median(w.map((x) => Math.abs(x - m)));
    // A MAD within float noise of the median (1e-9 relative) is a constant window, not a tiny scale.
    if (mad <= 1e-9 * Math.abs(m)) return { value, median: m, mad, window_size: w.length, z: null, status: 'constant_window', flagged: !sameValue(value, m) };
    const z = (MAD_CONSTANT * (value - m)) / mad;
    return { value, median: m, mad, window_size: w.length, z, status: 'scored', flagged: Math.abs(z) >= threshold };
  });
}
