/**
 * One number format for result tables in the app and in the snapshot: a column of fractions
 * shows one number of decimals (the most any of its values needs, up to MAX_DECIMALS), with
 * thousands separators, so 677 and 794.7 read 677.0 and 794.7 in both places.
 */

/** At most this many decimals are shown; the exact value stays available (the app's title). */
export const MAX_DECIMALS = 6;

/** A number written as a value's exact text: 12 significant digits, as the result tables read it. */
export function exactNumberText(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(12)));
}

/** The decimals a column needs: the most any value's exact text has after its point (exponent forms left out), capped. */
export function columnDecimals(texts: Iterable<string>): number {
  let decimals = 0;
  for (const text of texts) {
    const dot = text.indexOf('.');
    if (dot >= 0 && !/e/i.test(text)) decimals = Math.max(decimals, Math.min(MAX_DECIMALS, text.length - dot - 1));
  }
  return decimals;
}

const formats = new Map<number, Intl.NumberFormat>();

/**
 * A number at `decimals` decimals with thousands separators (en-US). Very large and very small
 * magnitudes keep their exponent form (`exact`, or the number's own text) rather than a row of zeros.
 */
export function formatFixed(n: number, decimals: number, exact = exactNumberText(n)): string {
  if (!Number.isFinite(n)) return exact;
  if (n !== 0 && (Math.abs(n) >= 1e15 || Math.abs(n) < 10 ** -MAX_DECIMALS)) return exact;
  let f = formats.get(decimals);
  if (!f) formats.set(decimals, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })));
  return f.format(n);
}

/**
 * Axis tick labels as d3's (and so Plot's) fixed-precision tick format writes them: every tick
 * at the decimals its step needs, with thousands separators (0.0, 0.5, 1.0; 1,000, 2,000).
 */
export function tickLabels(ticks: readonly number[]): string[] {
  const decimals = columnDecimals(ticks.map(exactNumberText));
  return ticks.map((t) => formatFixed(t, decimals));
}
