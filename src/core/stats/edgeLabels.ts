/** Significant digits an edge keeps at least: enough to read a measurement, not a float's noise. */
export const EDGE_DIGITS = 4;

/**
 * Bin edges as text at one number of significant digits for all — at least EDGE_DIGITS, more
 * only where neighbouring edges would otherwise read alike or out of order — so
 * 598.8399999999999 reads 598.8 beside 637.3, and 598.84 beside 598.85. Up to 17 digits,
 * which round-trips any double.
 */
export function edgeLabels(edges: readonly number[]): string[] {
  for (let digits = EDGE_DIGITS; digits <= 17; digits++) {
    const shown = edges.map((e) => Number(e.toPrecision(digits)));
    if (shown.every((x, i) => i === 0 || x > shown[i - 1]!)) return shown.map(String);
  }
  return edges.map(String);
}
